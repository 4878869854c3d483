import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertmanagerPayload } from '../../src/intake/alertmanager-schema.js';
import { fingerprintOf, groupIncidents, type IncidentDraft } from '../../src/intake/incidents.js';
import { parseAlertJson } from '../../src/intake/parse-alert.js';
import { ALERT_FIXTURES_DIR, readText, SCENARIOS_DIR } from './shared-fixtures.js';

function load(path: string): AlertmanagerPayload {
  const result = parseAlertJson(readText(path));
  if (!result.ok) throw new Error(result.error);
  return result.payload;
}

interface Expected {
  alertname: string;
  namespace?: string;
  guess?: string;
  container?: string;
  severity: string;
  alertCount: number;
  startsAt?: string;
  targets?: string[];
}

function summary(draft: IncidentDraft): Expected {
  return {
    alertname: draft.alertname,
    ...(draft.namespace ? { namespace: draft.namespace } : {}),
    ...(draft.workloadGuess ? { guess: `${draft.workloadGuess.kind}/${draft.workloadGuess.name}` } : {}),
    ...(draft.container ? { container: draft.container } : {}),
    severity: draft.severity,
    alertCount: draft.alertCount,
  };
}

const fixture = (f: string) => join(ALERT_FIXTURES_DIR, f);
const scenario = (s: string) => join(SCENARIOS_DIR, s, 'alert.json');

describe('groupIncidents over every payload', () => {
  it.each<[string, string, Expected[]]>([
    [
      'alertmanager-to-github',
      fixture('alertmanager-to-github.example-curl-body.json'),
      [{ alertname: 'Alert1', severity: 'page', alertCount: 1 }],
    ],
    [
      'CPUThrottlingHigh, 8 alerts: one incident per workload',
      fixture('kubesphere-nm.CPUThrottlingHigh-8alerts.json'),
      [
        {
          alertname: 'CPUThrottlingHigh',
          namespace: 'kube-system',
          guess: 'Deployment/calico-kube-controllers',
          container: 'calico-kube-controllers',
          severity: 'warning',
          alertCount: 1,
        },
        {
          alertname: 'CPUThrottlingHigh',
          namespace: 'kube-system',
          guess: 'DaemonSet/csi-qingcloud-node',
          container: 'csi-qingcloud',
          severity: 'warning',
          alertCount: 5,
        },
        {
          alertname: 'CPUThrottlingHigh',
          namespace: 'kube-system',
          guess: 'Deployment/csi-qingcloud-controller',
          container: 'csi-resizer',
          severity: 'warning',
          alertCount: 2,
        },
      ],
    ],
    [
      'CPUThrottlingHigh',
      fixture('kubesphere-nm.CPUThrottlingHigh.json'),
      [
        {
          alertname: 'CPUThrottlingHigh',
          namespace: 'kubesphere-controls-system',
          guess: 'Deployment/default-http-backend',
          container: 'default-http-backend',
          severity: 'warning',
          alertCount: 1,
        },
      ],
    ],
    [
      'KubeContainerWaiting',
      fixture('kubesphere-nm.KubeContainerWaiting.json'),
      [
        {
          alertname: 'KubeContainerWaiting',
          namespace: 't1',
          guess: 'Deployment/s2i-1-viafnz',
          container: 'container-ztj830',
          severity: 'warning',
          alertCount: 1,
        },
      ],
    ],
    [
      'KubeDeploymentReplicasMismatch: the kube-state-metrics pod is not the target',
      fixture('kubesphere-nm.KubeDeploymentReplicasMismatch.json'),
      [
        {
          alertname: 'KubeDeploymentReplicasMismatch',
          namespace: 'default',
          guess: 'Deployment/nginx',
          severity: 'critical',
          alertCount: 1,
        },
      ],
    ],
    [
      'KubeJobFailed: job_name, not job',
      fixture('kubesphere-nm.KubeJobFailed.json'),
      [
        {
          alertname: 'KubeJobFailed',
          namespace: 'demo-project',
          guess: 'Job/dddd',
          severity: 'warning',
          alertCount: 1,
        },
      ],
    ],
    [
      'KubePodCrashLooping on an ordinal pod',
      fixture('kubesphere-nm.KubePodCrashLooping.json'),
      [
        {
          alertname: 'KubePodCrashLooping',
          namespace: 'pp1',
          guess: 'StatefulSet/dd1',
          container: 'busybox-3jb7u6',
          severity: 'critical',
          alertCount: 1,
        },
      ],
    ],
    [
      'KubePodNotReady, two pods of two ReplicaSets of one Deployment',
      fixture('kubesphere-nm.KubePodNotReady-2alerts.json'),
      [
        {
          alertname: 'KubePodNotReady',
          namespace: 't1',
          guess: 'Deployment/s2i-1-viafnz',
          severity: 'critical',
          alertCount: 2,
        },
      ],
    ],
    [
      'KubeletDown without namespace',
      fixture('kubesphere-nm.KubeletDown-no-namespace.json'),
      [{ alertname: 'KubeletDown', severity: 'critical', alertCount: 1 }],
    ],
    [
      'msteams 2018 body',
      fixture('prometheus-msteams.prom_post_request.json'),
      [{ alertname: 'high_memory_load', severity: 'warning', alertCount: 1 }],
    ],
    [
      'scenario config-orders-worker-configmap-typo',
      scenario('config-orders-worker-configmap-typo'),
      [
        {
          alertname: 'KubeContainerWaiting',
          namespace: 'orders',
          guess: 'Deployment/orders-worker',
          container: 'worker',
          severity: 'warning',
          alertCount: 1,
        },
      ],
    ],
    [
      'scenario cpu-throttling-pricing-api',
      scenario('cpu-throttling-pricing-api'),
      [
        {
          alertname: 'CPUThrottlingHigh',
          namespace: 'pricing',
          guess: 'Deployment/pricing-api',
          container: 'pricing-api',
          severity: 'info',
          alertCount: 3,
        },
      ],
    ],
    [
      'scenario crashloop-checkout-bad-release',
      scenario('crashloop-checkout-bad-release'),
      [
        {
          alertname: 'KubePodCrashLooping',
          namespace: 'shop',
          guess: 'Deployment/checkout',
          container: 'checkout',
          severity: 'warning',
          alertCount: 1,
        },
      ],
    ],
    [
      'scenario hpa-maxed-search-api: the HPA, not the scrape container',
      scenario('hpa-maxed-search-api'),
      [{ alertname: 'KubeHpaMaxedOut', namespace: 'search', severity: 'warning', alertCount: 1 }],
    ],
    [
      'scenario image-pull-storefront-tag-typo',
      scenario('image-pull-storefront-tag-typo'),
      [
        {
          alertname: 'KubeContainerWaiting',
          namespace: 'web',
          guess: 'Deployment/storefront-web',
          container: 'web',
          severity: 'warning',
          alertCount: 2,
        },
      ],
    ],
    [
      'scenario node-notready-payments',
      scenario('node-notready-payments'),
      [{ alertname: 'KubeNodeNotReady', severity: 'warning', alertCount: 1 }],
    ],
    [
      'scenario oom-invoice-renderer',
      scenario('oom-invoice-renderer'),
      [
        {
          alertname: 'KubeContainerOOMKilled',
          namespace: 'billing',
          guess: 'Deployment/invoice-renderer',
          container: 'renderer',
          severity: 'warning',
          alertCount: 2,
        },
      ],
    ],
    [
      'scenario probe-notifier-liveness-port',
      scenario('probe-notifier-liveness-port'),
      [
        {
          alertname: 'KubePodCrashLooping',
          namespace: 'notifications',
          guess: 'Deployment/notifier',
          container: 'notifier',
          severity: 'warning',
          alertCount: 2,
        },
      ],
    ],
  ])('%s', (_name, path, expected) => {
    const drafts = groupIncidents(load(path));

    expect(drafts.map(summary)).toEqual(expected);
    for (const draft of drafts) {
      expect(draft.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(draft.source).toBe('alertmanager');
      expect(draft.status).toBe('firing');
      expect(draft.targets.length).toBeGreaterThan(0);
      expect(draft.workload).toBeUndefined();
    }
    expect(new Set(drafts.map((d) => d.fingerprint)).size).toBe(drafts.length);
  });
});

describe('incident details', () => {
  it('takes the earliest start, normalized to UTC', () => {
    const [, daemonSet] = groupIncidents(load(fixture('kubesphere-nm.CPUThrottlingHigh-8alerts.json')));

    expect(daemonSet?.startsAt).toBe('2020-02-26T07:04:44.782Z');
    expect(groupIncidents(load(fixture('prometheus-msteams.prom_post_request.json')))[0]?.startsAt).toBe(
      '2018-03-07T11:33:21.873Z',
    );
  });

  it('keeps the pods of the group in alert order and lists them as targets', () => {
    const [draft] = groupIncidents(load(fixture('kubesphere-nm.KubePodNotReady-2alerts.json')));

    expect(draft?.pods).toEqual(['s2i-1-viafnz-5474c8b5b7-px7kz', 's2i-1-viafnz-89f49c678-2mzsm']);
    expect(draft?.targets).toEqual(draft?.pods.map((name) => ({ kind: 'Pod', name })));
  });

  it('computes common labels and annotations itself (commonAnnotations may lie)', () => {
    const [draft] = groupIncidents(load(scenario('crashloop-checkout-bad-release')));

    expect(draft?.annotations.description).toContain('(checkout)');
    expect(draft?.labels.pod).toBe('checkout-zg9t76xdc-sbl5w');
  });

  it('keeps only what all alerts share', () => {
    const [draft] = groupIncidents(load(scenario('oom-invoice-renderer')));

    expect(draft?.labels).not.toHaveProperty('pod');
    expect(draft?.labels).toMatchObject({ alertname: 'KubeContainerOOMKilled', container: 'renderer' });
    expect(draft?.annotations).toEqual({
      runbook_url: 'https://runbooks.ops.acme.dev/alerts/KubeContainerOOMKilled',
      summary: 'Container was killed for exceeding its memory limit.',
    });
    expect(draft?.externalURL).toBe('https://alertmanager.ops.acme.dev');
  });

  it.each<[string, ('firing' | 'resolved' | undefined)[], 'firing' | 'resolved', 'firing' | 'resolved']>([
    ['all resolved', ['resolved', 'resolved'], 'resolved', 'resolved'],
    ['one still firing', ['resolved', 'firing'], 'resolved', 'firing'],
    ['alert status missing: the payload decides', [undefined, undefined], 'resolved', 'resolved'],
  ])('status: %s', (_name, statuses, payloadStatus, expected) => {
    const payload: AlertmanagerPayload = {
      status: payloadStatus,
      alerts: statuses.map((status, i) => ({
        ...(status ? { status } : {}),
        labels: { alertname: 'KubePodNotReady', namespace: 'a', pod: `web-${i}` },
        startsAt: '2025-01-01T00:00:00Z',
      })),
    };

    expect(groupIncidents(payload).map((d) => d.status)).toEqual([expected]);
  });

  it.each([
    [['warning', 'critical', 'info'], 'critical'],
    [['info', 'warning'], 'warning'],
    [['page'], 'page'],
    [['page', 'warning'], 'warning'],
    [[undefined], 'none'],
  ])('severity of %j is %s', (severities, expected) => {
    const payload: AlertmanagerPayload = {
      status: 'firing',
      alerts: severities.map((severity, i) => ({
        labels: {
          alertname: 'A',
          namespace: 'n',
          deployment: 'd',
          ...(severity ? { severity } : {}),
          i: String(i),
        },
        startsAt: '2025-01-01T00:00:00Z',
      })),
    };

    expect(groupIncidents(payload)[0]?.severity).toBe(expected);
  });
});

describe('fingerprintOf', () => {
  it('is a stable 16-hex-char sha256 prefix', () => {
    const a = fingerprintOf('KubePodCrashLooping', 'shop', 'Deployment', 'checkout');

    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintOf('KubePodCrashLooping', 'shop', 'Deployment', 'checkout')).toBe(a);
  });

  it.each<[string, [string, string, string, string]]>([
    ['alertname', ['KubePodNotReady', 'shop', 'Deployment', 'checkout']],
    ['namespace', ['KubePodCrashLooping', 'shop2', 'Deployment', 'checkout']],
    ['kind', ['KubePodCrashLooping', 'shop', 'StatefulSet', 'checkout']],
    ['name', ['KubePodCrashLooping', 'shop', 'Deployment', 'cart']],
    ['no ambiguity when joining', ['KubePodCrashLooping', 'shopDeployment', '', 'checkout']],
  ])('changes with the %s', (_name, args) => {
    expect(fingerprintOf(...args)).not.toBe(
      fingerprintOf('KubePodCrashLooping', 'shop', 'Deployment', 'checkout'),
    );
  });

  it('is the same for the same workload across webhook deliveries', () => {
    const first = groupIncidents(load(scenario('probe-notifier-liveness-port')));
    const again = groupIncidents(load(scenario('probe-notifier-liveness-port')));

    expect(again.map((d) => d.fingerprint)).toEqual(first.map((d) => d.fingerprint));
    expect(first[0]?.fingerprint).toBe(
      fingerprintOf('KubePodCrashLooping', 'notifications', 'Deployment', 'notifier'),
    );
  });
});
