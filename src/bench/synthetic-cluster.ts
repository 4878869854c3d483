// The live side of the server benchmark: an in-memory cluster matching a generated GitOps
// repository (one Deployment, ReplicaSet, Pod and Service per workload, shaped like a
// `kubectl cluster-info dump`), where chosen workloads were OOMKilled, and the Alertmanager payload
// each of those fires. Selectors are applied like the API server does (filterObjects), so the
// evidence gathered from it is what a real cluster would give.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../core/k8s.js';
import {
  CLUSTER_SCOPED_KINDS,
  type ClusterReader,
  type ListKind,
  type ListOptions,
} from '../evidence/cluster-reader.js';
import { filterObjects } from '../evidence/object-filter.js';
import type { GeneratedTarget } from './generate-gitops-repo.js';

export interface SyntheticCluster {
  reader: ClusterReader;
  /** The name of the workload's (single) pod. */
  podOf(target: GeneratedTarget): string;
}

export interface SyntheticClusterOptions {
  /** Workloads whose pod was OOMKilled; the others run healthy. */
  oomKilled: readonly GeneratedTarget[];
  /** When the kills happened; the ReplicaSets rolled out 30 days earlier (not a release issue). */
  now: Date;
}

/** Pod-name characters Kubernetes uses (k8s.io/apimachinery/pkg/util/rand), no vowels. */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';
const DAY_MS = 86_400_000;

const keyOf = (t: { namespace: string; name: string }) => `${t.namespace}/${t.name}`;

function safeSuffix(n: number, length: number): string {
  let out = '';
  let rest = n + 1;
  for (let i = 0; i < length; i++) {
    out += SAFE[rest % SAFE.length];
    rest = Math.floor(rest / SAFE.length) + i * 7;
  }
  return out;
}

export function syntheticCluster(
  targets: readonly GeneratedTarget[],
  options: SyntheticClusterOptions,
): SyntheticCluster {
  const oom = new Set(options.oomKilled.map(keyOf));
  const killedAt = options.now.toISOString();
  const restartedAt = new Date(options.now.getTime() - 60_000).toISOString();
  const rolledOut = new Date(options.now.getTime() - 30 * DAY_MS).toISOString();
  const byKind = new Map<ListKind, Map<string, KubeObject[]>>();
  const add = (kind: ListKind, object: KubeObject) => {
    const namespaces = byKind.get(kind) ?? new Map<string, KubeObject[]>();
    byKind.set(kind, namespaces);
    const ns = object.metadata?.namespace ?? '';
    namespaces.set(ns, [...(namespaces.get(ns) ?? []), object]);
  };
  const pods = new Map<string, string>();
  const byPod = new Map<string, GeneratedTarget>();

  targets.forEach((t, i) => {
    const hash = safeSuffix(i, 9);
    const replicaSet = `${t.name}-${hash}`;
    const pod = `${replicaSet}-${safeSuffix(i * 31 + 5, 5)}`;
    pods.set(keyOf(t), pod);
    byPod.set(`${t.namespace}/${pod}`, t);
    const labels = { 'app.kubernetes.io/name': t.app };
    const container = {
      name: t.container,
      image: t.image,
      args: ['serve', '--port=8080'],
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      env: [{ name: 'LOG_LEVEL', value: 'info' }],
      resources: {
        requests: { cpu: '100m', memory: `${t.memoryMi / 2}Mi` },
        limits: { memory: `${t.memoryMi}Mi` },
      },
      readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
    };
    const template = { metadata: { labels }, spec: { containers: [container] } };
    const killed = oom.has(keyOf(t));
    const ready = killed ? 0 : 1;
    add('deployments', {
      metadata: {
        name: t.name,
        namespace: t.namespace,
        uid: `deploy-${i}`,
        labels,
        annotations: { 'deployment.kubernetes.io/revision': '3' },
        creationTimestamp: rolledOut,
      },
      spec: { replicas: 1, selector: { matchLabels: labels }, template },
      status: { replicas: 1, updatedReplicas: 1, readyReplicas: ready, availableReplicas: ready },
    });
    add('replicasets', {
      metadata: {
        name: replicaSet,
        namespace: t.namespace,
        uid: `rs-${i}`,
        labels: { ...labels, 'pod-template-hash': hash },
        annotations: { 'deployment.kubernetes.io/revision': '3' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: t.name, controller: true }],
        creationTimestamp: rolledOut,
      },
      spec: {
        replicas: 1,
        selector: { matchLabels: { ...labels, 'pod-template-hash': hash } },
        template: { ...template, metadata: { labels: { ...labels, 'pod-template-hash': hash } } },
      },
      status: { replicas: 1, readyReplicas: ready, availableReplicas: ready },
    });
    add('pods', {
      metadata: {
        name: pod,
        namespace: t.namespace,
        uid: `pod-${i}`,
        labels: { ...labels, 'pod-template-hash': hash },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSet, controller: true }],
        creationTimestamp: rolledOut,
      },
      spec: { containers: [container], nodeName: `node-${i % 3}` },
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: t.container,
            image: t.image,
            ready: !killed,
            restartCount: killed ? 4 : 0,
            state: killed ? { running: { startedAt: killedAt } } : { running: { startedAt: rolledOut } },
            ...(killed
              ? {
                  lastState: {
                    terminated: {
                      exitCode: 137,
                      reason: 'OOMKilled',
                      startedAt: restartedAt,
                      finishedAt: killedAt,
                    },
                  },
                }
              : {}),
          },
        ],
      },
    });
    add('services', {
      metadata: { name: t.name, namespace: t.namespace, labels },
      spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
  });
  for (let n = 0; n < 3; n++)
    add('nodes', {
      metadata: { name: `node-${n}`, labels: { 'kubernetes.io/hostname': `node-${n}` } },
      status: {
        allocatable: { cpu: '8', memory: '32Gi' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });

  const reader: ClusterReader = {
    description: `synthetic cluster of ${targets.length} workloads`,
    async list(kind: ListKind, namespace?: string, listOptions?: ListOptions) {
      const namespaces = byKind.get(kind);
      if (!namespaces) return [];
      const items =
        namespace === undefined || CLUSTER_SCOPED_KINDS.has(kind)
          ? [...namespaces.values()].flat()
          : (namespaces.get(namespace) ?? []);
      return filterObjects(items, listOptions);
    },
    async logs(namespace, pod, container, logOptions) {
      const target = byPod.get(`${namespace}/${pod}`);
      if (!target || target.container !== container) return undefined;
      if (logOptions.previous)
        return oom.has(keyOf(target))
          ? `${restartedAt} INFO serving on :8080\n${killedAt} WARN heap usage at 97% of the container limit`
          : undefined;
      return `${killedAt} INFO serving on :8080`;
    },
  };
  return {
    reader,
    podOf: (target) => {
      const pod = pods.get(keyOf(target));
      if (!pod) throw new Error(`${keyOf(target)} is not a workload of the synthetic cluster`);
      return pod;
    },
  };
}

/** The Alertmanager (webhook v4) payload KubeContainerOOMKilled sends for the workload's pod. */
export function oomAlertPayload(target: GeneratedTarget, pod: string, startsAt: Date): string {
  const labels = {
    alertname: 'KubeContainerOOMKilled',
    cluster: 'bench-1',
    container: target.container,
    job: 'kube-state-metrics',
    namespace: target.namespace,
    pod,
    severity: 'warning',
  };
  const group = { alertname: labels.alertname, namespace: labels.namespace };
  return JSON.stringify({
    receiver: 'aegis',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: {
          summary: 'Container was killed for exceeding its memory limit.',
          description: `Container ${target.container} in pod ${target.namespace}/${pod} was OOMKilled.`,
        },
        startsAt: startsAt.toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'https://prometheus.example.com/graph',
        fingerprint: createHash('sha256').update(`${target.namespace}/${pod}`).digest('hex').slice(0, 16),
      },
    ],
    groupLabels: group,
    commonLabels: labels,
    commonAnnotations: { summary: 'Container was killed for exceeding its memory limit.' },
    externalURL: 'https://alertmanager.example.com',
    version: '4',
    groupKey: `{}:{alertname="${labels.alertname}", namespace="${labels.namespace}"}`,
    truncatedAlerts: 0,
  });
}
