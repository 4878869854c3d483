// From what an alert points at to the workload a GitOps repo declares, through ownerReferences:
// Pod → ReplicaSet → Deployment; Pod → StatefulSet/DaemonSet/Job; Job → CronJob; HPA → its
// scaleTargetRef; PVC → the workload that mounts it. A node (or cluster) stays without workload.
import type { KubeObject, WorkloadKind } from '../core/k8s.js';
import { WORKLOAD_KINDS } from '../core/k8s.js';
import type { TargetHint } from '../core/types.js';
import { guessFromPodName } from '../intake/pod-name.js';
import type { ClusterReader } from './cluster-reader.js';
import { controllerOf, EvidenceSession, nameOf, WORKLOAD_LIST_KIND } from './evidence-session.js';

export interface WorkloadResolution {
  workload?: { kind: WorkloadKind; name: string; object?: KubeObject };
  /** How it was found, e.g. ["Pod shop/checkout-x", "ReplicaSet checkout-zg9t76xdc", "Deployment checkout"]. */
  chain: string[];
  /** The HPA the alert named, when the workload was found through it. */
  hpa?: KubeObject;
  notes: string[];
}

type Found = Omit<WorkloadResolution, 'notes'>;

export interface ResolveInput {
  namespace?: string;
  targets: readonly TargetHint[];
}

export async function resolveWorkload(
  reader: ClusterReader,
  input: ResolveInput,
): Promise<WorkloadResolution> {
  const session = new EvidenceSession(reader);
  const found = await resolveInSession(session, input);
  return { ...found, notes: session.notes };
}

export async function resolveInSession(session: EvidenceSession, input: ResolveInput): Promise<Found> {
  const ns = input.namespace;
  for (const target of input.targets) {
    const label = `${target.kind} ${ns ? `${ns}/` : ''}${target.name}`;
    switch (target.kind) {
      case 'Pod': {
        if (!ns) break;
        const found = await fromPod(session, ns, target.name);
        if (found) return found;
        break;
      }
      case 'HorizontalPodAutoscaler': {
        const hpa = await session.get('horizontalpodautoscalers', ns, target.name);
        const ref = (hpa?.spec as { scaleTargetRef?: { kind?: string; name?: string } } | undefined)
          ?.scaleTargetRef;
        if (!hpa || !ref?.kind || !ref.name || !isWorkloadKind(ref.kind)) {
          session.note(`${label}: ${hpa ? 'scale target is not a workload' : 'not found'}`);
          break;
        }
        const found = await workload(session, ns, ref.kind, ref.name, [label]);
        if (!found.workload?.object) session.note(`${label}: scale target ${ref.kind} ${ref.name} not found`);
        return { ...found, hpa };
      }
      case 'PersistentVolumeClaim': {
        if (!ns) break;
        const found = await fromClaim(session, ns, target.name, label);
        if (found) return found;
        break;
      }
      case 'Service': {
        if (!ns) break;
        const found = await fromService(session, ns, target.name, label);
        if (found) return found;
        break;
      }
      case 'Node':
      case 'Namespace':
      case 'Cluster':
        // Infrastructure-level: nothing in a GitOps repo owns it.
        return { chain: [label] };
      default: {
        const found = await workload(session, ns, target.kind, target.name, []);
        // A workload label is authoritative even when the object is not in the evidence.
        if (!found.workload?.object) session.note(`${label}: not found`);
        return found;
      }
    }
  }
  return { chain: [] };
}

/** The workload itself, and for a Job its CronJob when it has one. */
async function workload(
  session: EvidenceSession,
  ns: string | undefined,
  kind: WorkloadKind,
  name: string,
  chain: string[],
): Promise<Found> {
  const object = await session.get(WORKLOAD_LIST_KIND[kind], ns, name);
  const here = [...chain, `${kind} ${name}`];
  const owner = controllerOf(object);
  if (kind === 'Job' && owner?.kind === 'CronJob') {
    const cron = await session.get('cronjobs', ns, owner.name);
    return {
      workload: { kind: 'CronJob', name: owner.name, ...(cron ? { object: cron } : {}) },
      chain: [...here, `CronJob ${owner.name}`],
    };
  }
  return { workload: { kind, name, ...(object ? { object } : {}) }, chain: here };
}

async function fromPod(session: EvidenceSession, ns: string, podName: string): Promise<Found | undefined> {
  const pod = await session.get('pods', ns, podName);
  const chain = [`Pod ${ns}/${podName}`];
  if (!pod) return guessFromName(session, ns, podName, chain);
  return fromOwnerOf(session, ns, pod, chain);
}

/** Follows the controller owner of a pod (or of a ReplicaSet) up to a workload. */
async function fromOwnerOf(
  session: EvidenceSession,
  ns: string,
  object: KubeObject,
  chain: string[],
): Promise<Found> {
  const owner = controllerOf(object);
  if (!owner) return { chain };
  if (owner.kind === 'ReplicaSet') {
    const replicaSet = await session.get('replicasets', ns, owner.name);
    const here = [...chain, `ReplicaSet ${owner.name}`];
    if (replicaSet) return fromOwnerOf(session, ns, replicaSet, here);
    const guess = owner.name.replace(/-[a-z0-9]{6,10}$/, '');
    const deployment = await session.get('deployments', ns, guess);
    if (deployment) {
      const named = `Deployment ${guess} (from the ReplicaSet name)`;
      return { workload: { kind: 'Deployment', name: guess, object: deployment }, chain: [...here, named] };
    }
    session.note(`ReplicaSet ${ns}/${owner.name}: not found`);
    return { chain: here };
  }
  if (isWorkloadKind(owner.kind)) return workload(session, ns, owner.kind, owner.name, chain);
  session.note(
    `${chain.at(-1)}: owned by ${owner.kind} ${owner.name}, which is not a workload kind AEGIS patches`,
  );
  return { chain: [...chain, `${owner.kind} ${owner.name}`] };
}

/** The pod is gone: trust a name pattern only when a workload of that name exists. */
async function guessFromName(session: EvidenceSession, ns: string, podName: string, chain: string[]) {
  for (const guess of guessFromPodName(podName)) {
    if (guess.via) {
      const kind = guess.via.kind === 'ReplicaSet' ? 'replicasets' : 'jobs';
      const via = await session.get(kind, ns, guess.via.name);
      if (via)
        return fromOwnerOf(session, ns, via, [
          ...chain,
          `${guess.via.kind} ${guess.via.name} (from the pod name)`,
        ]);
    }
    const object = await session.get(WORKLOAD_LIST_KIND[guess.kind], ns, guess.name);
    if (object) {
      return {
        workload: { kind: guess.kind, name: guess.name, object },
        chain: [...chain, `${guess.kind} ${guess.name} (from the pod name)`],
      } satisfies Found;
    }
  }
  session.note(`Pod ${ns}/${podName}: not found, and no workload matches its name`);
  return undefined;
}

async function fromClaim(session: EvidenceSession, ns: string, claim: string, label: string) {
  const pod = (await session.list('pods', ns)).find((p) => volumeClaims(p.spec).includes(claim));
  if (pod) return fromOwnerOf(session, ns, pod, [label, `Pod ${ns}/${nameOf(pod)}`]);
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const) {
    for (const object of await session.list(WORKLOAD_LIST_KIND[kind], ns)) {
      if (templateClaims(object).includes(claim) || claimTemplateMatch(object, claim)) {
        return workload(session, ns, kind, nameOf(object), [label]);
      }
    }
  }
  session.note(`${label}: no pod or workload uses it`);
  return undefined;
}

/** claimName of every persistentVolumeClaim volume in a pod spec. */
export function volumeClaims(spec: unknown): string[] {
  const volumes = (spec as { volumes?: { persistentVolumeClaim?: { claimName?: string } }[] } | undefined)
    ?.volumes;
  return (volumes ?? [])
    .map((v) => v.persistentVolumeClaim?.claimName)
    .filter((c): c is string => Boolean(c));
}

/** Claims named in a workload's pod template (CronJob nests it in jobTemplate). */
export function templateClaims(object: KubeObject): string[] {
  const spec = object.spec as
    | { template?: { spec?: unknown }; jobTemplate?: { spec?: { template?: { spec?: unknown } } } }
    | undefined;
  return volumeClaims(spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec);
}

/** StatefulSet claims are named `<template>-<statefulset>-<ordinal>`. */
export function claimTemplateMatch(object: KubeObject, claim: string): boolean {
  const templates = (object.spec as { volumeClaimTemplates?: KubeObject[] } | undefined)
    ?.volumeClaimTemplates;
  const sts = nameOf(object);
  return (templates ?? []).some((t) =>
    new RegExp(`^${escapeRegExp(nameOf(t))}-${escapeRegExp(sts)}-\\d+$`).test(claim),
  );
}

function isWorkloadKind(kind: string): kind is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A Service-level alert: the workload whose pods the Service selects, or (for a Service that
 * selects nothing) the one workload whose pod labels miss its selector by exactly one value.
 */
async function fromService(
  session: EvidenceSession,
  ns: string,
  name: string,
  label: string,
): Promise<Found | undefined> {
  const service = await session.get('services', ns, name);
  const selector = (service?.spec as { selector?: Record<string, string> } | undefined)?.selector;
  if (!service || !selector || Object.keys(selector).length === 0) {
    session.note(`${label}: ${service ? 'has no selector' : 'not found'}`);
    return undefined;
  }
  const scored: { kind: WorkloadKind; object: KubeObject; misses: number }[] = [];
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet'] as const) {
    for (const object of await session.list(WORKLOAD_LIST_KIND[kind], ns)) {
      const labels =
        (object.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)
          ?.template?.metadata?.labels ?? {};
      const keys = Object.keys(selector);
      if (!keys.every((k) => k in labels)) continue;
      scored.push({ kind, object, misses: keys.filter((k) => labels[k] !== selector[k]).length });
    }
  }
  const exact = scored.filter((s) => s.misses === 0);
  const near = scored.filter((s) => s.misses === 1);
  const pick = exact.length === 1 ? exact[0] : exact.length === 0 && near.length === 1 ? near[0] : undefined;
  if (!pick) {
    session.note(`${label}: no single workload behind the Service selector`);
    return undefined;
  }
  const workloadName = nameOf(pick.object);
  return {
    workload: { kind: pick.kind, name: workloadName, object: pick.object },
    chain: [
      label,
      `${pick.kind} ${workloadName}${pick.misses ? ' (selector misses its pods by one label)' : ''}`,
    ],
  };
}
