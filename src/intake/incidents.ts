// Groups the alerts of one webhook into incidents: an alert storm about one workload (eight
// throttled pods of a DaemonSet, two crash-looping replicas) becomes one incident with one
// fingerprint. The workload here is a guess from labels and pod names; evidence gathering
// resolves the owner chain and recomputes the fingerprint.
import { createHash } from 'node:crypto';
import type { Incident, TargetHint, WorkloadRef } from '../core/types.js';
import type { AlertmanagerAlert, AlertmanagerPayload } from './alertmanager-schema.js';
import { guessFromPodName } from './pod-name.js';
import { type AlertTargets, targetHints } from './target-hints.js';

export interface IncidentDraft extends Incident {
  /** Workload named by a label or guessed from a pod name; the owner chain may correct it. */
  workloadGuess?: WorkloadRef;
  /** The workload pods named by the alerts, in alert order (their logs are read first). */
  pods: string[];
}

const SEVERITY_RANK: Record<string, number> = { critical: 4, error: 3, warning: 2, info: 1, none: 0 };

/** Stable 16-hex-char id of (alertname, namespace, workload): the incident's dedup key. */
export function fingerprintOf(
  alertname: string,
  namespace: string | undefined,
  workloadKind: string,
  workloadName: string,
): string {
  const key = JSON.stringify([alertname, namespace ?? '', workloadKind, workloadName]);
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** The (kind, name) an incident is keyed on: the workload, else the most specific target. */
export function incidentSubject(
  workload: WorkloadRef | undefined,
  targets: readonly TargetHint[],
): { kind: string; name: string } {
  if (workload) return workload;
  const target = targets.find((t) => t.kind !== 'Pod') ?? targets[0];
  return target ?? { kind: 'Cluster', name: 'cluster' };
}

export function groupIncidents(payload: AlertmanagerPayload): IncidentDraft[] {
  const groups = new Map<string, { alerts: AlertmanagerAlert[]; hints: AlertTargets[] }>();
  for (const alert of payload.alerts) {
    const hints = targetHints(alert.labels);
    const alertname = alert.labels.alertname ?? '';
    const subject = incidentSubject(guessWorkload(hints), hints.targets);
    const key = JSON.stringify([alertname, hints.namespace ?? '', subject.kind, subject.name]);
    const group = groups.get(key) ?? { alerts: [], hints: [] };
    group.alerts.push(alert);
    group.hints.push(hints);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ alerts, hints }) => buildDraft(payload, alerts, hints));
}

/** A workload label wins; otherwise the first controller pattern in the pod name. */
export function guessWorkload(hints: AlertTargets): WorkloadRef | undefined {
  for (const target of hints.targets) {
    switch (target.kind) {
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'Job':
      case 'CronJob':
        return { kind: target.kind, name: target.name };
      case 'Pod': {
        const guess = guessFromPodName(target.name)[0];
        return guess ? { kind: guess.kind, name: guess.name } : undefined;
      }
      default:
        break;
    }
  }
  return undefined;
}

function buildDraft(
  payload: AlertmanagerPayload,
  alerts: AlertmanagerAlert[],
  hints: AlertTargets[],
): IncidentDraft {
  const first = hints[0] ?? targetHints({});
  const alertname = alerts[0]?.labels.alertname ?? '';
  const workloadGuess = guessWorkload(first);
  const targets = uniqueTargets(hints.flatMap((h) => h.targets));
  const subject = incidentSubject(workloadGuess, targets);
  const container = mostCommon(hints.map((h) => h.container));
  const firing = alerts.some((a) => (a.status ?? payload.status) === 'firing');
  const generatorURL = alerts.find((a) => a.generatorURL)?.generatorURL;
  return {
    fingerprint: fingerprintOf(alertname, first.namespace, subject.kind, subject.name),
    alertname,
    severity: pickSeverity(alerts.map((a) => a.labels.severity)),
    status: firing ? 'firing' : 'resolved',
    ...(first.namespace ? { namespace: first.namespace } : {}),
    targets,
    ...(container ? { container } : {}),
    startsAt: earliest(alerts.map((a) => a.startsAt)),
    labels: common(alerts.map((a) => a.labels)),
    annotations: common(alerts.map((a) => a.annotations ?? {})),
    alertCount: alerts.length,
    source: 'alertmanager',
    ...(payload.externalURL ? { externalURL: payload.externalURL } : {}),
    ...(generatorURL ? { generatorURL } : {}),
    ...(workloadGuess ? { workloadGuess } : {}),
    pods: unique(hints.map((h) => h.pod).filter((p): p is string => Boolean(p))),
  };
}

function uniqueTargets(targets: TargetHint[]): TargetHint[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${t.kind}/${t.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The most severe known value; an unknown value beats none at all. */
function pickSeverity(values: (string | undefined)[]): string {
  const present = values.filter((v): v is string => Boolean(v));
  if (present.length === 0) return 'none';
  return present.reduce((best, v) => ((SEVERITY_RANK[v] ?? -1) > (SEVERITY_RANK[best] ?? -1) ? v : best));
}

/** Earliest start as a UTC ISO string (alerts come with nanoseconds and local offsets). */
function earliest(stamps: string[]): string {
  const times = stamps.map((s) => Date.parse(s)).filter((t) => Number.isFinite(t));
  if (times.length === 0) return stamps[0] ?? new Date(0).toISOString();
  return new Date(Math.min(...times)).toISOString();
}

/** Key/value pairs every record shares (computed, never taken from commonLabels: that may lie). */
function common(records: Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = records;
  if (!first) return {};
  return Object.fromEntries(
    Object.entries(first).filter(([key, value]) => rest.every((r) => r[key] === value)),
  );
}

/** Most frequent defined value; ties go to the one seen first. */
function mostCommon(values: (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [value, count] of counts)
    if (best === undefined || count > (counts.get(best) ?? 0)) best = value;
  return best;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
