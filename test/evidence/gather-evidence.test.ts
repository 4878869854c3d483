import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/core/k8s.js';
import type { Evidence, Incident } from '../../src/core/types.js';
import { type ClusterReader, EvidenceUnavailable, type ListKind } from '../../src/evidence/cluster-reader.js';
import { eventTimestamp } from '../../src/evidence/evidence-shapes.js';
import { gatherEvidence } from '../../src/evidence/gather-evidence.js';
import { openSnapshotReader } from '../../src/evidence/snapshot-reader.js';
import { fingerprintOf, groupIncidents, type IncidentDraft } from '../../src/intake/incidents.js';
import { parseAlertJson } from '../../src/intake/parse-alert.js';
import { scenarioAlertText, scenarioNames, scenarioSnapshotDir } from '../intake/shared-fixtures.js';

function draftOf(name: string): IncidentDraft {
  const parsed = parseAlertJson(scenarioAlertText(name));
  if (!parsed.ok) throw new Error(parsed.error);
  const [draft] = groupIncidents(parsed.payload);
  if (!draft) throw new Error('no incident');
  return draft;
}

async function gather(
  name: string,
  reader?: ClusterReader,
): Promise<{ incident: Incident; evidence: Evidence }> {
  return gatherEvidence(reader ?? (await openSnapshotReader(scenarioSnapshotDir(name))), draftOf(name));
}

describe('gatherEvidence over every scenario', () => {
  it.each(scenarioNames())('%s fills every field', async (name) => {
    const { incident, evidence } = await gather(name);

    expect(Object.keys(evidence).sort()).toEqual(
      expect.arrayContaining([
        'configMaps',
        'events',
        'logs',
        'nodes',
        'notes',
        'pods',
        'pvcs',
        'revisions',
        'services',
        'siblings',
        'storageClasses',
      ]),
    );
    expect(evidence.nodes.length).toBeGreaterThan(0);
    for (const node of evidence.nodes)
      expect(Object.keys(node.status ?? {}).every((k) => ['conditions', 'allocatable'].includes(k))).toBe(
        true,
      );
    // Newest last, also where only eventTime is set.
    const times = evidence.events.map(eventTimestamp);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.every((t) => t > 0)).toBe(true);
    for (const log of evidence.logs) {
      expect(log.lines.length).toBeLessThanOrEqual(80);
      expect(Buffer.byteLength(log.lines.join('\n'))).toBeLessThanOrEqual(8 * 1024);
    }
    expect(JSON.stringify(evidence)).not.toContain('managedFields');
    expect(JSON.stringify(evidence)).not.toContain('last-applied-configuration');
    expect(incident.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(incident).not.toHaveProperty('workloadGuess');
    expect(incident).not.toHaveProperty('pods');
    expect(evidence.notes).toContain('storageclasses: not recorded in the snapshot');
  });

  it.each<[string, string | undefined, number]>([
    ['config-orders-worker-configmap-typo', 'Deployment/orders-worker', 3],
    ['cpu-throttling-pricing-api', 'Deployment/pricing-api', 3],
    ['crashloop-checkout-bad-release', 'Deployment/checkout', 4],
    ['hpa-maxed-search-api', 'Deployment/search-api', 6],
    ['image-pull-storefront-tag-typo', 'Deployment/storefront-web', 5],
    ['node-notready-payments', undefined, 2],
    ['oom-invoice-renderer', 'Deployment/invoice-renderer', 2],
    ['probe-notifier-liveness-port', 'Deployment/notifier', 2],
  ])('%s: workload %s with %i pods, final fingerprint', async (name, workload, podCount) => {
    const draft = draftOf(name);
    const { incident, evidence } = await gather(name);

    expect(incident.workload ? `${incident.workload.kind}/${incident.workload.name}` : undefined).toBe(
      workload,
    );
    expect(evidence.workload ? `${evidence.workload.kind}/${evidence.workload.name}` : undefined).toBe(
      workload,
    );
    expect(evidence.pods).toHaveLength(podCount);
    // Alert pods come first.
    expect(evidence.pods.slice(0, draft.pods.length).map((p) => p.metadata?.name)).toEqual(draft.pods);
    const subject = incident.workload ?? incident.targets[0];
    expect(incident.fingerprint).toBe(
      fingerprintOf(incident.alertname, incident.namespace, subject?.kind ?? '', subject?.name ?? ''),
    );
  });
});

describe('what each scenario needs', () => {
  it('crashloop: revisions newest first, current 2.8.0, previous 2.7.3', async () => {
    const { evidence } = await gather('crashloop-checkout-bad-release');

    expect(evidence.revisions.map((r) => [r.revision, r.images.checkout, r.current])).toEqual([
      [9, 'ghcr.io/acme-corp/checkout:2.8.0', true],
      [8, 'ghcr.io/acme-corp/checkout:2.7.3', false],
      [7, 'ghcr.io/acme-corp/checkout:2.7.1', false],
    ]);
    expect(evidence.revisions[1]).toMatchObject({
      name: 'checkout-tq4wsrmvh',
      replicas: 3,
      readyReplicas: 3,
    });
    expect(evidence.siblings).toEqual([
      { kind: 'Deployment', name: 'cart', images: { cart: 'ghcr.io/acme-corp/cart:1.19.4' } },
    ]);
    const current = evidence.logs.find((l) => !l.previous);
    expect(current).toMatchObject({ pod: 'checkout-zg9t76xdc-sbl5w', container: 'checkout' });
    expect(current?.lines.join('\n')).toContain('nil pointer dereference');
    expect(evidence.logs.some((l) => l.previous)).toBe(true);
    expect(evidence.events.map((e) => e.involvedObject.kind)).toEqual(
      expect.arrayContaining(['Pod', 'ReplicaSet', 'Deployment']),
    );
  });

  it('config reference: ConfigMaps as names and keys only, the request error of the waiting container', async () => {
    const { evidence } = await gather('config-orders-worker-configmap-typo');

    expect(evidence.configMaps).toContainEqual({
      name: 'orders-worker-config',
      keys: ['PREFETCH', 'QUEUE_URL', 'RETRY_BACKOFF'],
    });
    expect(JSON.stringify(evidence)).not.toContain('BEGIN CERTIFICATE');
    expect(evidence.logs[0]).toMatchObject({
      pod: 'orders-worker-gtsbkv46tn-4xfgd',
      container: 'worker',
      lines: [],
    });
    expect(evidence.logs[0]?.requestError).toMatch(/^Request log error: .*CreateContainerConfigError$/);
  });

  it('hpa: the HPA, the Deployment through it, its events', async () => {
    const { incident, evidence } = await gather('hpa-maxed-search-api');

    expect(evidence.hpa?.spec?.maxReplicas).toBe(6);
    expect(incident.container).toBeUndefined();
    expect(evidence.events.map((e) => e.involvedObject.kind)).toContain('HorizontalPodAutoscaler');
    expect(evidence.revisions[0]?.images['search-api']).toMatch(/:4\.2\.0$/);
  });

  it('image pull: the sibling that runs the intended tag and the previous revision', async () => {
    const { evidence } = await gather('image-pull-storefront-tag-typo');

    expect(evidence.siblings).toContainEqual({
      kind: 'Deployment',
      name: 'storefront-worker',
      images: { worker: 'europe-west1-docker.pkg.dev/acme-prod/web/storefront:v3.12.0' },
    });
    expect(evidence.revisions.slice(0, 2).map((r) => r.images.web?.split(':').at(-1))).toEqual([
      'v3.21.0',
      'v3.11.4',
    ]);
    const failing = evidence.logs.filter((l) => l.pod.startsWith('storefront-web-w5z2msxs6'));
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.every((l) => l.requestError?.includes('trying and failing to pull image'))).toBe(true);
    // One healthy pod of the previous revision is read for reference (how a working start looks).
    const healthy = evidence.logs.filter((l) => !l.pod.startsWith('storefront-web-w5z2msxs6'));
    expect(healthy.map((l) => l.pod)).toEqual([expect.stringMatching(/^storefront-web-b6k766ncgr-/)]);
  });

  it('node failure: no workload, the pods on the node and the node events', async () => {
    const { incident, evidence } = await gather('node-notready-payments');

    expect(incident.workload).toBeUndefined();
    expect(incident.namespace).toBeUndefined();
    expect(evidence.namespace).toBeUndefined();
    expect(evidence.pods.every((p) => p.spec?.nodeName === 'ip-10-24-41-7.eu-west-1.compute.internal')).toBe(
      true,
    );
    expect(evidence.events.map((e) => e.reason)).toContain('NodeNotReady');
    expect(
      evidence.nodes.find((n) => n.metadata?.name === 'ip-10-24-41-7.eu-west-1.compute.internal')?.spec
        ?.taints?.length,
    ).toBeGreaterThan(0);
    expect(evidence.services).toEqual([]);
  });

  it('oom: lastState.terminated OOMKilled survives, previous logs of the restarted pod', async () => {
    const { evidence } = await gather('oom-invoice-renderer');

    const reasons = evidence.pods.flatMap(
      (p) => p.status?.containerStatuses?.map((s) => s.lastState?.terminated?.reason) ?? [],
    );
    expect(reasons).toContain('OOMKilled');
    expect(evidence.logs.map((l) => `${l.pod}:${l.previous}`)).toEqual(
      expect.arrayContaining([
        'invoice-renderer-w5js5kxrv-xk52j:false',
        'invoice-renderer-w5js5kxrv-r2r7h:true',
      ]),
    );
  });
});

describe('partial evidence', () => {
  /** A reader whose RBAC forbids some kinds, as a live cluster may. */
  function forbidding(inner: ClusterReader, kinds: ListKind[], logs = false): ClusterReader {
    return {
      description: `forbidding ${inner.description}`,
      list: (kind, namespace, options) =>
        kinds.includes(kind)
          ? Promise.reject(new EvidenceUnavailable(kind, 'forbidden'))
          : inner.list(kind, namespace, options),
      logs: (...args) => (logs ? Promise.reject(new Error('connection reset')) : inner.logs(...args)),
    };
  }

  it('notes every unavailable kind and still gathers the rest', async () => {
    const inner = await openSnapshotReader(scenarioSnapshotDir('crashloop-checkout-bad-release'));

    const { incident, evidence } = await gather(
      'crashloop-checkout-bad-release',
      forbidding(inner, ['events', 'replicasets', 'nodes']),
    );

    expect(evidence.notes).toEqual(
      expect.arrayContaining(['events: forbidden', 'replicasets: forbidden', 'nodes: forbidden']),
    );
    expect(evidence.events).toEqual([]);
    expect(evidence.revisions).toEqual([]);
    expect(evidence.nodes).toEqual([]);
    expect(evidence.pods.length).toBeGreaterThan(0);
    // Without ReplicaSets the ReplicaSet's name leads to the Deployment, and a note says so.
    expect(incident.workload).toEqual({ kind: 'Deployment', name: 'checkout' });
    expect(evidence.notes.some((n) => n.startsWith('workload: Pod shop/checkout-zg9t76xdc-sbl5w'))).toBe(
      true,
    );
  });

  it('lets other errors through: they are the caller to retry', async () => {
    const inner = await openSnapshotReader(scenarioSnapshotDir('crashloop-checkout-bad-release'));

    await expect(gather('crashloop-checkout-bad-release', forbidding(inner, [], true))).rejects.toThrow(
      'connection reset',
    );
  });

  it('bounds pods, events and logs', async () => {
    const reader = await openSnapshotReader(scenarioSnapshotDir('hpa-maxed-search-api'));

    const { evidence } = await gatherEvidence(reader, draftOf('hpa-maxed-search-api'), {
      maxPods: 2,
      maxEvents: 1,
      logs: { maxPods: 1, maxExcerpts: 1 },
    });

    expect(evidence.pods).toHaveLength(2);
    expect(evidence.events).toHaveLength(1);
    expect(evidence.logs.length).toBeLessThanOrEqual(1);
    expect(evidence.notes).toEqual(
      expect.arrayContaining(['pods: 4 more pods not included', 'events: 3 older events not included']),
    );
  });
});

describe('a reader is a narrow interface', () => {
  it('works over any ClusterReader, not only snapshots', async () => {
    const items: Partial<Record<ListKind, KubeObject[]>> = {
      pods: [
        {
          metadata: {
            name: 'web-0',
            namespace: 'a',
            ownerReferences: [{ kind: 'StatefulSet', name: 'web', controller: true }],
          },
          spec: { containers: [{ name: 'app' }] },
        },
      ],
      statefulsets: [
        { metadata: { name: 'web', namespace: 'a' }, spec: { selector: { matchLabels: { app: 'web' } } } },
      ],
    };
    const reader: ClusterReader = {
      description: 'in memory',
      list: async (kind, _ns, options) =>
        (items[kind] ?? []).filter(
          (o) => !options?.fieldSelector || options.fieldSelector === `metadata.name=${o.metadata?.name}`,
        ),
      logs: async () => undefined,
    };
    const draft = groupIncidents({
      status: 'firing',
      alerts: [
        {
          labels: { alertname: 'KubePodNotReady', namespace: 'a', pod: 'web-0' },
          startsAt: '2025-01-01T00:00:00Z',
        },
      ],
    })[0];
    if (!draft) throw new Error('no draft');

    const { incident, evidence } = await gatherEvidence(reader, draft);

    expect(incident.workload).toEqual({ kind: 'StatefulSet', name: 'web' });
    expect(evidence.workload?.name).toBe('web');
    expect(evidence.notes).toContain('logs: none for a/web-0 container app');
  });
});
