// Evidence from other systems in the cluster: the Argo CD Application that manages the workload
// and k8sgpt Results about it. Both come from the live API (CustomObjectsApi) and from the
// snapshot's optional applications.json / results.json, with the same answer.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '../../src/core/k8s.js';
import { findArgoApplication } from '../../src/evidence/argo-application.js';
import { gatherEvidence } from '../../src/evidence/gather-evidence.js';
import { k8sgptFindings } from '../../src/evidence/k8sgpt-findings.js';
import { createLiveReader } from '../../src/evidence/live-reader.js';
import { openSnapshotReader } from '../../src/evidence/snapshot-reader.js';
import { groupIncidents } from '../../src/intake/incidents.js';
import { parseAlertJson } from '../../src/intake/parse-alert.js';
import { SCENARIOS_DIR, scenarioSnapshotDir } from '../intake/shared-fixtures.js';
import { startKubeApiServer } from '../support/kube-api-server.js';
import { copySnapshot, tempDir } from './helpers/temp-snapshot.js';

const SCENARIO = 'oom-invoice-renderer';

function billingApplication(): KubeObject {
  const app = parse(
    readFileSync(join(SCENARIOS_DIR, SCENARIO, 'gitops', 'argocd', 'billing.yaml'), 'utf8'),
  ) as KubeObject;
  const spec = app.spec as { source: Record<string, unknown> };
  spec.source.helm = { values: 'db:\n  password: hunter2-hunter2\n' };
  return {
    ...app,
    status: {
      sync: { status: 'Synced', revision: 'a1b2c3d' },
      health: { status: 'Degraded' },
      operationState: {
        phase: 'Succeeded',
        finishedAt: '2025-03-03T07:00:00Z',
        syncResult: {
          revision: 'a1b2c3d',
          resources: Array.from({ length: 50 }, (_, i) => ({ name: `r${i}` })),
        },
      },
      history: Array.from({ length: 8 }, (_, i) => ({ id: i, revision: `rev${i}` })),
      resources: [
        {
          group: 'apps',
          version: 'v1',
          kind: 'Deployment',
          namespace: 'billing',
          name: 'billing-api',
          status: 'Synced',
        },
        {
          group: 'apps',
          version: 'v1',
          kind: 'Deployment',
          namespace: 'billing',
          name: 'invoice-renderer',
          status: 'Synced',
        },
        { version: 'v1', kind: 'Service', namespace: 'billing', name: 'invoice-renderer', status: 'Synced' },
      ],
    },
  };
}

function application(
  name: string,
  namespace: string,
  path: string,
  extra: Partial<KubeObject> = {},
): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: { destination: { namespace }, source: { repoURL: 'https://git.example/gitops.git', path } },
    ...extra,
  };
}

function result(name: string, kind: string, subject: string, texts: string[], parentObject = ''): KubeObject {
  return {
    apiVersion: 'core.k8sgpt.ai/v1alpha1',
    kind: 'Result',
    metadata: { name, namespace: 'k8sgpt-operator-system' },
    spec: {
      backend: 'openai',
      kind,
      name: subject,
      parentObject,
      details: '',
      error: texts.map((text) => ({
        text,
        sensitive: [{ unmasked: 'invoice-renderer', masked: 'aW52b2ljZQ==' }],
      })),
    },
  };
}

function writeList(path: string, kind: string, apiVersion: string, items: KubeObject[]) {
  writeFileSync(
    path,
    `${JSON.stringify({ kind, apiVersion, metadata: { resourceVersion: '7' }, items }, null, 4)}\n`,
  );
}

describe('Argo CD Application and k8sgpt findings in the evidence', () => {
  it('are the same from applications.json/results.json and from the live API', async () => {
    const { dir, cleanup } = tempDir();
    try {
      copySnapshot(scenarioSnapshotDir(SCENARIO), dir);
      writeList(join(dir, 'applications.json'), 'ApplicationList', 'argoproj.io/v1alpha1', [
        application('payments', 'payments', 'apps/payments'),
        billingApplication(),
      ]);
      writeList(join(dir, 'results.json'), 'ResultList', 'core.k8sgpt.ai/v1alpha1', [
        result('billinginvoicerendererxk52j', 'Pod', 'billing/invoice-renderer-w5js5kxrv-xk52j', [
          'the last termination reason is OOMKilled container=renderer pod=invoice-renderer-w5js5kxrv-xk52j',
        ]),
        result('billinginvoicerenderer', 'Deployment', 'billing/invoice-renderer', [
          'Deployment billing/invoice-renderer has 1 replicas but 2 are available; probe sent Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789',
        ]),
        result('billingbillingapi', 'Pod', 'billing/billing-api-kg7np8lrbx-5q5dp', ['unrelated workload']),
        result('otherns', 'Pod', 'other/invoice-renderer-w5js5kxrv-xk52j', ['another namespace']),
      ]);
      const parsed = parseAlertJson(readFileSync(join(SCENARIOS_DIR, SCENARIO, 'alert.json'), 'utf8'));
      if (!parsed.ok) throw new Error(parsed.error);
      const draft = () => groupIncidents(parsed.payload)[0] ?? (undefined as never);

      const snapshot = await openSnapshotReader(dir);
      // Top-level files across namespaces, narrowed like the API when a namespace is given.
      expect((await snapshot.list('applications')).map((a) => a.metadata?.name)).toEqual([
        'payments',
        'billing',
      ]);
      expect(await snapshot.list('applications', 'billing')).toEqual([]);
      expect(await snapshot.list('k8sgptresults', 'k8sgpt-operator-system')).toHaveLength(4);

      const offline = (await gatherEvidence(snapshot, draft())).evidence;
      const server = await startKubeApiServer(dir);
      let live: typeof offline;
      try {
        const reader = await createLiveReader({
          kubeconfigPath: server.writeKubeconfig(join(dir, 'kubeconfig')),
        });
        live = (await gatherEvidence(reader, draft())).evidence;
        expect(server.requests.map((r) => r.path)).toEqual(
          expect.arrayContaining([
            '/apis/argoproj.io/v1alpha1/applications',
            '/apis/core.k8sgpt.ai/v1alpha1/results',
          ]),
        );
      } finally {
        await server.close();
      }

      expect(live.argoApplication).toEqual(offline.argoApplication);
      expect(live.externalFindings).toEqual(offline.externalFindings);

      const app = offline.argoApplication as KubeObject & { status: Record<string, unknown[]> };
      expect(app.metadata?.name).toBe('billing');
      expect(app.status.resources).toEqual([
        expect.objectContaining({ kind: 'Deployment', name: 'invoice-renderer' }),
      ]);
      expect(app.status.history).toHaveLength(5);
      expect(JSON.stringify(app)).not.toContain('hunter2-hunter2');
      expect(JSON.stringify(app)).not.toContain('"r49"');

      expect(offline.externalFindings).toEqual([
        {
          source: 'k8sgpt',
          kind: 'Pod',
          name: 'invoice-renderer-w5js5kxrv-xk52j',
          errors: [
            'the last termination reason is OOMKilled container=renderer pod=invoice-renderer-w5js5kxrv-xk52j',
          ],
        },
        { source: 'k8sgpt', kind: 'Deployment', name: 'invoice-renderer', errors: [expect.any(String)] },
      ]);
      expect(offline.externalFindings[1]?.errors[0]).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789');
      expect(JSON.stringify(offline.externalFindings)).not.toContain('aW52b2ljZQ==');
    } finally {
      cleanup();
    }
  });

  it('leave the evidence as before when neither is installed', async () => {
    const parsed = parseAlertJson(readFileSync(join(SCENARIOS_DIR, SCENARIO, 'alert.json'), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error);
    const draft = groupIncidents(parsed.payload)[0] ?? (undefined as never);
    const { evidence } = await gatherEvidence(await openSnapshotReader(scenarioSnapshotDir(SCENARIO)), draft);
    expect(evidence.argoApplication).toBeUndefined();
    expect(evidence.externalFindings).toEqual([]);
  });
});

describe('which Application manages a workload', () => {
  const workload = { kind: 'Deployment' as const, name: 'web', namespace: 'shop' };

  it.each<[string, KubeObject[], KubeObject | undefined, string | undefined]>([
    [
      'the tracking annotation wins',
      [application('shop-a', 'shop', 'apps/a'), application('shop-b', 'shop', 'apps/b')],
      {
        metadata: {
          name: 'web',
          annotations: { 'argocd.argoproj.io/tracking-id': 'shop-b:apps/Deployment:shop/web' },
        },
      },
      'shop-b',
    ],
    [
      'apps in any namespace: <namespace>_<name>',
      [application('shop', 'shop', 'apps/a', { metadata: { name: 'shop', namespace: 'team-a' } })],
      {
        metadata: {
          name: 'web',
          annotations: { 'argocd.argoproj.io/tracking-id': 'team-a_shop:apps/Deployment:shop/web' },
        },
      },
      'shop',
    ],
    [
      'status.resources',
      [
        application('shop-a', 'shop', 'apps/a'),
        application('shop-b', 'shop', 'apps/b', {
          status: { resources: [{ group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' }] },
        }),
      ],
      undefined,
      'shop-b',
    ],
    [
      'the instance label among apps deploying there',
      [application('shop-a', 'shop', 'apps/a'), application('shop-b', 'shop', 'apps/b')],
      { metadata: { name: 'web', labels: { 'app.kubernetes.io/instance': 'shop-a' } } },
      'shop-a',
    ],
    [
      'the only app deploying into the namespace',
      [application('shop', 'shop', 'apps/shop'), application('x', 'x', 'x')],
      undefined,
      'shop',
    ],
    [
      'the source path names the workload',
      [application('shop-a', 'shop', 'apps/shop/api'), application('shop-b', 'shop', 'apps/shop/web')],
      undefined,
      'shop-b',
    ],
    ['nothing deploys there', [application('x', 'x', 'x')], undefined, undefined],
  ])('%s', (_label, apps, object, expected) => {
    const found = findArgoApplication(apps, { ...workload, ...(object ? { object } : {}) });
    expect(found.application?.metadata?.name).toBe(expected);
    expect(found.note).toBeUndefined();
  });

  it('says so when several Applications could be the one', () => {
    const found = findArgoApplication(
      [application('shop-a', 'shop', 'apps/a'), application('shop-b', 'shop', 'apps/b')],
      workload,
    );
    expect(found.application).toBeUndefined();
    expect(found.note).toBe('argocd: 2 Applications may manage Deployment web (shop-a, shop-b); none chosen');
  });
});

describe('which k8sgpt Results are about the workload', () => {
  it('matches the workload, its ReplicaSets and pods, or a Result whose parent is the workload', () => {
    const findings = k8sgptFindings(
      [
        result('a', 'Pod', 'shop/web-1-abc', ['pod error']),
        result('b', 'ReplicaSet', 'shop/web-1', ['rs error']),
        result('c', 'Service', 'shop/web', ['no endpoints'], 'Deployment/web'),
        result('d', 'Pod', 'shop/db-0', ['other']),
        result('e', 'Pod', 'prod/web-1-abc', ['other namespace']),
        { metadata: { name: 'broken' }, spec: { kind: 42 } },
      ],
      {
        namespace: 'shop',
        workload: { kind: 'Deployment', name: 'web' },
        owners: [{ kind: 'ReplicaSet', name: 'web-1' }],
        pods: ['web-1-abc'],
      },
    );
    expect(findings.map((f) => `${f.kind}/${f.name}: ${f.errors.join()}`)).toEqual([
      'Pod/web-1-abc: pod error',
      'ReplicaSet/web-1: rs error',
      'Service/web: no endpoints',
    ]);
  });
});
