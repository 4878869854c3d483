// "Production" of the demo: the rendered manifests of the GitOps repository's main branch, run by
// the podman sandbox backend (labelled with the demo's run, so cleanup finds it), the traffic that
// makes it fail, and what podman saw of it afterwards.
import { formatMemory } from '../core/quantity.js';
import { type PodmanEvent, sandboxEvents } from '../sandbox/podman/oom-events.js';
import type { PodmanRunner } from '../sandbox/podman/podman-runner.js';
import { podmanContainerName } from '../sandbox/podman/prepare-manifests.js';
import type { Observation, Sandbox, SandboxBackend } from '../sandbox/sandbox.js';
import { runLoad } from '../verify/load.js';
import type { LoadStats } from '../verify/types.js';
import { LoadProfile } from '../verify/verify-config.js';
import { type ObservedContainer, observeContainer, type PodmanInspect } from './podman-observed.js';
import { DEMO } from './settings.js';

export interface Production {
  sandbox: Sandbox;
  url: string;
  /** When it was deployed (podman's events from here on are its own). */
  since: Date;
}

export async function deployProduction(
  backend: SandboxBackend,
  options: { runId: string; role: string; manifests: string; readyTimeoutMs: number },
  onCreated: (sandbox: Sandbox) => void,
): Promise<Production & { readyAfterMs: number }> {
  const since = new Date(Date.now() - 1000);
  const sandbox = await backend.create({ role: options.role, runId: options.runId });
  onCreated(sandbox);
  await sandbox.apply(options.manifests);
  const ready = await sandbox.waitReady(options.readyTimeoutMs);
  if (ready.status !== 'ready') {
    throw new Error(
      `production (${sandbox.name}) not ready after ${Math.round(ready.elapsedMs / 1000)} s: waiting for ${ready.waitingFor.join(', ')}`,
    );
  }
  return { sandbox, url: sandbox.endpoint(DEMO.service), since, readyAfterMs: ready.elapsedMs };
}

export function trafficProfile(durationSeconds: number): LoadProfile {
  const { paths, connections, rate } = DEMO.traffic;
  return LoadProfile.parse({ paths: [...paths], connections, rate, durationSeconds, warmupSeconds: 0 });
}

export interface TrafficOutcome {
  /** Requests answered with 2xx before the OOM kill was seen. */
  served: number;
  requests: number;
  seconds: number;
  observation: Observation;
}

/** The same traffic in slices until podman reports an OOM kill, or the deadline passes. */
export async function driveUntilOomKilled(
  production: Production,
  deadlineSeconds: number,
): Promise<TrafficOutcome> {
  const started = Date.now();
  let served = 0;
  let requests = 0;
  for (;;) {
    const { load } = await runLoad(`${production.url}/`, trafficProfile(DEMO.trafficSliceSeconds), {
      requestTimeoutSeconds: 2,
    });
    served += answered(load);
    requests += load.requests;
    const observation = await production.sandbox.observe();
    const seconds = (Date.now() - started) / 1000;
    if (observation.totals.oomKills > 0 || seconds >= deadlineSeconds)
      return { served, requests, seconds, observation };
  }
}

/** The watch after a rollout: the same traffic for `seconds`, then one look at podman. */
export async function watchProduction(
  production: Production,
  seconds: number,
): Promise<{ load: LoadStats; observation: Observation }> {
  const { load } = await runLoad(`${production.url}/`, trafficProfile(seconds), {
    requestTimeoutSeconds: 2,
  });
  // A kill during the last requests reaches podman's event log a moment later.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return { load, observation: await production.sandbox.observe() };
}

function answered(load: LoadStats): number {
  return load.requests - load.errors;
}

export interface ProductionEvidence {
  containers: ObservedContainer[];
  events: PodmanEvent[];
  logs: Record<string, string>;
}

/** podman's record of the production pod: inspect, the event log since it was deployed, logs. */
export async function collectEvidence(
  podman: PodmanRunner,
  production: Production,
  workload: string,
  containerNames: readonly string[],
): Promise<ProductionEvidence> {
  const names = containerNames.map((name) => podmanContainerName(production.sandbox.name, workload, name));
  const inspected = JSON.parse(await podman(['container', 'inspect', ...names])) as PodmanInspect[];
  const events = await sandboxEvents(podman, production.sandbox.name, production.since);
  const containers: ObservedContainer[] = [];
  const logs: Record<string, string> = {};
  for (const [i, name] of containerNames.entries()) {
    const inspect = inspected.find((entry) => entry.Name === names[i]);
    if (!inspect) throw new Error(`podman has no container ${names[i]} in production`);
    containers.push(observeContainer(name, inspect, events));
    logs[name] = await podman(['logs', '--tail', '200', inspect.Id]).catch(() => '');
  }
  return { containers, events, logs };
}

/** `OOM-killed after 41 requests (limit 128Mi, exit 137)`-style facts of the first kill. */
export function describeKill(container: ObservedContainer): string {
  const kill = container.terminations.find((t) => t.reason === 'OOMKilled');
  const limit = container.memoryLimitBytes ? formatMemory(container.memoryLimitBytes) : 'no limit';
  return kill
    ? `limit ${limit}, exit ${kill.exitCode}, restarts ${container.restartCount}`
    : `not OOM-killed (limit ${limit}, restarts ${container.restartCount})`;
}
