import { describe, expect, it } from 'vitest';
import type { TargetHint } from '../../src/core/types.js';
import { guessFromPodName } from '../../src/intake/pod-name.js';
import { type AlertTargets, targetHints } from '../../src/intake/target-hints.js';

const ksm = { job: 'kube-state-metrics', instance: '10.0.0.1:8443', container: 'kube-rbac-proxy-main' };

describe('targetHints', () => {
  it.each<[string, Record<string, string>, AlertTargets]>([
    [
      'pod alert: pod and container count',
      {
        alertname: 'KubePodCrashLooping',
        namespace: 'shop',
        pod: 'checkout-zg9t76xdc-sbl5w',
        container: 'checkout',
      },
      {
        namespace: 'shop',
        targets: [{ kind: 'Pod', name: 'checkout-zg9t76xdc-sbl5w' }],
        pod: 'checkout-zg9t76xdc-sbl5w',
        container: 'checkout',
      },
    ],
    [
      'service alert: the Service is the subject when nothing more specific is named',
      { alertname: 'KubeServiceWithNoEndpoints', namespace: 'payments', service: 'payments-api' },
      { namespace: 'payments', targets: [{ kind: 'Service', name: 'payments-api' }] },
    ],
    [
      'scrape-target service labels are not subjects',
      { alertname: 'CPUThrottlingHigh', namespace: 'pricing', service: 'kubelet' },
      { namespace: 'pricing', targets: [{ kind: 'Namespace', name: 'pricing' }] },
    ],
    [
      'deployment alert: pod/container of kube-state-metrics are ignored',
      { ...ksm, namespace: 'default', deployment: 'nginx', pod: 'kube-state-metrics-7c6f4866fc-rclv2' },
      { namespace: 'default', targets: [{ kind: 'Deployment', name: 'nginx' }] },
    ],
    [
      'job_name is the Kubernetes Job, job the scrape job',
      { ...ksm, namespace: 'demo', job_name: 'dddd', pod: 'kube-state-metrics-7c6f4866fc-rclv2' },
      { namespace: 'demo', targets: [{ kind: 'Job', name: 'dddd' }] },
    ],
    [
      'statefulset',
      { ...ksm, namespace: 'db', statefulset: 'pg' },
      { namespace: 'db', targets: [{ kind: 'StatefulSet', name: 'pg' }] },
    ],
    [
      'daemonset',
      { ...ksm, namespace: 'kube-system', daemonset: 'node-exporter' },
      { namespace: 'kube-system', targets: [{ kind: 'DaemonSet', name: 'node-exporter' }] },
    ],
    [
      'hpa alert with a scrape-target container',
      { ...ksm, namespace: 'search', horizontalpodautoscaler: 'search-api' },
      { namespace: 'search', targets: [{ kind: 'HorizontalPodAutoscaler', name: 'search-api' }] },
    ],
    [
      'pvc alert',
      { namespace: 'db', persistentvolumeclaim: 'data-pg-0', job: 'kubelet' },
      { namespace: 'db', targets: [{ kind: 'PersistentVolumeClaim', name: 'data-pg-0' }] },
    ],
    [
      'node alert without namespace: container is noise',
      { ...ksm, node: 'ip-10-24-41-7', condition: 'Ready' },
      { targets: [{ kind: 'Node', name: 'ip-10-24-41-7' }] },
    ],
    [
      'container without pod means nothing',
      { namespace: 'x', container: 'app' },
      { namespace: 'x', targets: [{ kind: 'Namespace', name: 'x' }] },
    ],
    [
      'cluster-level alert',
      { alertname: 'KubeletDown', severity: 'critical' },
      { targets: [{ kind: 'Cluster', name: 'cluster' }] },
    ],
    [
      'cluster label names the cluster',
      { alertname: 'KubeletDown', cluster: 'prod-eu-1' },
      { targets: [{ kind: 'Cluster', name: 'prod-eu-1' }] },
    ],
    [
      'blank labels count as absent',
      { namespace: ' ', deployment: '', pod: 'web-0' },
      { targets: [{ kind: 'Pod', name: 'web-0' }], pod: 'web-0' },
    ],
  ])('%s', (_name, labels, expected) => {
    expect(targetHints(labels)).toEqual(expected);
  });
});

describe('guessFromPodName', () => {
  it.each<[string, TargetHint | undefined, string | undefined]>([
    [
      'orders-worker-gtsbkv46tn-4xfgd',
      { kind: 'Deployment', name: 'orders-worker' },
      'orders-worker-gtsbkv46tn',
    ],
    ['checkout-zg9t76xdc-sbl5w', { kind: 'Deployment', name: 'checkout' }, 'checkout-zg9t76xdc'],
    [
      'calico-kube-controllers-67f5689d7-sqg89',
      { kind: 'Deployment', name: 'calico-kube-controllers' },
      undefined,
    ],
    ['dd1-0', { kind: 'StatefulSet', name: 'dd1' }, undefined],
    ['postgres-12', { kind: 'StatefulSet', name: 'postgres' }, undefined],
    ['csi-qingcloud-node-79kkf', { kind: 'DaemonSet', name: 'csi-qingcloud-node' }, undefined],
    ['backup-29160480-x7k2p', { kind: 'CronJob', name: 'backup' }, 'backup-29160480'],
    ['hello-1567197780-mn4mv', { kind: 'CronJob', name: 'hello' }, 'hello-1567197780'],
    ['my-standalone-pod', undefined, undefined],
    ['api-worker', undefined, undefined],
  ])('%s', (pod, expected, via) => {
    const [first] = guessFromPodName(pod);

    expect(first ? { kind: first.kind, name: first.name } : undefined).toEqual(expected);
    if (via) expect(first?.via?.name).toBe(via);
  });
});
