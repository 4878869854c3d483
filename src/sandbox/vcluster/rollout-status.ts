// "Is this workload rolled out?" as `kubectl rollout status` answers it, from the object's status:
// the controller has seen the latest spec (observedGeneration), every replica runs the new
// template, and as many are available (ready) as asked for. A message says what is still missing.
import type { WorkloadKind } from './apply-manifests.js';

interface WorkloadObject {
  metadata?: { generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    desiredNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    conditions?: readonly { type?: string; status?: string; reason?: string; message?: string }[];
  };
}

export type RolloutProgress = { done: true } | { done: false; waiting: string };

export function rolloutProgress(kind: WorkloadKind, object: WorkloadObject): RolloutProgress {
  const status = object.status ?? {};
  const generation = object.metadata?.generation ?? 0;
  if ((status.observedGeneration ?? 0) < generation) {
    return { done: false, waiting: 'spec update not yet observed by the controller' };
  }
  if (kind === 'DaemonSet') {
    const desired = status.desiredNumberScheduled ?? 0;
    const updated = status.updatedNumberScheduled ?? 0;
    const available = status.numberAvailable ?? 0;
    if (updated < desired) return { done: false, waiting: `${updated} of ${desired} updated pods scheduled` };
    if (available < desired)
      return { done: false, waiting: `${available} of ${desired} updated pods available` };
    return { done: true };
  }
  const wanted = object.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  // A Deployment counts available (ready for minReadySeconds); a StatefulSet counts ready.
  const available = (kind === 'Deployment' ? status.availableReplicas : status.readyReplicas) ?? 0;
  const deadline = status.conditions?.find(
    (c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded',
  );
  if (deadline) return { done: false, waiting: 'progress deadline exceeded' };
  if (updated < wanted) return { done: false, waiting: `${updated} of ${wanted} replicas updated` };
  if ((status.replicas ?? 0) > updated) {
    return { done: false, waiting: `${(status.replicas ?? 0) - updated} old replicas pending termination` };
  }
  if (available < wanted)
    return { done: false, waiting: `${available} of ${wanted} updated replicas available` };
  return { done: true };
}
