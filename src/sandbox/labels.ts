// Labels every sandbox object carries, so that destroy() and the janitor find them by label and
// never by a name pattern that could match someone else's pods.
import { randomBytes } from 'node:crypto';

export const SANDBOX_LABELS = {
  /** Unique per sandbox (`aegis-<run>-<role>`). */
  sandbox: 'aegis.sandbox',
  /** Shared by control and candidate of one verification run. */
  run: 'aegis.run',
  /** Unix seconds when the sandbox was created; the janitor's clock. */
  created: 'aegis.created',
  /** The workload's name in the manifests (podman renames pods per sandbox). */
  workload: 'aegis.workload',
} as const;

export function newRunId(): string {
  return randomBytes(4).toString('hex');
}

/** Lowercase DNS-label text, as pod and network names need. */
export function toDnsLabel(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'x'
  );
}
