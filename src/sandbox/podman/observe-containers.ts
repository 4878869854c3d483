// What the verdict needs from podman, per container of one sandbox: restarts (RestartCount), OOM
// kills (event log, see oom-events.ts), whether it runs and passes its readiness probe, and memory
// (`podman stats`, bytes as the cgroup reports them).
import { SANDBOX_LABELS } from '../labels.js';
import type { ContainerObservation } from '../sandbox.js';
import { countOomKills, sandboxEvents } from './oom-events.js';
import type { PodmanRunner } from './podman-runner.js';
import type { PlannedWorkload } from './prepare-manifests.js';
import { probeOnce } from './readiness-check.js';

interface PsEntry {
  Id: string;
  Names?: string[];
  IsInfra?: boolean;
}

interface InspectEntry {
  Id: string;
  Name: string;
  RestartCount?: number;
  State?: { Running?: boolean; OOMKilled?: boolean; StartedAt?: string };
}

interface StatsEntry {
  ContainerID: string;
  MemUsage?: number;
}

export interface ObserveContext {
  podman: PodmanRunner;
  sandboxName: string;
  workloads: readonly PlannedWorkload[];
  /** Events before this instant belong to someone else. */
  since: Date;
  /** A container must have been up this long to count as ready, so a crash loop that happens to be
   * running at the instant of a poll is not taken for a started app. */
  minUpMs: number;
  now?: () => number;
}

export async function observeContainers(ctx: ObserveContext): Promise<ContainerObservation[]> {
  const filter = `label=${SANDBOX_LABELS.sandbox}=${ctx.sandboxName}`;
  const listed = JSON.parse(
    (await ctx.podman(['ps', '-a', '--filter', filter, '--format', 'json'])) || '[]',
  ) as PsEntry[] | null;
  const ids = (listed ?? []).filter((entry) => !entry.IsInfra).map((entry) => entry.Id);
  const inspected = ids.length
    ? (JSON.parse(await ctx.podman(['container', 'inspect', ...ids])) as InspectEntry[])
    : [];
  const byName = new Map(inspected.map((entry) => [entry.Name, entry]));
  const running = inspected.filter((entry) => entry.State?.Running).map((entry) => entry.Id);
  const memory = await memoryById(ctx.podman, running);
  const events = await sandboxEvents(ctx.podman, ctx.sandboxName, ctx.since);

  const now = (ctx.now ?? Date.now)();
  const observations: ContainerObservation[] = [];
  const limits = new Map<string, number | undefined>();
  for (const workload of ctx.workloads) {
    for (const container of workload.containers) {
      const entry = byName.get(container.podmanName);
      if (entry) limits.set(entry.Id, container.memoryLimitBytes);
    }
  }
  const ooms = countOomKills(events, (id) => limits.get(id) !== undefined);
  for (const workload of ctx.workloads) {
    for (const container of workload.containers) {
      const entry = byName.get(container.podmanName);
      const isRunning = entry?.State?.Running === true;
      const startedAt = Date.parse(entry?.State?.StartedAt ?? '');
      const upLongEnough = isRunning && Number.isFinite(startedAt) && now - startedAt >= ctx.minUpMs;
      const probeOk = upLongEnough && (container.readiness ? await probeOnce(container.readiness) : true);
      const observation: ContainerObservation = {
        workload: workload.workload,
        container: container.name,
        restarts: entry?.RestartCount ?? 0,
        oomKills: entry ? (ooms.get(entry.Id) ?? 0) : 0,
        running: isRunning,
        ready: probeOk,
      };
      const used = entry ? memory.get(entry.Id) : undefined;
      if (used !== undefined) observation.memoryBytes = used;
      if (container.memoryLimitBytes !== undefined) observation.memoryLimitBytes = container.memoryLimitBytes;
      observations.push(observation);
    }
  }
  return observations;
}

async function memoryById(podman: PodmanRunner, ids: string[]): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  if (ids.length === 0) return result;
  let stdout: string;
  try {
    stdout = await podman(['stats', '--no-stream', '--format', '{{json .ContainerStats}}', ...ids]);
  } catch {
    // A container that stopped between inspect and stats makes the whole call fail; memory is then
    // unknown for this sample, which the caller shows as a gap rather than a zero.
    return result;
  }
  for (const line of stdout.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const stats = JSON.parse(line) as StatsEntry;
    if (typeof stats.MemUsage === 'number' && stats.MemUsage > 0)
      result.set(stats.ContainerID, stats.MemUsage);
  }
  return result;
}
