// Read-only questions analyzers ask of the evidence. Kept in one place so that every analyzer
// reads container states, events and revisions the same way.
import type { Container, ContainerStatus, KubeEvent, KubeObject, Pod, PodSpec } from '../core/k8s.js';
import type { Evidence, RevisionInfo } from '../core/types.js';
import type { AnalyzerContext } from './context.js';

/** The pod template spec of the live workload (CronJob nests it one level deeper). */
export function templateSpec(object: KubeObject | undefined): PodSpec | undefined {
  const spec = object?.spec as Record<string, unknown> | undefined;
  if (!spec) return undefined;
  const jobTemplate = spec.jobTemplate as { spec?: { template?: { spec?: PodSpec } } } | undefined;
  if (jobTemplate) return jobTemplate.spec?.template?.spec;
  return (spec.template as { spec?: PodSpec } | undefined)?.spec;
}

export function templateContainers(evidence: Evidence): Container[] {
  const spec = templateSpec(evidence.workload?.object) ?? evidence.pods[0]?.spec;
  return [...(spec?.containers ?? [])];
}

export interface StatusRef {
  pod: Pod;
  status: ContainerStatus;
  init: boolean;
}

/** Every container status of the workload's pods, init containers included. */
export function containerStatuses(evidence: Evidence, container?: string): StatusRef[] {
  const out: StatusRef[] = [];
  for (const pod of evidence.pods) {
    for (const status of pod.status?.initContainerStatuses ?? []) {
      if (!container || status.name === container) out.push({ pod, status, init: true });
    }
    for (const status of pod.status?.containerStatuses ?? []) {
      if (!container || status.name === container) out.push({ pod, status, init: false });
    }
  }
  return out;
}

/**
 * The container the incident is about: the alert's `container` label when the workload has it,
 * otherwise the container whose status looks worst, otherwise the first one.
 */
export function focusContainer(context: AnalyzerContext): string | undefined {
  const names = templateContainers(context.evidence).map((c) => c.name);
  const fromAlert = context.incident.container;
  if (fromAlert && names.includes(fromAlert)) return fromAlert;
  const worst = containerStatuses(context.evidence)
    .filter((s) => !s.init && names.includes(s.status.name))
    .sort((a, b) => badness(b.status) - badness(a.status))[0];
  return worst && badness(worst.status) > 0 ? worst.status.name : names[0];
}

function badness(status: ContainerStatus): number {
  let score = status.restartCount ?? 0;
  if (status.state?.waiting) score += 100;
  if (status.lastState?.terminated) score += 10;
  if (!status.ready) score += 1;
  return score;
}

export function waitingReasons(evidence: Evidence, container?: string): string[] {
  return containerStatuses(evidence, container)
    .map((s) => s.status.state?.waiting?.reason)
    .filter((r): r is string => Boolean(r));
}

/** Termination records (current and last state) of a container across pods. */
export function terminations(evidence: Evidence, container?: string) {
  return containerStatuses(evidence, container).flatMap(({ pod, status }) =>
    [status.state?.terminated, status.lastState?.terminated]
      .filter((t): t is NonNullable<typeof t> => Boolean(t))
      .map((t) => ({ pod: pod.metadata?.name ?? '', container: status.name, ...t })),
  );
}

export function eventTime(event: KubeEvent): number {
  const stamp =
    event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata?.creationTimestamp;
  return stamp ? Date.parse(String(stamp)) : 0;
}

/** Events whose reason is one of `reasons` and whose message matches `pattern`, newest last. */
export function eventsMatching(evidence: Evidence, reasons: string[], pattern?: RegExp): KubeEvent[] {
  return evidence.events.filter(
    (e) => reasons.includes(e.reason ?? '') && (!pattern || pattern.test(e.message ?? '')),
  );
}

export function eventRef(event: KubeEvent): string {
  const count = event.count && event.count > 1 ? ` (x${event.count})` : '';
  return `event ${event.involvedObject?.kind ?? ''}/${event.involvedObject?.name ?? ''} ${event.reason}: ${event.message ?? ''}${count}`;
}

export function currentRevision(evidence: Evidence): RevisionInfo | undefined {
  return evidence.revisions.find((r) => r.current) ?? evidence.revisions[0];
}

/**
 * The newest earlier revision whose image for `container` differs from the current one: the
 * "previous image" a rollback goes to. Revisions with the same image are skipped because rolling
 * back to them would change nothing.
 */
export function previousImageRevision(evidence: Evidence, container: string): RevisionInfo | undefined {
  const current = currentRevision(evidence);
  const currentImage = current?.images[container];
  if (!current || !currentImage) return undefined;
  return evidence.revisions.find(
    (r) => r.revision < current.revision && r.images[container] && r.images[container] !== currentImage,
  );
}

/** Hours between two ISO timestamps (b - a); undefined when either is missing. */
export function hoursBetween(a: string | undefined, b: string | undefined): number | undefined {
  if (!a || !b) return undefined;
  const diff = Date.parse(b) - Date.parse(a);
  return Number.isFinite(diff) ? diff / 3_600_000 : undefined;
}

/** Log lines of one container, previous (crashed) run first, for hypotheses. */
export function logLines(evidence: Evidence, container?: string): string[] {
  return evidence.logs
    .filter((l) => !container || l.container === container)
    .sort((a, b) => Number(b.previous) - Number(a.previous))
    .flatMap((l) => l.lines);
}

const FAILURE_LINE =
  /\b(panic|fatal|exception|error|traceback|segmentation fault|out of memory|cannot|could not|failed|refused|denied)\b/i;

/** The most telling log lines (errors, panics), deduplicated, for hypotheses and summaries. */
export function failureLines(evidence: Evidence, container?: string, max = 5): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of logLines(evidence, container)) {
    if (!FAILURE_LINE.test(line)) continue;
    const key = line.trim().slice(0, 200);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(key);
    if (out.length >= max) break;
  }
  return out;
}

export function podNames(refs: { pod: Pod }[]): string[] {
  return [...new Set(refs.map((r) => r.pod.metadata?.name ?? ''))].filter(Boolean);
}
