import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/core/k8s.js';
import type { TargetHint } from '../../src/core/types.js';
import { resolveWorkload } from '../../src/evidence/resolve-workload.js';
import { openSnapshotReader } from '../../src/evidence/snapshot-reader.js';
import { groupIncidents } from '../../src/intake/incidents.js';
import { parseAlertJson } from '../../src/intake/parse-alert.js';
import { scenarioAlertText, scenarioSnapshotDir } from '../intake/shared-fixtures.js';
import { tempDir, writeSnapshot } from './helpers/temp-snapshot.js';

async function resolveScenario(name: string) {
  const parsed = parseAlertJson(scenarioAlertText(name));
  if (!parsed.ok) throw new Error(parsed.error);
  const [draft] = groupIncidents(parsed.payload);
  if (!draft) throw new Error('no incident');
  return resolveWorkload(await openSnapshotReader(scenarioSnapshotDir(name)), draft);
}

describe('resolveWorkload over every scenario', () => {
  it.each<[string, string | undefined, string[]]>([
    [
      'config-orders-worker-configmap-typo',
      'Deployment/orders-worker',
      [
        'Pod orders/orders-worker-gtsbkv46tn-4xfgd',
        'ReplicaSet orders-worker-gtsbkv46tn',
        'Deployment orders-worker',
      ],
    ],
    [
      'cpu-throttling-pricing-api',
      'Deployment/pricing-api',
      [
        'Pod pricing/pricing-api-ztgsvj67nx-wlz99',
        'ReplicaSet pricing-api-ztgsvj67nx',
        'Deployment pricing-api',
      ],
    ],
    [
      'crashloop-checkout-bad-release',
      'Deployment/checkout',
      ['Pod shop/checkout-zg9t76xdc-sbl5w', 'ReplicaSet checkout-zg9t76xdc', 'Deployment checkout'],
    ],
    [
      'hpa-maxed-search-api',
      'Deployment/search-api',
      ['HorizontalPodAutoscaler search/search-api', 'Deployment search-api'],
    ],
    [
      'image-pull-storefront-tag-typo',
      'Deployment/storefront-web',
      [
        'Pod web/storefront-web-w5z2msxs6-h9fh5',
        'ReplicaSet storefront-web-w5z2msxs6',
        'Deployment storefront-web',
      ],
    ],
    ['node-notready-payments', undefined, ['Node ip-10-24-41-7.eu-west-1.compute.internal']],
    [
      'oom-invoice-renderer',
      'Deployment/invoice-renderer',
      [
        'Pod billing/invoice-renderer-w5js5kxrv-xk52j',
        'ReplicaSet invoice-renderer-w5js5kxrv',
        'Deployment invoice-renderer',
      ],
    ],
    [
      'probe-notifier-liveness-port',
      'Deployment/notifier',
      [
        'Pod notifications/notifier-5969q8vdnj-6vg7s',
        'ReplicaSet notifier-5969q8vdnj',
        'Deployment notifier',
      ],
    ],
  ])('%s → %s', async (name, expected, chain) => {
    const resolution = await resolveScenario(name);

    const workload = resolution.workload;
    expect(workload ? `${workload.kind}/${workload.name}` : undefined).toBe(expected);
    expect(resolution.chain).toEqual(chain);
    if (workload) expect(workload.object?.metadata?.name).toBe(workload.name);
    expect(resolution.notes).toEqual([]);
  });

  it('keeps the HPA it resolved through', async () => {
    const resolution = await resolveScenario('hpa-maxed-search-api');

    expect(resolution.hpa?.metadata?.name).toBe('search-api');
  });
});

describe('owner chains built in a temporary snapshot', () => {
  const temp = tempDir();
  afterAll(temp.cleanup);
  const ns = 'apps';
  const meta = (name: string, owner?: [string, string], extra: Record<string, unknown> = {}) => ({
    name,
    namespace: ns,
    ...(owner
      ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner[0], name: owner[1], controller: true }] }
      : {}),
    ...extra,
  });
  const podSpec = (claim?: string) => ({
    containers: [{ name: 'app', image: 'app:1' }],
    ...(claim ? { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] } : {}),
  });
  const objects: KubeObject[] = [
    {
      kind: 'Deployment',
      metadata: meta('web'),
      spec: { selector: { matchLabels: { app: 'web' } }, template: { spec: podSpec('uploads') } },
    },
    { kind: 'ReplicaSet', metadata: meta('web-5d567cc74c', ['Deployment', 'web']) },
    {
      kind: 'StatefulSet',
      metadata: meta('pg'),
      spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] },
    },
    { kind: 'Pod', metadata: meta('pg-0', ['StatefulSet', 'pg']) },
    { kind: 'DaemonSet', metadata: meta('agent') },
    { kind: 'Pod', metadata: meta('agent-x7k2p', ['DaemonSet', 'agent']) },
    { kind: 'CronJob', metadata: meta('backup') },
    { kind: 'Job', metadata: meta('backup-29160480', ['CronJob', 'backup']) },
    {
      kind: 'Pod',
      metadata: meta('backup-29160480-x7k2p', ['Job', 'backup-29160480']),
      spec: podSpec('backup-scratch'),
    },
    { kind: 'Job', metadata: meta('migrate') },
    { kind: 'Pod', metadata: meta('lonely') },
    { kind: 'Pod', metadata: meta('rollout-abc12', ['Rollout', 'rollout']) },
    {
      kind: 'HorizontalPodAutoscaler',
      metadata: meta('web-hpa'),
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' } },
    },
    { kind: 'PersistentVolumeClaim', metadata: meta('uploads') },
    { kind: 'PersistentVolumeClaim', metadata: meta('data-pg-3') },
  ];
  writeSnapshot(join(temp.dir, 'snap'), { objects });

  it.each<[string, TargetHint[], string | undefined, string[]]>([
    [
      'a pod gone, its ReplicaSet still there',
      [{ kind: 'Pod', name: 'web-5d567cc74c-zzzzz' }],
      'Deployment/web',
      [],
    ],
    [
      'a pod gone, only the Deployment left',
      [{ kind: 'Pod', name: 'web-7c9d8f6b5d-zzzzz' }],
      'Deployment/web',
      [],
    ],
    [
      'a pod gone and nothing of that name',
      [{ kind: 'Pod', name: 'ghost-7c9d8f6b5d-zzzzz' }],
      undefined,
      ['Pod apps/ghost-7c9d8f6b5d-zzzzz: not found, and no workload matches its name'],
    ],
    ['StatefulSet pod', [{ kind: 'Pod', name: 'pg-0' }], 'StatefulSet/pg', []],
    ['StatefulSet pod gone', [{ kind: 'Pod', name: 'pg-7' }], 'StatefulSet/pg', []],
    ['DaemonSet pod', [{ kind: 'Pod', name: 'agent-x7k2p' }], 'DaemonSet/agent', []],
    [
      'CronJob pod: Pod → Job → CronJob',
      [{ kind: 'Pod', name: 'backup-29160480-x7k2p' }],
      'CronJob/backup',
      [],
    ],
    ['job_name label of a CronJob run', [{ kind: 'Job', name: 'backup-29160480' }], 'CronJob/backup', []],
    ['plain Job', [{ kind: 'Job', name: 'migrate' }], 'Job/migrate', []],
    ['bare pod', [{ kind: 'Pod', name: 'lonely' }], undefined, []],
    [
      'pod of an unknown controller',
      [{ kind: 'Pod', name: 'rollout-abc12' }],
      undefined,
      ['Pod apps/rollout-abc12: owned by Rollout rollout, which is not a workload kind AEGIS patches'],
    ],
    ['HPA → scaleTargetRef', [{ kind: 'HorizontalPodAutoscaler', name: 'web-hpa' }], 'Deployment/web', []],
    [
      'missing HPA',
      [{ kind: 'HorizontalPodAutoscaler', name: 'nope' }],
      undefined,
      ['HorizontalPodAutoscaler apps/nope: not found'],
    ],
    [
      'PVC mounted by a pod',
      [{ kind: 'PersistentVolumeClaim', name: 'backup-scratch' }],
      'CronJob/backup',
      [],
    ],
    ['PVC in a pod template', [{ kind: 'PersistentVolumeClaim', name: 'uploads' }], 'Deployment/web', []],
    [
      'PVC of a volumeClaimTemplate',
      [{ kind: 'PersistentVolumeClaim', name: 'data-pg-3' }],
      'StatefulSet/pg',
      [],
    ],
    [
      'deployment label of an object not in the evidence',
      [{ kind: 'Deployment', name: 'nginx' }],
      'Deployment/nginx',
      ['Deployment apps/nginx: not found'],
    ],
    ['node target', [{ kind: 'Node', name: 'n1' }], undefined, []],
    [
      'first target that resolves wins',
      [
        { kind: 'Pod', name: 'ghost-abcde' },
        { kind: 'Node', name: 'n1' },
      ],
      undefined,
      ['Pod apps/ghost-abcde: not found, and no workload matches its name'],
    ],
  ])('%s', async (_name, targets, expected, notes) => {
    const reader = await openSnapshotReader(join(temp.dir, 'snap'));

    const resolution = await resolveWorkload(reader, { namespace: ns, targets });

    const workload = resolution.workload;
    expect(workload ? `${workload.kind}/${workload.name}` : undefined).toBe(expected);
    expect(resolution.notes.filter((n) => !n.includes('not recorded'))).toEqual(notes);
  });

  it('reports kinds it could not read instead of failing', async () => {
    const reader = await openSnapshotReader(join(temp.dir, 'snap'));

    const resolution = await resolveWorkload(reader, {
      namespace: 'elsewhere',
      targets: [{ kind: 'Pod', name: 'web-5d567cc74c-zzzzz' }],
    });

    expect(resolution.workload).toBeUndefined();
    expect(resolution.notes).toContain('pods: namespace elsewhere is not in the snapshot');
  });
});
