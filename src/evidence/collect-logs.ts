// Which logs to read, within a budget: the alert's pods first (its container first), then the
// other failing pods of the workload; current and, after a restart, previous instance. Every
// excerpt is redacted and then compacted.
import type { ContainerStatus, Pod } from '../core/k8s.js';
import type { LogExcerpt } from '../core/types.js';
import { type CompactOptions, compactLogLines } from './compact-logs.js';
import type { EvidenceSession } from './evidence-session.js';
import { redact } from './redact.js';

export interface LogBudget {
  /** Pods whose logs are read. */
  maxPods: number;
  /** Excerpts in total (a container's current and previous log are two). */
  maxExcerpts: number;
  /** Lines asked of the source before compaction. */
  tailLines: number;
  compact: CompactOptions;
}

interface PodPick {
  name: string;
  pod?: Pod;
  containers: { name: string; previous: boolean }[];
}

export async function collectLogs(
  session: EvidenceSession,
  namespace: string | undefined,
  pods: readonly Pod[],
  alert: { pods: readonly string[]; container?: string },
  budget: LogBudget,
): Promise<LogExcerpt[]> {
  const failing = pickPods(pods, alert);
  const healthy = healthyReference(pods, failing);
  const picks = healthy
    ? [...failing.slice(0, Math.max(0, budget.maxPods - 1)), healthy]
    : failing.slice(0, budget.maxPods);
  const excerpts: LogExcerpt[] = [];
  for (const pick of picks) {
    const ns = namespace ?? pick.pod?.metadata?.namespace;
    if (!ns) continue;
    for (const container of pick.containers) {
      for (const previous of container.previous ? [false, true] : [false]) {
        if (excerpts.length >= budget.maxExcerpts) return excerpts;
        const result = await session.logs(ns, pick.name, container.name, {
          previous,
          tailLines: budget.tailLines,
        });
        if (result.requestError !== undefined) {
          excerpts.push({
            pod: pick.name,
            container: container.name,
            previous,
            lines: [],
            requestError: redact(result.requestError),
          });
        } else if (result.text !== undefined) {
          const lines = compactLogLines(redact(result.text).split('\n'), budget.compact);
          excerpts.push({ pod: pick.name, container: container.name, previous, lines });
        } else if (!previous && alert.pods.includes(pick.name)) {
          session.note(`logs: none for ${ns}/${pick.name} container ${container.name}`);
        }
      }
    }
  }
  return excerpts;
}

function pickPods(pods: readonly Pod[], alert: { pods: readonly string[]; container?: string }): PodPick[] {
  const byName = new Map(pods.map((p) => [p.metadata?.name ?? '', p]));
  const picks: PodPick[] = alert.pods.map((name) => {
    const pod = byName.get(name);
    return { name, ...(pod ? { pod } : {}), containers: containersFor(pod, alert.container, true) };
  });
  const failing = pods
    .filter((p) => !alert.pods.includes(p.metadata?.name ?? '') && badness(p) > 0)
    .sort((a, b) => badness(b) - badness(a));
  for (const pod of failing) {
    picks.push({
      name: pod.metadata?.name ?? '',
      pod,
      containers: containersFor(pod, alert.container, false),
    });
  }
  return picks.filter((p) => p.name && p.containers.length > 0);
}

const REVISION_LABELS = ['pod-template-hash', 'controller-revision-hash'];

function revisionOf(pod: Pod | undefined): string | undefined {
  const labels = pod?.metadata?.labels ?? {};
  return REVISION_LABELS.map((l) => labels[l]).find(Boolean);
}

/**
 * One healthy pod of the workload, preferably of another revision: a container killed before it
 * finishes starting never logs how long start-up takes, but its healthy siblings did.
 */
function healthyReference(pods: readonly Pod[], picks: readonly PodPick[]): PodPick | undefined {
  if (picks.length === 0) return undefined;
  const picked = new Set(picks.map((p) => p.name));
  const failingRevision = revisionOf(picks[0]?.pod);
  const candidates = pods.filter((p) => !picked.has(p.metadata?.name ?? '') && badness(p) === 0);
  const pod = candidates.find((p) => revisionOf(p) !== failingRevision) ?? candidates[0];
  if (!pod?.metadata?.name) return undefined;
  const containers = (pod.spec?.containers ?? []).map((c) => ({ name: c.name, previous: false }));
  return { name: pod.metadata.name, pod, containers };
}

/** The alert's container first, then failing init and main containers; all main ones when none is failing. */
function containersFor(pod: Pod | undefined, alertContainer: string | undefined, isAlertPod: boolean) {
  const statuses = [...(pod?.status?.initContainerStatuses ?? []), ...(pod?.status?.containerStatuses ?? [])];
  const restarted = (name: string) => statuses.some((s) => s.name === name && restartedBefore(s));
  const names: string[] = [];
  if (alertContainer && (isAlertPod || statuses.some((s) => s.name === alertContainer)))
    names.push(alertContainer);
  for (const s of statuses) if (containerBadness(s) > 0) names.push(s.name);
  if (names.length === 0) {
    for (const c of pod?.spec?.containers ?? []) names.push(c.name);
  }
  // Without a pod object there is no status: try the previous instance too.
  return [...new Set(names)].map((name) => ({ name, previous: pod ? restarted(name) : true }));
}

function restartedBefore(status: ContainerStatus): boolean {
  return (status.restartCount ?? 0) > 0 || Boolean(status.lastState?.terminated);
}

export function badness(pod: Pod): number {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const notReady = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status !== 'True') ?? false;
  const failed = pod.status?.phase === 'Failed';
  return statuses.reduce((sum, s) => sum + containerBadness(s), 0) + (failed ? 1 : 0) + (notReady ? 1 : 0);
}

function containerBadness(status: ContainerStatus): number {
  const waiting = status.state?.waiting?.reason;
  let score = Math.min(status.restartCount ?? 0, 50);
  if (waiting && waiting !== 'PodInitializing' && waiting !== 'ContainerCreating') score += 100;
  if (status.state?.terminated && status.state.terminated.exitCode !== 0) score += 50;
  if (status.lastState?.terminated && status.lastState.terminated.reason !== 'Completed') score += 10;
  return score;
}
