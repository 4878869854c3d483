// What podman observed → the cluster snapshot the bot reads. The fixture is real podman 4.3
// output: the demo app OOM-killed once at 128Mi and restarted. The snapshot must carry podman's
// values (restarts, exit code, times, limit), read back through the real snapshot reader, and lead
// the real pipeline to the OOM fix of the demo repository.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Deployment, Pod, Service } from '../../src/core/k8s.js';
import { buildClusterSnapshot, writeClusterSnapshot } from '../../src/demo/cluster-snapshot.js';
import { demoFiles } from '../../src/demo/gitops-repo.js';
import { buildOomAlert } from '../../src/demo/oom-alert.js';
import { observeContainer, type PodmanInspect } from '../../src/demo/podman-observed.js';
import { openSnapshotReader } from '../../src/evidence/snapshot-reader.js';
import { groupIncidents } from '../../src/intake/incidents.js';
import { parseAlertJson } from '../../src/intake/parse-alert.js';
import { diagnoseIncident } from '../../src/pipeline/diagnose.js';
import type { PodmanEvent } from '../../src/sandbox/podman/oom-events.js';
import { PROJECT_ROOT } from '../helpers/paths.js';

interface Fixture {
  inspect: PodmanInspect;
  events: PodmanEvent[];
}

const fixture = JSON.parse(
  readFileSync(path.join(PROJECT_ROOT, 'test/demo/fixtures/podman-oom-restarted.json'), 'utf8'),
) as Fixture;
const ID = fixture.inspect.Id;
const DIED = '2026-12-07T02:59:50.210132958Z';
const FIRST_START = '2026-12-07T02:59:41.644086554Z';
const SECOND_START = '2026-12-07T02:59:50.391690895Z';

function deployment(limit = '128Mi'): Deployment {
  const doc = parse(readFileSync(path.join(PROJECT_ROOT, 'examples/demo-app/k8s/deployment.yaml'), 'utf8'));
  doc.metadata.namespace = 'demo';
  doc.spec.template.spec.containers[0].resources.limits.memory = limit;
  return doc as Deployment;
}
const service = parse(
  readFileSync(path.join(PROJECT_ROOT, 'examples/demo-app/k8s/service.yaml'), 'utf8'),
) as Service;
const node = { name: 'demo-host', memoryBytes: 24 * 2 ** 30, cpus: 2, runtime: 'podman' };

let work: string | undefined;
afterEach(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  work = undefined;
});

describe('observeContainer (podman inspect + events → Kubernetes container facts)', () => {
  it('reads the OOM kill, the restart and both lives from real podman output', () => {
    const observed = observeContainer('app', fixture.inspect, fixture.events);

    expect(observed).toMatchObject({
      name: 'app',
      containerId: ID,
      image: 'localhost/aegis-demo-app:dev',
      restartCount: 1,
      running: true,
      startedAt: SECOND_START,
      memoryLimitBytes: 128 * 2 ** 20,
      oomKills: 1,
    });
    expect(observed.terminations).toEqual([
      { exitCode: 137, reason: 'OOMKilled', startedAt: FIRST_START, finishedAt: DIED },
    ]);
  });

  it.each<[string, (f: Fixture) => Fixture, string]>([
    [
      'a SIGKILL that podman was asked for (kill) is an Error, not an OOM kill',
      (f) => ({
        ...f,
        events: f.events.flatMap((e) => (e.Status === 'died' ? [{ ...e, Status: 'kill' }, e] : [e])),
      }),
      'Error',
    ],
    [
      'exit 137 without a memory limit is not blamed on a limit',
      (f) => ({ ...f, inspect: { ...f.inspect, HostConfig: { Memory: 0 } } }),
      'Error',
    ],
    [
      'a crash (exit 1) is an Error',
      (f) => ({
        ...f,
        events: f.events.map((e) => (e.Status === 'died' ? { ...e, ContainerExitCode: 1 } : e)),
      }),
      'Error',
    ],
  ])('%s', (_case, change, reason) => {
    const { inspect, events } = change(structuredClone(fixture));
    const observed = observeContainer('app', inspect, events);
    expect(observed.terminations.map((t) => t.reason)).toEqual([reason]);
    expect(observed.oomKills).toBe(0);
  });

  it('ignores events of other containers', () => {
    const other = fixture.events.map((e) => ({ ...e, ID: 'f'.repeat(64) }));
    const observed = observeContainer('app', fixture.inspect, other);
    expect(observed.terminations).toEqual([]);
  });
});

describe('buildClusterSnapshot', () => {
  const observed = () => observeContainer('app', fixture.inspect, fixture.events);
  const build = (overrides: Partial<Parameters<typeof buildClusterSnapshot>[0]> = {}) =>
    buildClusterSnapshot({
      namespace: 'demo',
      deployment: deployment(),
      services: [service],
      containers: [observed()],
      events: fixture.events,
      logs: { app: 'demo-app: listening on :8080 (leak 3 MB/request, slow start 0s)\n' },
      node,
      ...overrides,
    });

  it('writes a snapshot the snapshot reader reads, with podman values in the pod status', async () => {
    work = mkdtempSync(path.join(tmpdir(), 'aegis-demo-snapshot-'));
    const snapshot = build();
    await writeClusterSnapshot(work, snapshot);
    const reader = await openSnapshotReader(work);

    const [pod] = (await reader.list('pods', 'demo')) as Pod[];
    expect(pod?.metadata?.name).toBe(snapshot.podName);
    expect(snapshot.podName).toMatch(
      /^demo-app-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
    );
    expect(pod?.status?.containerStatuses?.[0]).toMatchObject({
      name: 'app',
      restartCount: 1,
      ready: true,
      state: { running: { startedAt: '2026-12-07T02:59:50Z' } },
      lastState: {
        terminated: {
          exitCode: 137,
          reason: 'OOMKilled',
          startedAt: '2026-12-07T02:59:41Z',
          finishedAt: '2026-12-07T02:59:50Z',
          containerID: `podman://${ID}`,
        },
      },
    });
    expect(pod?.spec?.containers[0]?.resources?.limits?.memory).toBe('128Mi');

    // Owner chain Pod → ReplicaSet → Deployment, as the evidence gatherer follows it.
    const [rs] = await reader.list('replicasets', 'demo');
    const [dep] = await reader.list('deployments', 'demo');
    expect(pod?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'ReplicaSet',
      name: rs?.metadata?.name,
    });
    expect(rs?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'demo-app' });
    expect(rs?.metadata?.ownerReferences?.[0]?.uid).toBe(dep?.metadata?.uid);
    expect(dep?.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');

    const events = await reader.list('events', 'demo');
    expect(events.map((e) => [e.reason, e.count])).toEqual([
      ['Pulled', 2],
      ['Created', 2],
      ['Started', 2],
    ]);
    const [host] = await reader.list('nodes');
    expect(host?.metadata?.name).toBe('demo-host');
    const logs = await reader.logs('demo', snapshot.podName, 'app', { previous: false, tailLines: 50 });
    expect(logs).toContain('leak 3 MB/request');
  });

  it('shows a container that is down as terminated, with the life before as its last state', () => {
    const [first] = observed().terminations;
    const down = {
      ...observed(),
      running: false,
      restartCount: 2,
      terminations: [first!, { ...first!, startedAt: SECOND_START, finishedAt: '2026-12-07T03:00:00Z' }],
    };
    const pod = (build({ containers: [down] }).files.get('demo/pods.json') as { items: Pod[] }).items[0];
    const status = pod?.status?.containerStatuses?.[0];
    expect(status?.state?.terminated).toMatchObject({
      reason: 'OOMKilled',
      finishedAt: '2026-12-07T03:00:00Z',
    });
    expect(status?.lastState?.terminated).toMatchObject({ finishedAt: '2026-12-07T02:59:50Z' });
    expect(status).toMatchObject({ ready: false, restartCount: 2 });
    expect(pod?.status?.phase).toBe('Failed');
  });

  it('leads the real pipeline from the alert to the OOM fix of the demo repository', async () => {
    work = mkdtempSync(path.join(tmpdir(), 'aegis-demo-pipeline-'));
    const snapshotDir = path.join(work, 'snapshot');
    const repo = path.join(work, 'repo');
    const snapshot = build();
    await writeClusterSnapshot(snapshotDir, snapshot);
    for (const [file, text] of Object.entries(await demoFiles())) {
      await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
      writeFileSync(path.join(repo, file), text);
    }
    const alert = buildOomAlert({
      namespace: 'demo',
      deployment: 'demo-app',
      pod: snapshot.podName,
      container: 'app',
      restarts: 1,
      killedAt: DIED,
    });
    const parsed = parseAlertJson(JSON.stringify(alert));
    if (!parsed.ok) throw new Error(parsed.error);
    const [draft] = groupIncidents(parsed.payload);

    const result = await diagnoseIncident(draft!, {
      reader: await openSnapshotReader(snapshotDir),
      repoRoot: repo,
      render: false,
    });

    expect(result.incident).toMatchObject({
      namespace: 'demo',
      workload: { kind: 'Deployment', name: 'demo-app' },
    });
    expect(result.diagnosis).toMatchObject({ category: 'oom-killed', source: 'rules' });
    expect(result.diagnosis.evidenceRefs.join('\n')).toContain(
      `pod ${snapshot.podName} container app: terminated OOMKilled (exit 137) at 2026-12-07T02:59:50Z`,
    );
    expect(result.remediation.action).toBe('patch');
    expect(result.remediation.changes).toEqual([
      expect.objectContaining({ file: 'apps/demo/deployment.yaml', from: '128Mi', to: '256Mi' }),
    ]);
  });
});

describe('buildOomAlert', () => {
  it('is an Alertmanager v4 payload naming the workload, starting at the kill', () => {
    const alert = buildOomAlert({
      namespace: 'demo',
      deployment: 'demo-app',
      pod: 'demo-app-abcdfghjkl-bcdfg',
      container: 'app',
      restarts: 3,
      killedAt: DIED,
    });
    const parsed = parseAlertJson(JSON.stringify(alert));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const [draft] = groupIncidents(parsed.payload);
    expect(draft).toMatchObject({ alertname: 'KubeContainerOOMKilled', namespace: 'demo', status: 'firing' });
    expect(alert.alerts[0]?.startsAt).toBe(DIED);
    expect(alert.alerts[0]?.labels).toMatchObject({ pod: 'demo-app-abcdfghjkl-bcdfg', container: 'app' });
    expect(alert.alerts[0]?.annotations.description).toContain('restarted 3 times');
  });
});
