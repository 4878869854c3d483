// The vCluster backend of Sandbox (DESIGN.md §7): one throwaway virtual cluster per sandbox, made and
// removed with the vcluster CLI, driven with client-node through the kubeconfig `vcluster connect
// --print` hands out. Every failure after `vcluster create` started deletes the cluster again
// (`--ignore-not-found`, so deleting twice or after a half-made create is harmless).
import { AppsV1Api, CoreV1Api, KubernetesObjectApi, Metrics, PortForward } from '@kubernetes/client-node';
import { describeError, UserError } from '../../core/errors.js';
import { newRunId, SANDBOX_LABELS, toDnsLabel } from '../labels.js';
import type { AppliedManifests, CreateSandboxOptions, Sandbox, SandboxBackend } from '../sandbox.js';
import { summarize } from '../sandbox.js';
import { applyManifests, type WorkloadRef } from './apply-manifests.js';
import { observePods } from './observe-pods.js';
import { createTerminationTracker } from './pod-terminations.js';
import { createServiceForwards, type ForwardedService } from './service-forward.js';
import { createVclusterCli, type StartedCommand, type VclusterCli } from './vcluster-cli.js';
import {
  connectArgs,
  createArgs,
  deleteArgs,
  type VclusterDriver,
  type VclusterTarget,
} from './vcluster-commands.js';
import { isCompleteKubeconfig, loadVirtualKubeconfig } from './virtual-kubeconfig.js';
import { waitForRollouts } from './wait-rollouts.js';

export const DEFAULT_NAMESPACE_PREFIX = 'vcluster-';

export interface VclusterBackendOptions {
  driver: VclusterDriver;
  /** vCluster chart version (`--chart-version`); the CLI's own version when absent. */
  version?: string;
  /** Host namespace of a sandbox = prefix + sandbox name (helm driver). */
  namespacePrefix?: string;
  /** Host cluster kubeconfig for the helm driver; the CLI's default when absent. */
  kubeconfig?: string;
  /** Limit for each vcluster CLI call (create, connect, delete). */
  timeoutMs: number;
  /** The CLI runner; by default the `vcluster` on PATH of `env`. */
  exec?: VclusterCli;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  /** Poll interval of waitReady. */
  pollMs?: number;
}

export function createVclusterBackend(options: VclusterBackendOptions): SandboxBackend {
  const cli =
    options.exec ??
    createVclusterCli({
      env: options.env ?? process.env,
      timeoutMs: options.timeoutMs,
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    });
  return { kind: 'vcluster', create: (createOptions) => createVclusterSandbox(options, cli, createOptions) };
}

/** Appends a failed cleanup to the error being thrown, keeping its type (and hint). */
function noteCleanupFailure(error: unknown, cleanup: unknown, name: string): unknown {
  if (error instanceof Error) {
    error.message += `; deleting ${name} failed too (${describeError(cleanup)}), the janitor will remove it`;
  }
  return error;
}

async function createVclusterSandbox(
  options: VclusterBackendOptions,
  cli: VclusterCli,
  { role, runId = newRunId() }: CreateSandboxOptions,
): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const name = toDnsLabel(`aegis-${runId}-${role}`);
  const target: VclusterTarget = {
    name,
    driver: options.driver,
    ...(options.driver === 'helm'
      ? { namespace: toDnsLabel(`${options.namespacePrefix ?? DEFAULT_NAMESPACE_PREFIX}${name}`) }
      : {}),
  };
  const labels = {
    [SANDBOX_LABELS.sandbox]: name,
    [SANDBOX_LABELS.run]: runId,
    [SANDBOX_LABELS.created]: String(Math.floor(now() / 1000)),
  };
  const timeoutMs = options.timeoutMs;

  let connection: StartedCommand | undefined;
  let deleted = false;
  const removeCluster = async () => {
    await connection?.stop();
    if (deleted) return;
    await cli.run(deleteArgs(target), { timeoutMs });
    deleted = true;
  };

  let kubeConfig: ReturnType<typeof loadVirtualKubeconfig>;
  try {
    await cli.run(createArgs(target, { ...(options.version ? { version: options.version } : {}), labels }), {
      timeoutMs,
    });
    connection = await cli.start(connectArgs(target), { timeoutMs, ready: isCompleteKubeconfig });
    kubeConfig = loadVirtualKubeconfig(connection.stdout, `sandbox ${name}`);
  } catch (error: unknown) {
    throw await removeCluster().then(
      () => error,
      (cleanup: unknown) => noteCleanupFailure(error, cleanup, name),
    );
  }

  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const metrics = new Metrics(kubeConfig);
  const forwards = createServiceForwards({ core, forward: new PortForward(kubeConfig), sandboxName: name });
  const workloads: WorkloadRef[] = [];
  const namespaces = new Set<string>();
  const services = new Map<string, ForwardedService>();
  const terminations = createTerminationTracker();
  const observeNow = () =>
    observePods({ core, metrics, sandboxName: name, namespaces: [...namespaces], terminations });

  return {
    name,
    runId,

    async apply(manifests): Promise<AppliedManifests> {
      const applied = await applyManifests({ client: objects, where: `sandbox ${name}`, labels }, manifests);
      workloads.push(...applied.workloads);
      for (const ref of [...applied.workloads, ...applied.services]) {
        // One pod watch per namespace, from the first apply on: OOM kills are counted as they happen.
        // Not awaited: a watch that is slow to start must not hold up apply (or its deadline).
        if (!namespaces.has(ref.namespace))
          void terminations.watch(kubeConfig, name, ref.namespace).catch(() => {
            // No watch (an API server that refuses it): observe() falls back to pod statuses.
          });
        namespaces.add(ref.namespace);
      }
      const notes: string[] = [];
      for (const service of applied.services) {
        const forwarded = await forwards.forward(service);
        if (forwarded) services.set(service.name, forwarded);
        else notes.push(`Service ${service.name} has no ports; endpoint() cannot reach it`);
      }
      return {
        workloads: applied.workloads.map((w) => w.name),
        services: [...services.keys()],
        skipped: [],
        notes,
      };
    },

    waitReady: (waitMs) =>
      waitForRollouts({ apps, workloads, timeoutMs: waitMs, pollMs: options.pollMs ?? 1000, now }),

    endpoint(service, port) {
      const forwarded = services.get(service);
      if (!forwarded) {
        const known = [...services.keys()].join(', ') || 'none';
        throw new UserError(
          `sandbox ${name}: no Service ${service} (known: ${known})`,
          'apply manifests with it first',
        );
      }
      const local = port === undefined ? forwarded.firstLocalPort : forwarded.ports.get(String(port));
      if (local === undefined) {
        throw new UserError(
          `sandbox ${name}: Service ${service} has no port ${port}`,
          'use a port it declares',
        );
      }
      return `http://127.0.0.1:${local}`;
    },

    observe: async () => summarize(await observeNow()),

    async destroy() {
      terminations.stop();
      await forwards.close();
      await removeCluster();
    },
  };
}
