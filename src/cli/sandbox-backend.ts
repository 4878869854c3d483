// `--sandbox podman|vcluster` → a SandboxBackend. The one place the CLI picks a backend, so the
// vCluster backend (being built in src/sandbox/vcluster/) plugs in here when it lands.
import { Option } from 'commander';
import { UserError } from '../core/errors.js';
import { SANDBOX_LABELS } from '../sandbox/labels.js';
import { createPodmanRunner } from '../sandbox/podman/podman-runner.js';
import { createPodmanBackend } from '../sandbox/podman/podman-sandbox.js';
import { removeLabelled } from '../sandbox/podman/remove-labelled.js';
import type { SandboxBackend } from '../sandbox/sandbox.js';

export const SANDBOX_KINDS = ['podman', 'vcluster'] as const;
export type SandboxKind = (typeof SANDBOX_KINDS)[number];

export function sandboxOption(kinds: readonly SandboxKind[] = SANDBOX_KINDS): Option {
  return new Option('--sandbox <kind>', 'sandbox backend').choices(kinds).makeOptionMandatory();
}

export function openBackend(kind: SandboxKind, env: NodeJS.ProcessEnv): SandboxBackend {
  if (kind === 'podman') return createPodmanBackend({ podman: createPodmanRunner({ env }) });
  throw new UserError(
    '--sandbox vcluster is not available in this build yet',
    'use --sandbox podman (the vCluster backend is in progress)',
  );
}

/** Removes everything of one verification run by its label, for a run interrupted mid-way. */
export async function removeRun(kind: SandboxKind, runId: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (kind === 'podman') await removeLabelled(createPodmanRunner({ env }), `${SANDBOX_LABELS.run}=${runId}`);
}
