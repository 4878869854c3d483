// What an alert's labels point at. kube-state-metrics alerts carry labels of the *scrape target*
// as well (SOURCES.md): in KubeDeploymentReplicasMismatch `pod` is the kube-state-metrics pod and
// `container` is `kube-rbac-proxy-main`; `job` is always the Prometheus job (the Kubernetes Job is
// `job_name`). So `pod`/`container` only count when no more specific workload label is present.
import type { TargetHint } from '../core/types.js';

/** Label → target kind, most specific first. */
const WORKLOAD_LABELS = [
  ['deployment', 'Deployment'],
  ['statefulset', 'StatefulSet'],
  ['daemonset', 'DaemonSet'],
  ['job_name', 'Job'],
  ['cronjob', 'CronJob'],
  ['horizontalpodautoscaler', 'HorizontalPodAutoscaler'],
  ['persistentvolumeclaim', 'PersistentVolumeClaim'],
] as const satisfies readonly (readonly [string, TargetHint['kind']])[];

const SCRAPE_SERVICES =
  /^(kubelet|kube-state-metrics|node-exporter|.*prometheus.*|.*alertmanager.*|.*kube-rbac-proxy.*|coredns|kube-dns|kube-apiserver|apiserver|kubernetes)$/i;

export interface AlertTargets {
  namespace?: string;
  /** Most specific first; never empty (falls back to the namespace, then the cluster). */
  targets: TargetHint[];
  /** The workload pod the alert is about (not a scrape target). */
  pod?: string;
  /** Only set together with `pod`: a container label on a scrape target means nothing here. */
  container?: string;
}

export function targetHints(labels: Readonly<Record<string, string>>): AlertTargets {
  const namespace = nonEmpty(labels.namespace);
  const targets: TargetHint[] = [];
  for (const [label, kind] of WORKLOAD_LABELS) {
    const name = nonEmpty(labels[label]);
    if (name) targets.push({ kind, name });
  }
  const pod = targets.length === 0 ? nonEmpty(labels.pod) : undefined;
  if (pod) targets.push({ kind: 'Pod', name: pod });
  // `service` is usually the scrape target's Service (kubelet, kube-state-metrics); it names the
  // subject only on Service-level alerts, where nothing more specific is present.
  const service = targets.length === 0 ? nonEmpty(labels.service) : undefined;
  if (service && !SCRAPE_SERVICES.test(service)) targets.push({ kind: 'Service', name: service });
  const node = nonEmpty(labels.node);
  if (node) targets.push({ kind: 'Node', name: node });
  if (targets.length === 0) {
    targets.push(
      namespace
        ? { kind: 'Namespace', name: namespace }
        : { kind: 'Cluster', name: labels.cluster || 'cluster' },
    );
  }
  const container = pod ? nonEmpty(labels.container) : undefined;
  return {
    ...(namespace ? { namespace } : {}),
    targets,
    ...(pod ? { pod } : {}),
    ...(container ? { container } : {}),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
