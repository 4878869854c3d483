// Analyzer behaviour beyond the public scenarios: each row starts from a scenario's real evidence
// and changes the one fact that should change the decision.
import { beforeAll, describe, expect, it } from 'vitest';
import { runAnalyzers } from '../../src/analyzers/run-analyzers.js';
import { parseRepoConfig } from '../../src/config/repo-config.js';
import type { Evidence, Incident } from '../../src/core/types.js';
import { defaults, scenarioEvidence } from '../helpers/scenario-evidence.js';

type Case = { incident: Incident; evidence: Evidence };
const cache = new Map<string, Case>();
const SCENARIOS = [
  'oom-invoice-renderer',
  'crashloop-checkout-bad-release',
  'image-pull-storefront-tag-typo',
  'config-orders-worker-configmap-typo',
  'probe-notifier-liveness-port',
  'hpa-maxed-search-api',
  'cpu-throttling-pricing-api',
  'node-notready-payments',
];

beforeAll(async () => {
  for (const name of SCENARIOS) cache.set(name, await scenarioEvidence(name));
});

function fresh(name: string): Case {
  const found = cache.get(name);
  if (!found) throw new Error(name);
  return structuredClone(found);
}

const analyze = (c: Case, config = defaults()) => runAnalyzers({ ...c, config }).finding;

describe('oom-killed', () => {
  it('raises the limit by the bounded factor when the image is old', () => {
    const { diagnosis, plan } = analyze(fresh('oom-invoice-renderer'));
    expect(diagnosis.category).toBe('oom-killed');
    expect(plan.operations).toEqual([
      { type: 'set-resources', container: 'renderer', limits: { memory: '768Mi' } },
    ]);
  });

  it('honours a repo oomFactor', () => {
    const { plan } = analyze(fresh('oom-invoice-renderer'), parseRepoConfig('memory:\n  oomFactor: 2\n'));
    expect(plan.operations).toEqual([
      { type: 'set-resources', container: 'renderer', limits: { memory: '1Gi' } },
    ]);
  });

  it('rolls the image back when the kills began with a new release', () => {
    const c = fresh('oom-invoice-renderer');
    const current = c.evidence.revisions.find((r) => r.current);
    if (!current) throw new Error('no current revision');
    current.createdAt = new Date(Date.parse(c.incident.startsAt) - 3_600_000).toISOString();
    const { diagnosis, plan } = analyze(c);
    expect(diagnosis.category).toBe('oom-killed');
    expect(plan.operations).toEqual([
      { type: 'set-image', container: 'renderer', image: 'ghcr.io/acme-corp/invoice-renderer:2.3.7' },
    ]);
    expect(diagnosis.summary).toMatch(/release/);
  });

  it('keeps Guaranteed QoS by raising the request with the limit', () => {
    const c = fresh('oom-invoice-renderer');
    type Spec = { template: { spec: { containers: { resources: { requests: Record<string, string> } }[] } } };
    const spec = c.evidence.workload?.object.spec as Spec | undefined;
    const container = spec?.template.spec.containers[0];
    if (!container) throw new Error('no container');
    container.resources.requests.memory = '512Mi';
    const { plan } = analyze(c);
    expect(plan.operations).toEqual([
      {
        type: 'set-resources',
        container: 'renderer',
        limits: { memory: '768Mi' },
        requests: { memory: '768Mi' },
      },
    ]);
  });

  it('reports without a patch when the limit is at the ceiling', () => {
    const { plan } = analyze(fresh('oom-invoice-renderer'), parseRepoConfig('memory:\n  ceiling: 512Mi\n'));
    expect(plan.action).toBe('none');
  });

  it('respects reportOnly', () => {
    const { diagnosis, plan } = analyze(
      fresh('oom-invoice-renderer'),
      parseRepoConfig('reportOnly: [oom-killed]\n'),
    );
    expect(diagnosis.category).toBe('oom-killed');
    expect(plan).toMatchObject({ action: 'none', reason: expect.stringMatching(/report-only/) });
  });
});

describe('crash-loop', () => {
  it('changes nothing when the release is old and lists log hypotheses', () => {
    const c = fresh('crashloop-checkout-bad-release');
    for (const r of c.evidence.revisions) r.createdAt = '2025-01-01T00:00:00Z';
    const { diagnosis, plan } = analyze(c);
    expect(diagnosis.category).toBe('crash-loop');
    expect(plan.action).toBe('none');
    expect(diagnosis.hypotheses.join('\n')).toMatch(/nil pointer/);
  });

  it('does not roll back to a revision that never ran stably', () => {
    const c = fresh('crashloop-checkout-bad-release');
    const previous = c.evidence.revisions.find((r) => r.revision === 8);
    const current = c.evidence.revisions.find((r) => r.current);
    if (!previous || !current) throw new Error('revisions');
    previous.readyReplicas = 0;
    previous.createdAt = current.createdAt;
    expect(analyze(c).plan.action).toBe('none');
  });
});

describe('image-pull', () => {
  it('names the tag typo seen in a sibling workload', () => {
    const { diagnosis, plan } = analyze(fresh('image-pull-storefront-tag-typo'));
    expect(plan.operations).toEqual([
      {
        type: 'set-image',
        container: 'web',
        image: 'europe-west1-docker.pkg.dev/acme-prod/web/storefront:v3.11.4',
      },
    ]);
    expect(diagnosis.summary).toMatch(/typo of v3\.12\.0/);
  });

  it('reports registry auth failures without a patch', () => {
    const c = fresh('image-pull-storefront-tag-typo');
    for (const e of c.evidence.events)
      if (e.message?.includes('Failed to pull'))
        e.message =
          'Failed to pull image "x": pull access denied, repository does not exist or may require authorization: unauthorized';
    const { diagnosis, plan } = analyze(c);
    expect(diagnosis.category).toBe('image-pull');
    expect(plan.action).toBe('none');
  });
});

describe('config-reference', () => {
  it('refuses when two ConfigMaps are equally close', () => {
    const c = fresh('config-orders-worker-configmap-typo');
    c.evidence.configMaps.push({ name: 'orders-worker-confi', keys: ['RETRY_BACKOFF'] });
    c.evidence.configMaps.push({ name: 'orders-worker-confh', keys: ['RETRY_BACKOFF'] });
    const { diagnosis, plan } = analyze(c);
    expect(diagnosis.category).toBe('config-reference');
    expect(plan.action).toBe('none');
  });

  it('refuses a close name that lacks the referenced key', () => {
    const c = fresh('config-orders-worker-configmap-typo');
    const cm = c.evidence.configMaps.find((m) => m.name === 'orders-worker-config');
    if (!cm) throw new Error('configmap');
    cm.keys = ['QUEUE_URL'];
    expect(analyze(c).plan.action).toBe('none');
  });
});

describe('probe-failure', () => {
  it('wins over crash-loop and targets the served port', () => {
    const { diagnosis, plan } = analyze(fresh('probe-notifier-liveness-port'));
    expect(diagnosis.category).toBe('probe-failure');
    expect(plan.operations).toEqual([
      { type: 'set-probe', container: 'notifier', probe: 'livenessProbe', port: 3000 },
    ]);
  });
});

describe('probe-failure variants', () => {
  type Probe = { httpGet: { port: number | string; path: string } };
  type Spec = { template: { spec: { containers: { readinessProbe: Probe; livenessProbe: Probe }[] } } };

  it('a readiness probe on a port the container does not serve', () => {
    const c = fresh('probe-notifier-liveness-port');
    const container = (c.evidence.workload?.object.spec as Spec | undefined)?.template.spec.containers[0];
    if (!container) throw new Error('container');
    container.readinessProbe.httpGet.port = 3001;
    container.livenessProbe.httpGet.port = 3000;
    c.evidence.events = c.evidence.events
      .filter((e) => e.reason !== 'Killing' && e.reason !== 'BackOff')
      .map((e) => ({ ...e, message: e.message?.replace('Liveness probe failed', 'Readiness probe failed') }));
    const { diagnosis, plan } = analyze(c);
    expect(diagnosis.category).toBe('probe-failure');
    expect(plan.operations).toEqual([
      { type: 'set-probe', container: 'notifier', probe: 'readinessProbe', port: 3000 },
    ]);
  });

  it('a liveness path that 404s while readiness works', () => {
    const c = fresh('probe-notifier-liveness-port');
    const container = (c.evidence.workload?.object.spec as Spec | undefined)?.template.spec.containers[0];
    if (!container) throw new Error('container');
    container.livenessProbe.httpGet.port = 3000;
    container.livenessProbe.httpGet.path = '/healthz';
    c.evidence.events = c.evidence.events.map((e) => ({
      ...e,
      message: e.message?.startsWith('Liveness probe failed')
        ? 'Liveness probe failed: HTTP probe failed with statuscode: 404'
        : e.message,
    }));
    const { plan } = analyze(c);
    expect(plan.operations).toEqual([
      { type: 'set-probe', container: 'notifier', probe: 'livenessProbe', path: '/health' },
    ]);
  });

  it('timeouts under load are not a probe defect', () => {
    const c = fresh('cpu-throttling-pricing-api');
    c.incident.alertname = 'KubePodNotReady';
    expect(analyze(c).diagnosis.category).not.toBe('probe-failure');
  });
});

describe('config-reference through a volume', () => {
  it('a ConfigMap volume that names a missing ConfigMap', () => {
    const c = fresh('config-orders-worker-configmap-typo');
    type PodSpecLike = { volumes?: unknown[]; containers: { env?: unknown[] }[] };
    const spec = (c.evidence.workload?.object.spec as { template: { spec: PodSpecLike } } | undefined)
      ?.template.spec;
    if (!spec) throw new Error('spec');
    spec.volumes = [{ name: 'config', configMap: { name: 'orders-worker-confg' } }];
    for (const container of spec.containers) container.env = [];
    for (const status of c.evidence.pods.flatMap((p) => p.status?.containerStatuses ?? [])) {
      if (status.state?.waiting) status.state.waiting = { reason: 'ContainerCreating' };
    }
    c.evidence.events = c.evidence.events.map((e) => ({
      ...e,
      reason: e.reason === 'Failed' ? 'FailedMount' : e.reason,
      message:
        e.reason === 'Failed'
          ? 'MountVolume.SetUp failed for volume "config" : configmap "orders-worker-confg" not found'
          : e.message,
    }));
    const { diagnosis, plan } = analyze(c);
    expect(diagnosis.category).toBe('config-reference');
    expect(plan.operations).toEqual([
      { type: 'fix-reference', ref: 'configMap', from: 'orders-worker-confg', to: 'orders-worker-config' },
    ]);
  });
});

describe('hpa-maxed and cpu-throttling', () => {
  it('raises maxReplicas within the factor', () => {
    expect(analyze(fresh('hpa-maxed-search-api')).plan.operations).toEqual([
      { type: 'set-hpa', hpa: 'search-api', maxReplicas: 9 },
    ]);
  });

  it('stops at the replica ceiling', () => {
    expect(
      analyze(fresh('hpa-maxed-search-api'), parseRepoConfig('replicas:\n  ceiling: 6\n')).plan.action,
    ).toBe('none');
  });

  it('raises the CPU limit', () => {
    expect(analyze(fresh('cpu-throttling-pricing-api')).plan.operations).toEqual([
      { type: 'set-resources', container: 'pricing-api', limits: { cpu: '400m' } },
    ]);
  });
});

describe('no confident fix', () => {
  it('node failures never patch', () => {
    const { diagnosis, plan } = analyze(fresh('node-notready-payments'));
    expect(diagnosis.category).toBe('node-failure');
    expect(plan.action).toBe('none');
    expect(diagnosis.hypotheses.length).toBeGreaterThan(0);
  });

  it('an unrecognised failure is unknown with action none', () => {
    const c = fresh('cpu-throttling-pricing-api');
    c.incident.alertname = 'SomethingOdd';
    const { diagnosis, plan } = analyze(c);
    expect(diagnosis.category).toBe('unknown');
    expect(plan.action).toBe('none');
  });

  it('minConfidence turns a weak patch into a report', () => {
    const { plan } = analyze(fresh('cpu-throttling-pricing-api'), parseRepoConfig('minConfidence: 0.99\n'));
    expect(plan).toMatchObject({ action: 'none', reason: expect.stringMatching(/minConfidence/) });
  });
});
