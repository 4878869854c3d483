// The janitor: sandboxes whose run died before destroy() (a killed runner, a cancelled job) are
// found by label and removed once older than a TTL, so a shared host never fills up with them.
import { SANDBOX_LABELS } from '../labels.js';
import type { PodmanRunner } from './podman-runner.js';
import { removeLabelled } from './remove-labelled.js';

export interface CleanupOptions {
  podman: PodmanRunner;
  /** Sandboxes created longer ago than this are removed; 0 removes every AEGIS sandbox. */
  olderThanMs: number;
  now?: () => number;
}

export interface CleanupResult {
  removed: string[];
  kept: string[];
}

type Labels = Record<string, string> | null | undefined;

/** Sandbox name → creation time (ms) of everything podman lists with the sandbox label. */
export async function listSandboxAges(podman: PodmanRunner): Promise<Map<string, number | undefined>> {
  const filter = ['--filter', `label=${SANDBOX_LABELS.sandbox}`, '--format', 'json'];
  const outputs = await Promise.all([
    podman(['pod', 'ps', ...filter]),
    podman(['ps', '-a', ...filter]),
    podman(['network', 'ls', ...filter]),
    podman(['volume', 'ls', ...filter]),
  ]);
  const ages = new Map<string, number | undefined>();
  for (const stdout of outputs) {
    const entries = (JSON.parse(stdout.trim() || '[]') ?? []) as { Labels?: Labels; labels?: Labels }[];
    for (const entry of entries) {
      const labels = entry.Labels ?? entry.labels ?? {};
      const name = labels[SANDBOX_LABELS.sandbox];
      if (!name) continue;
      const created = Number(labels[SANDBOX_LABELS.created]) * 1000;
      const known = ages.get(name);
      const createdMs = Number.isFinite(created) && created > 0 ? created : undefined;
      ages.set(name, known === undefined ? createdMs : Math.min(known, createdMs ?? known));
    }
  }
  return ages;
}

export async function cleanupSandboxes(options: CleanupOptions): Promise<CleanupResult> {
  const now = (options.now ?? Date.now)();
  const result: CleanupResult = { removed: [], kept: [] };
  for (const [name, createdMs] of await listSandboxAges(options.podman)) {
    // Without a creation label the age is unknown: only an explicit "everything" (0) removes it.
    const expired =
      options.olderThanMs === 0 || (createdMs !== undefined && now - createdMs > options.olderThanMs);
    if (!expired) {
      result.kept.push(name);
      continue;
    }
    await removeLabelled(options.podman, `${SANDBOX_LABELS.sandbox}=${name}`);
    result.removed.push(name);
  }
  return result;
}
