// Rollout history, newest first: where the previous image tag of a bad release comes from.
// Deployments keep one ReplicaSet per template revision (`deployment.kubernetes.io/revision`).
// StatefulSets and DaemonSets keep ControllerRevisions, and their pods carry the revision in the
// `controller-revision-hash` label, so pods still on the old revision tell its images too.
import type { KubeObject, Pod, WorkloadKind } from '../core/k8s.js';
import type { RevisionInfo } from '../core/types.js';
import { controllerOf, nameOf } from './evidence-session.js';
import {
  specImages as imagesOf,
  type ContainerImages as PodTemplateSpec,
  templateSpec,
} from './evidence-shapes.js';

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const REVISION_HASH_LABEL = 'controller-revision-hash';

export function deploymentRevisions(
  deploymentName: string,
  replicaSets: readonly KubeObject[],
): RevisionInfo[] {
  const owned = replicaSets.filter((rs) => {
    const owner = controllerOf(rs);
    return owner?.kind === 'Deployment' && owner.name === deploymentName;
  });
  const revisions = owned.map((rs): RevisionInfo => {
    const status = (rs.status ?? {}) as { replicas?: number; readyReplicas?: number };
    const template = templateSpec(rs);
    return {
      revision: Number.parseInt(rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? '0', 10) || 0,
      name: nameOf(rs),
      images: imagesOf(template),
      ...(rs.metadata?.creationTimestamp ? { createdAt: String(rs.metadata.creationTimestamp) } : {}),
      replicas: status.replicas ?? 0,
      readyReplicas: status.readyReplicas ?? 0,
      current: false,
    };
  });
  return markCurrent(revisions);
}

/**
 * StatefulSet/DaemonSet revisions from ControllerRevisions when they were readable, completed
 * (and, without them, derived) from the pods grouped by their revision hash.
 */
export function controllerRevisions(
  workload: { kind: WorkloadKind; name: string; object?: KubeObject },
  controllerRevisionItems: readonly KubeObject[],
  pods: readonly Pod[],
): RevisionInfo[] {
  const byName = new Map<string, RevisionInfo>();
  for (const cr of controllerRevisionItems) {
    const owner = controllerOf(cr);
    if (owner?.kind !== workload.kind || owner.name !== workload.name) continue;
    const data = cr.data as { spec?: { template?: { spec?: PodTemplateSpec } } } | undefined;
    byName.set(nameOf(cr), {
      revision: typeof cr.revision === 'number' ? cr.revision : 0,
      name: nameOf(cr),
      images: imagesOf(data?.spec?.template?.spec),
      ...(cr.metadata?.creationTimestamp ? { createdAt: String(cr.metadata.creationTimestamp) } : {}),
      replicas: 0,
      readyReplicas: 0,
      current: false,
    });
  }
  for (const pod of pods) {
    const hash = pod.metadata?.labels?.[REVISION_HASH_LABEL];
    if (!hash) continue;
    // The label holds the ControllerRevision's name (newer clusters) or only its hash suffix.
    const name = hash.startsWith(`${workload.name}-`) ? hash : `${workload.name}-${hash}`;
    const entry = byName.get(name) ?? {
      revision: 0,
      name,
      images: imagesOf(pod.spec),
      ...(pod.metadata?.creationTimestamp ? { createdAt: String(pod.metadata.creationTimestamp) } : {}),
      replicas: 0,
      readyReplicas: 0,
      current: false,
    };
    entry.replicas += 1;
    if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      entry.readyReplicas += 1;
    if (entry.createdAt && pod.metadata?.creationTimestamp && !byName.has(name)) {
      entry.createdAt = minStamp(entry.createdAt, String(pod.metadata.creationTimestamp));
    }
    byName.set(name, entry);
  }
  addUpdateRevision(byName, workload.object);
  return markCurrent(numberDerived([...byName.values()], workload.object));
}

/** A rollout that has not created a pod yet still has a revision: the workload's own template. */
function addUpdateRevision(byName: Map<string, RevisionInfo>, object: KubeObject | undefined): void {
  const update = (object?.status as { updateRevision?: string } | undefined)?.updateRevision;
  if (!object || !update || byName.has(update)) return;
  byName.set(update, {
    revision: 0,
    name: update,
    images: imagesOf(templateSpec(object)),
    replicas: 0,
    readyReplicas: 0,
    current: false,
  });
}

/** Revisions known only from pods get numbers: the workload's updateRevision is the newest. */
function numberDerived(revisions: RevisionInfo[], object: KubeObject | undefined): RevisionInfo[] {
  const highest = Math.max(0, ...revisions.map((r) => r.revision));
  const update = (object?.status as { updateRevision?: string } | undefined)?.updateRevision;
  const unnumbered = revisions
    .filter((r) => r.revision === 0)
    .sort((a, b) => {
      if (a.name === update) return 1;
      if (b.name === update) return -1;
      return Date.parse(a.createdAt ?? '') - Date.parse(b.createdAt ?? '') || a.name.localeCompare(b.name);
    });
  unnumbered.forEach((r, i) => {
    r.revision = highest + i + 1;
  });
  return revisions;
}

function markCurrent(revisions: RevisionInfo[]): RevisionInfo[] {
  const sorted = [...revisions].sort((a, b) => b.revision - a.revision || a.name.localeCompare(b.name));
  return sorted.map((r, i) => ({ ...r, current: i === 0 }));
}

function minStamp(a: string, b: string): string {
  return Date.parse(b) < Date.parse(a) ? b : a;
}
