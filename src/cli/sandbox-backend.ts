// `--sandbox podman|vcluster` → a SandboxBackend. The one place the CLI picks a backend, so the
// vCluster backend (being built in src/sandbox/vcluster/) plugs in here when it lands.
import { Option } from 'commander';
import { UserError } from '../core/errors.js';
import { SANDBOX_LABELS } from '../sandbox/labels.js';
import { createPodmanRunner } from '../sandbox/podman/podman-runner.js';
import { createPodmanBackend } from '../sandbox/podman/podman-sandbox.js';
import { removeLabelled } from '../sandbox/podman/remove-labelled.js';
import type { SandboxBackend } from '../sandbox/sandbox.js';
import { createVclusterCli } from '../sandbox/vcluster/vcluster-cli.js';
import { deleteArgs, VCLUSTER_DRIVERS, type VclusterDriver } from '../sandbox/vcluster/vcluster-commands.js';
import { createVclusterBackend } from '../sandbox/vcluster/vcluster-sandbox.js';

export const SANDBOX_KINDS = ['podman', 'vcluster'] as const;
export type SandboxKind = (typeof SANDBOX_KINDS)[number];

export function sandboxOption(kinds: readonly SandboxKind[] = SANDBOX_KINDS): Option {
  return new Option('--sandbox <kind>', 'sandbox backend').choices(kinds).makeOptionMandatory();
}

/** Each vcluster CLI call (create, connect, delete) gets this long. */
const VCLUSTER_TIMEOUT_MS = 300_000;

/** AEGIS_VCLUSTER_DRIVER (docker: no host cluster needed), AEGIS_VCLUSTER_VERSION, KUBECONFIG. */
function vclusterSettings(env: NodeJS.ProcessEnv) {
  const driver = env.AEGIS_VCLUSTER_DRIVER ?? 'docker';
  if (!(VCLUSTER_DRIVERS as readonly string[]).includes(driver))
    throw new UserError(
      `AEGIS_VCLUSTER_DRIVER=${driver}: expected one of ${VCLUSTER_DRIVERS.join(', ')}`,
      'docker needs only Docker on the machine; helm installs into the cluster of KUBECONFIG',
    );
  const kubeconfig = env.KUBECONFIG;
  const cli = createVclusterCli({
    env,
    timeoutMs: VCLUSTER_TIMEOUT_MS,
    ...(kubeconfig ? { kubeconfig } : {}),
  });
  return { driver: driver as VclusterDriver, cli, version: env.AEGIS_VCLUSTER_VERSION };
}

export function openBackend(kind: SandboxKind, env: NodeJS.ProcessEnv): SandboxBackend {
  if (kind === 'podman') return createPodmanBackend({ podman: createPodmanRunner({ env }) });
  const { driver, cli, version } = vclusterSettings(env);
  return createVclusterBackend({
    driver,
    exec: cli,
    timeoutMs: VCLUSTER_TIMEOUT_MS,
    ...(version ? { version } : {}),
    ...(env.KUBECONFIG ? { kubeconfig: env.KUBECONFIG } : {}),
  });
}

/** Removes everything of one verification run by its label, for a run interrupted mid-way. */
export async function removeRun(kind: SandboxKind, runId: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (kind === 'podman') {
    await removeLabelled(createPodmanRunner({ env }), `${SANDBOX_LABELS.run}=${runId}`);
    return;
  }
  // Virtual clusters carry no labels the CLI can select on: delete the run's two by name.
  const { driver, cli } = vclusterSettings(env);
  await Promise.allSettled(
    ['control', 'candidate'].map((role) =>
      cli.run(
        deleteArgs({
          name: `aegis-${runId}-${role}`,
          driver,
          // The backend's default host namespace (helm driver): vcluster-<sandbox name>.
          ...(driver === 'helm' ? { namespace: `vcluster-aegis-${runId}-${role}` } : {}),
        }),
        { timeoutMs: VCLUSTER_TIMEOUT_MS },
      ),
    ),
  );
}
