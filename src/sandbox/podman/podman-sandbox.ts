// The podman backend of Sandbox: one labelled bridge network per sandbox, Deployments played into it
// with `podman kube play`, Service and probe ports published on loopback, and removal by label.
import { UserError } from '../../core/errors.js';
import { newRunId, SANDBOX_LABELS, toDnsLabel } from '../labels.js';
import {
  type AppliedManifests,
  type CreateSandboxOptions,
  type Manifests,
  type Observation,
  type ReadyOutcome,
  type Sandbox,
  type SandboxBackend,
  summarize,
} from '../sandbox.js';
import { createPortAllocator, type PortAllocator } from './free-ports.js';
import { observeContainers } from './observe-containers.js';
import type { PodmanRunner } from './podman-runner.js';
import { type PlannedService, type PlannedWorkload, prepareManifests } from './prepare-manifests.js';
import { removeLabelled } from './remove-labelled.js';

export interface PodmanBackendOptions {
  podman: PodmanRunner;
  allocatePort?: PortAllocator;
  now?: () => number;
  /** Poll interval of waitReady. */
  pollMs?: number;
  /** How long a container must be up before it may count as ready. */
  minUpMs?: number;
}

export function createPodmanBackend(options: PodmanBackendOptions): SandboxBackend {
  // Shared by every sandbox of this backend, so control and candidate never get the same port.
  const allocatePort = options.allocatePort ?? createPortAllocator();
  return {
    kind: 'podman',
    create: (createOptions) => createPodmanSandbox({ ...options, allocatePort }, createOptions),
  };
}

async function createPodmanSandbox(
  options: PodmanBackendOptions & { allocatePort: PortAllocator },
  { role, runId = newRunId() }: CreateSandboxOptions,
): Promise<Sandbox> {
  const { podman } = options;
  const now = options.now ?? Date.now;
  const createdAt = now();
  const name = toDnsLabel(`aegis-${runId}-${role}`);
  const labels = {
    [SANDBOX_LABELS.sandbox]: name,
    [SANDBOX_LABELS.run]: runId,
    [SANDBOX_LABELS.created]: String(Math.floor(createdAt / 1000)),
  };
  const labelArgs = Object.entries(labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
  await podman(['network', 'create', ...labelArgs, name]);

  const workloads: PlannedWorkload[] = [];
  const services = new Map<string, PlannedService>();
  // Podman's event timestamps and ours come from the same clock; a second of slack covers rounding.
  const since = new Date(createdAt - 1000);
  const observeNow = () =>
    observeContainers({ podman, sandboxName: name, workloads, since, minUpMs: options.minUpMs ?? 1000, now });

  const sandbox: Sandbox = {
    name,
    runId,

    async apply(manifests: Manifests): Promise<AppliedManifests> {
      const prepared = await prepareManifests(manifests, {
        sandboxName: name,
        labels,
        allocatePort: options.allocatePort,
      });
      await podman(['kube', 'play', '--network', name, '--quiet', '-'], {
        input: prepared.yaml,
        timeoutMs: 180_000,
      });
      workloads.push(...prepared.workloads);
      for (const service of prepared.services) services.set(service.name, service);
      return {
        workloads: prepared.workloads.map((w) => w.workload),
        services: prepared.services.map((s) => s.name),
        skipped: prepared.skipped,
        notes: prepared.notes,
      };
    },

    async waitReady(timeoutMs: number): Promise<ReadyOutcome> {
      const started = now();
      const pollMs = options.pollMs ?? 500;
      for (;;) {
        const observed = summarize(await observeNow());
        const elapsedMs = now() - started;
        if (observed.totals.ready) return { status: 'ready', elapsedMs };
        if (elapsedMs + pollMs >= timeoutMs) {
          const waitingFor = observed.containers
            .filter((c) => !c.ready)
            .map((c) => `${c.workload}/${c.container} (${c.running ? 'not ready' : 'not running'})`);
          return {
            status: 'timed_out',
            elapsedMs,
            waitingFor: waitingFor.length ? waitingFor : ['no workload'],
          };
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    },

    endpoint(service: string, port?: number | string): string {
      const planned = services.get(service);
      if (!planned) {
        const known = [...services.keys()].join(', ') || 'none';
        throw new UserError(
          `sandbox ${name}: no Service ${service} (known: ${known})`,
          'apply manifests with it first',
        );
      }
      const hostPort = port === undefined ? planned.firstHostPort : planned.ports.get(String(port));
      if (hostPort === undefined) {
        throw new UserError(
          `sandbox ${name}: Service ${service} has no port ${port}`,
          'use a port it declares',
        );
      }
      return `http://127.0.0.1:${hostPort}`;
    },

    async observe(): Promise<Observation> {
      return summarize(await observeNow());
    },

    async destroy(): Promise<void> {
      await removeLabelled(podman, `${SANDBOX_LABELS.sandbox}=${name}`);
    },
  };
  return sandbox;
}
