// The objects around a resolved workload: its pods (by its selector, narrowed to the ones it
// really owns), its ReplicaSets or Jobs, the HPA that scales it, the claims it mounts and the
// events about all of them.
import type { KubeEvent, KubeObject, Pod, WorkloadKind } from '../core/k8s.js';
import type { TargetHint } from '../core/types.js';
import { badness } from './collect-logs.js';
import { asWire, controllerOf, type EvidenceSession, nameOf } from './evidence-session.js';
import { sortEvents } from './evidence-shapes.js';
import { type LabelSelectorObject, selectorToString } from './label-selector.js';
import { claimTemplateMatch, templateClaims, volumeClaims } from './resolve-workload.js';

export interface WorkloadRefWithObject {
  kind: WorkloadKind;
  name: string;
  object?: KubeObject;
}

/** ReplicaSets of a Deployment, Jobs of a CronJob: the objects between the workload and its pods. */
export async function intermediates(
  session: EvidenceSession,
  ns: string | undefined,
  workload: WorkloadRefWithObject,
) {
  if (workload.kind !== 'Deployment' && workload.kind !== 'CronJob') return [];
  const kind = workload.kind === 'Deployment' ? 'replicasets' : 'jobs';
  return (await session.list(kind, ns)).filter((o) => {
    const owner = controllerOf(o);
    return owner?.kind === workload.kind && owner.name === workload.name;
  });
}

export async function workloadPods(
  session: EvidenceSession,
  ns: string | undefined,
  workload: WorkloadRefWithObject,
  owners: readonly KubeObject[],
): Promise<Pod[]> {
  const ownerNames = new Set([workload.name, ...owners.map(nameOf)]);
  const selector = selectorToString(
    (workload.object?.spec as { selector?: LabelSelectorObject } | undefined)?.selector,
  );
  // An empty selector would select every pod of the namespace; fall back to ownership instead.
  const candidates = selector
    ? await session.list('pods', ns, { labelSelector: selector })
    : await session.list('pods', ns);
  const owned = candidates.filter((pod) => {
    const owner = controllerOf(pod);
    // Selector matches without an owner are orphans the controller would adopt.
    return owner ? ownerNames.has(owner.name) : Boolean(selector);
  });
  return asWire<Pod>(owned);
}

/** Pods named by the alert, and for node targets every pod scheduled on the node. */
export async function podsWithoutWorkload(
  session: EvidenceSession,
  ns: string | undefined,
  alertPods: readonly string[],
  targets: readonly TargetHint[],
): Promise<Pod[]> {
  const pods: KubeObject[] = [];
  for (const name of alertPods) {
    const pod = await session.get('pods', ns, name);
    if (pod) pods.push(pod);
  }
  for (const target of targets.filter((t) => t.kind === 'Node')) {
    pods.push(...(await session.list('pods', ns, { fieldSelector: `spec.nodeName=${target.name}` })));
  }
  return asWire<Pod>(pods);
}

/** Alert pods first (in alert order), then the worst off; at most `max`. */
export function rankPods(
  pods: readonly Pod[],
  alertPods: readonly string[],
  max: number,
): { kept: Pod[]; dropped: number } {
  const unique = [...new Map(pods.map((p) => [`${p.metadata?.namespace}/${nameOf(p)}`, p])).values()];
  const alertIndex = (p: Pod) => {
    const i = alertPods.indexOf(nameOf(p));
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const sorted = unique.sort(
    (a, b) => alertIndex(a) - alertIndex(b) || badness(b) - badness(a) || nameOf(a).localeCompare(nameOf(b)),
  );
  return { kept: sorted.slice(0, max), dropped: Math.max(0, sorted.length - max) };
}

export async function findHpa(
  session: EvidenceSession,
  ns: string | undefined,
  workload: WorkloadRefWithObject,
) {
  if (!ns) return undefined;
  return (await session.list('horizontalpodautoscalers', ns)).find((hpa) => {
    const ref = (hpa.spec as { scaleTargetRef?: { kind?: string; name?: string } } | undefined)
      ?.scaleTargetRef;
    return ref?.kind === workload.kind && ref.name === workload.name;
  });
}

/** Claims the workload mounts (template, claim templates, its pods) and claims the alert named. */
export async function findClaims(
  session: EvidenceSession,
  ns: string | undefined,
  workload: WorkloadRefWithObject | undefined,
  pods: readonly Pod[],
  targets: readonly TargetHint[],
): Promise<KubeObject[]> {
  if (!ns) return [];
  const names = new Set<string>([
    ...(workload?.object ? templateClaims(workload.object) : []),
    ...pods.flatMap((p) => volumeClaims(p.spec)),
    ...targets.filter((t) => t.kind === 'PersistentVolumeClaim').map((t) => t.name),
  ]);
  const object = workload?.object;
  return (await session.list('persistentvolumeclaims', ns)).filter(
    (pvc) => names.has(nameOf(pvc)) || (object ? claimTemplateMatch(object, nameOf(pvc)) : false),
  );
}

/** Events whose involvedObject is one of `subjects` (kind/name), oldest first. */
export async function relatedEvents(
  session: EvidenceSession,
  ns: string | undefined,
  subjects: readonly { kind: string; name: string }[],
): Promise<KubeEvent[]> {
  const wanted = new Set(subjects.filter((s) => s.name).map((s) => `${s.kind}/${s.name}`));
  const events = asWire<KubeEvent>(await session.list('events', ns));
  return sortEvents(events.filter((e) => wanted.has(`${e.involvedObject?.kind}/${e.involvedObject?.name}`)));
}
