// Real objects copied from other projects (fixtures/kubernetes, see SOURCES.md), written into a
// temporary `kubectl cluster-info dump` folder and read back through the whole evidence path.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/core/k8s.js';
import { eventTimestamp } from '../../src/evidence/evidence-shapes.js';
import { gatherEvidence } from '../../src/evidence/gather-evidence.js';
import { openSnapshotReader } from '../../src/evidence/snapshot-reader.js';
import { groupIncidents, type IncidentDraft } from '../../src/intake/incidents.js';
import { KUBERNETES_FIXTURES_DIR } from '../intake/shared-fixtures.js';
import { loadObjects, logBlock, type SnapshotSpec, tempDir, writeSnapshot } from './helpers/temp-snapshot.js';

const fixture = (file: string, kind?: string) => loadObjects(join(KUBERNETES_FIXTURES_DIR, file), kind);
const temp = tempDir();
afterAll(temp.cleanup);

function draft(labels: Record<string, string>): IncidentDraft {
  const [first] = groupIncidents({
    status: 'firing',
    alerts: [{ labels: { severity: 'warning', ...labels }, startsAt: '2025-01-01T00:00:00Z' }],
  });
  if (!first) throw new Error('no incident');
  return first;
}

async function gatherIn(
  name: string,
  objects: KubeObject[],
  alert: Record<string, string>,
  logs: SnapshotSpec['logs'] = [],
) {
  const dir = join(temp.dir, name);
  writeSnapshot(dir, { objects, logs });
  return gatherEvidence(await openSnapshotReader(dir), draft(alert));
}

function deployment(name: string, namespace: string, labels: Record<string, string>): KubeObject {
  return {
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [] } } },
  };
}

describe('OOMKilled pod that restarted (is-healthy)', () => {
  const objects = fixture('is-healthy.pod-oomkilled-laststate.yaml');
  const alert = {
    alertname: 'KubePodCrashLooping',
    namespace: 'mission-control',
    pod: 'config-db-5867b6596f-gs79g',
  };

  it('keeps lastState.terminated OOMKilled and the limits intact', async () => {
    const { evidence } = await gatherIn('oom', objects, alert);

    const status = evidence.pods[0]?.status?.containerStatuses?.[0];
    expect(status?.state?.running).toBeDefined();
    expect(status?.lastState?.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect(evidence.pods[0]?.spec?.containers[0]?.resources?.limits?.memory).toBe('4Gi');
    // A secretKeyRef is a reference, not a secret: it stays readable.
    expect(evidence.pods[0]?.spec?.containers[0]?.env?.[0]).toEqual({
      name: 'DB_URL',
      valueFrom: { secretKeyRef: { key: 'DB_URL', name: 'incident-commander-postgres' } },
    });
  });

  it('without its ReplicaSet or Deployment: no workload, and a note', async () => {
    const { incident, evidence } = await gatherIn('oom-alone', objects, alert);

    expect(incident.workload).toBeUndefined();
    expect(evidence.notes).toContain('ReplicaSet mission-control/config-db-5867b6596f: not found');
  });

  it('with its Deployment: resolved from the ReplicaSet name, and said so', async () => {
    const labels = { 'control-plane': 'config-db' };
    const { incident, evidence } = await gatherIn(
      'oom-deploy',
      [...objects, deployment('config-db', 'mission-control', labels)],
      alert,
    );

    expect(incident.workload).toEqual({ kind: 'Deployment', name: 'config-db' });
    expect(evidence.pods.map((p) => p.metadata?.name)).toEqual(['config-db-5867b6596f-gs79g']);
    expect(evidence.notes.some((n) => n.includes('(from the ReplicaSet name)'))).toBe(true);
  });
});

describe('init container in CrashLoopBackOff (insights-operator, no apiVersion/kind)', () => {
  const objects = fixture('insights-operator.pod-init-crashloopbackoff.json', 'Pod');
  const ns = 'di-288312';
  const pod = 'vsystem-867f4b77cc-pqcns';
  const waiting = (c: string) => [
    `Request log error: container "${c}" in pod "${pod}" is waiting to start: PodInitializing`,
  ];
  const current = [
    logBlock(ns, pod, 'vsystem-hana-init', [
      'connecting to hana',
      'could not connect to hana: connection to db cannot be established',
    ]),
    logBlock(ns, pod, 'vsystem', waiting('vsystem')),
    logBlock(ns, pod, 'auth', waiting('auth')),
  ].join('');
  const previous = logBlock(ns, pod, 'vsystem-hana-init', ['connecting to hana', 'connect timeout expired']);

  it('reads the failing init container, current and previous', async () => {
    const { evidence } = await gatherIn(
      'init',
      objects,
      { alertname: 'KubePodNotReady', namespace: ns, pod },
      [
        { namespace: ns, pod, text: current },
        { namespace: ns, pod, text: previous, previous: true },
      ],
    );

    expect(evidence.logs.map((l) => [l.container, l.previous, l.lines.at(-1)])).toEqual([
      ['vsystem-hana-init', false, 'could not connect to hana: connection to db cannot be established'],
      ['vsystem-hana-init', true, 'connect timeout expired'],
    ]);
    expect(evidence.pods[0]?.status?.initContainerStatuses?.[0]?.state?.waiting?.reason).toBe(
      'CrashLoopBackOff',
    );
    expect(
      evidence.pods[0]?.status?.containerStatuses?.every(
        (s) => s.state?.waiting?.reason === 'PodInitializing',
      ),
    ).toBe(true);
  });

  it('reads a waiting main container as a request error when the alert names it', async () => {
    const { evidence } = await gatherIn(
      'init-main',
      objects,
      { alertname: 'KubeContainerWaiting', namespace: ns, pod, container: 'vsystem' },
      [{ namespace: ns, pod, text: current }],
    );

    expect(evidence.logs[0]).toMatchObject({ container: 'vsystem', lines: [] });
    expect(evidence.logs[0]?.requestError).toContain('PodInitializing');
  });
});

describe('recorded rollout (kspan multi-document YAML)', () => {
  const objects = fixture('kspan.deployment-rollout-recording.yaml');

  it('resolves Pod → ReplicaSet → Deployment and builds the ReplicaSet history', async () => {
    const { incident, evidence } = await gatherIn('kspan', objects, {
      alertname: 'KubePodNotReady',
      namespace: 'default',
      pod: 'px-5d567cc74c-ss4lb',
    });

    expect(incident.workload).toEqual({ kind: 'Deployment', name: 'px' });
    expect(evidence.revisions.map((r) => [r.revision, r.name, r.images.podinfo, r.current])).toEqual([
      [3, 'px-5d567cc74c', 'ghcr.io/stefanprodan/podinfo:5.0.0', true],
      [2, 'px-7df978b9bf', 'ghcr.io/stefanprodan/podinfo:5.1.3', false],
    ]);
    expect(evidence.pods).toHaveLength(4);
    const reasons = new Set(evidence.events.map((e) => e.reason));
    for (const reason of [
      'ScalingReplicaSet',
      'SuccessfulCreate',
      'Scheduled',
      'Pulled',
      'Started',
      'Killing',
      'SuccessfulDelete',
    ]) {
      expect(reasons).toContain(reason);
    }
    const times = evidence.events.map(eventTimestamp);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('ImagePullBackOff pod owned through extensions/v1beta1 (gitops-engine)', () => {
  const objects = fixture('gitops-engine.pod-imagepullbackoff.yaml');
  const alert = {
    alertname: 'KubeContainerWaiting',
    namespace: 'default',
    pod: 'guestbook-ui-errimagepullbackoff-66cfffb669-45w2j',
    container: 'errimagepullbackoff',
  };

  it('follows the owner kind whatever its apiVersion', async () => {
    const labels = { app: 'guestbook-ui' };
    const rs: KubeObject = {
      kind: 'ReplicaSet',
      metadata: {
        name: 'guestbook-ui-errimagepullbackoff-66cfffb669',
        namespace: 'default',
        ownerReferences: [
          {
            apiVersion: 'extensions/v1beta1',
            kind: 'Deployment',
            name: 'guestbook-ui-errimagepullbackoff',
            controller: true,
          },
        ],
      },
    };
    const all = [...objects, rs, deployment('guestbook-ui-errimagepullbackoff', 'default', labels)];

    const { incident, evidence } = await gatherIn('pull', all, alert);

    expect(incident.workload).toEqual({ kind: 'Deployment', name: 'guestbook-ui-errimagepullbackoff' });
    expect(incident.container).toBe('errimagepullbackoff');
    expect(evidence.pods[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ImagePullBackOff');
    expect(evidence.notes.filter((n) => !n.startsWith('storageclasses'))).toEqual([
      'logs: none for default/guestbook-ui-errimagepullbackoff-66cfffb669-45w2j container errimagepullbackoff',
    ]);
  });
});

describe('a failed Deployment with its ReplicaSet (is-healthy) and an HPA without its target', () => {
  const objects = [
    ...fixture('is-healthy.deployment-replicafailure-failedcreate.yaml'),
    ...fixture('is-healthy.replicaset-failedcreate.yaml'),
    ...fixture('k9s.deployment.json').map((d) => ({
      ...d,
      metadata: { ...d.metadata, namespace: 'platform-system' },
    })),
    ...fixture('gitops-engine.hpa-v2-degraded.yaml').map((h) => ({
      ...h,
      metadata: { ...h.metadata, namespace: 'platform-system' },
    })),
  ];

  it('gives the revision, the sibling and no secrets from last-applied-configuration', async () => {
    const { evidence } = await gatherIn('karina', objects, {
      alertname: 'KubeDeploymentReplicasMismatch',
      namespace: 'platform-system',
      deployment: 'karina',
      pod: 'kube-state-metrics-7c6f4866fc-rclv2',
      container: 'kube-rbac-proxy-main',
    });

    expect(evidence.revisions).toEqual([
      expect.objectContaining({
        revision: 1,
        name: 'karina-c7585bd87',
        images: { 'karina-operator': 'docker.io/flanksource/karina:v0.51.1' },
        current: true,
      }),
    ]);
    expect(evidence.siblings).toEqual([
      { kind: 'Deployment', name: 'icx-db', images: { 'icx-db': 'postgres:9.2-alpine' } },
    ]);
    expect(evidence.workload?.object.metadata?.annotations).not.toHaveProperty(
      'kubectl.kubernetes.io/last-applied-configuration',
    );
  });

  it('notes an HPA whose scale target is missing', async () => {
    const { incident, evidence } = await gatherIn('hpa', objects, {
      alertname: 'KubeHpaMaxedOut',
      namespace: 'platform-system',
      horizontalpodautoscaler: 'sample',
    });

    expect(incident.workload).toEqual({ kind: 'Deployment', name: 'argocd-server' });
    expect(evidence.hpa?.metadata?.name).toBe('sample');
    expect(evidence.notes).toContain(
      'HorizontalPodAutoscaler platform-system/sample: scale target Deployment argocd-server not found',
    );
  });
});

describe('events of every age', () => {
  it('orders events by lastTimestamp, falling back to eventTime', async () => {
    const [event] = fixture('k9s.event.json');
    const pod: KubeObject = {
      kind: 'Pod',
      metadata: { name: 'hello-1567197780-mn4mv', namespace: 'default' },
    };
    const newer: KubeObject = {
      kind: 'Event',
      metadata: { name: 'hello.2', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'hello-1567197780-mn4mv' },
      reason: 'BackOff',
      lastTimestamp: null,
      eventTime: '2019-08-30T20:50:00.000000Z',
    };
    if (!event) throw new Error('fixture missing');

    const { evidence } = await gatherIn('events', [newer, event, pod], {
      alertname: 'KubePodCrashLooping',
      namespace: 'default',
      pod: 'hello-1567197780-mn4mv',
    });

    expect(evidence.events.map((e) => e.reason)).toEqual(['Pulled', 'BackOff']);
  });
});
