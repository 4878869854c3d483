// The vcluster backend end to end against the fake `vcluster` executable and the in-memory API
// server: the exact command lines, server-side apply through client-node (content type, field
// manager, labels), rollout waits, port-forwarded endpoints, pod observation, and `vcluster delete`
// on every failure path.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { createVclusterCli } from '../../src/sandbox/vcluster/vcluster-cli.js';
import {
  createVclusterBackend,
  type VclusterBackendOptions,
} from '../../src/sandbox/vcluster/vcluster-sandbox.js';
import { type FakeScript, type FakeVcluster, installFakeVcluster } from '../support/fake-vcluster.js';
import { type SandboxApiServer, startSandboxApiServer } from '../support/sandbox-api-server.js';

const RUN = 'c0ffee01';
const NAME = `aegis-${RUN}-candidate`;
const NAMESPACE = `vcluster-${NAME}`;
const CREATED_AT = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const HOST_KUBECONFIG = '/etc/aegis/host-kubeconfig';

const MANIFESTS = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: demo:head
          ports: [{name: http, containerPort: 8080}]
          resources: {limits: {memory: 128Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: jobs}
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec: {containers: [{name: worker, image: demo:head}]}
`;

function webPod(overrides: { restartCount?: number; lastReason?: string } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-7d4b9-abcde',
      namespace: 'default',
      labels: { app: 'web', 'aegis.sandbox': NAME, 'aegis.workload': 'web' },
    },
    spec: {
      containers: [
        {
          name: 'app',
          ports: [{ name: 'http', containerPort: 8080 }],
          resources: { limits: { memory: '128Mi' } },
        },
      ],
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        {
          name: 'app',
          ready: true,
          restartCount: overrides.restartCount ?? 0,
          state: { running: { startedAt: '2026-01-01T00:01:00Z' } },
          ...(overrides.lastReason
            ? { lastState: { terminated: { reason: overrides.lastReason, exitCode: 137 } } }
            : {}),
        },
      ],
    },
  };
}

describe('vcluster sandbox backend', () => {
  let fake: FakeVcluster;
  let api: SandboxApiServer;
  let dir: string;
  let kubeconfig: string;
  let clockStart: number;

  beforeEach(async () => {
    clockStart = Date.now();
    fake = installFakeVcluster();
    api = await startSandboxApiServer();
    dir = mkdtempSync(path.join(tmpdir(), 'aegis-vcluster-test-'));
    kubeconfig = api.writeKubeconfig(path.join(dir, 'virtual.yaml'));
    fake.script(script());
  });
  afterEach(async () => {
    await api.close();
    fake.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A healthy CLI: connect prints the test server's kubeconfig and stays up as a port-forward. */
  function script(overrides: FakeScript = {}): FakeScript {
    return { connect: { stdoutFile: kubeconfig, stayAlive: true }, ...overrides };
  }

  function backend(options: Partial<VclusterBackendOptions> = {}) {
    const exec = createVclusterCli({ env: fake.env, kubeconfig: HOST_KUBECONFIG });
    return createVclusterBackend({
      driver: 'helm',
      version: '0.21.1',
      timeoutMs: 5000,
      exec,
      // Starts at CREATED_AT (the label is read first thing) and runs on, so waits can time out.
      now: () => CREATED_AT + (Date.now() - clockStart),
      pollMs: 20,
      ...options,
    });
  }

  const argvs = () => fake.calls().map((call) => call.argv);
  const scope = ['--namespace', NAMESPACE, '--driver', 'helm'];
  const createLine = [
    'create',
    NAME,
    ...scope,
    '--connect=false',
    '--chart-version',
    '0.21.1',
    '--set',
    `controlPlane.statefulSet.labels.aegis\\.sandbox=${NAME}`,
    '--set',
    `controlPlane.statefulSet.labels.aegis\\.run=${RUN}`,
    '--set',
    `controlPlane.statefulSet.labels.aegis\\.created=${CREATED_AT / 1000}`,
  ];
  const connectLine = ['connect', NAME, ...scope, '--print'];
  const deleteLine = ['delete', NAME, ...scope, '--ignore-not-found'];

  it('creates, applies server-side, waits, forwards, observes and deletes with these exact commands', async () => {
    const sandbox = await backend().create({ role: 'candidate', runId: RUN });
    expect(sandbox.name).toBe(NAME);
    expect(argvs()).toEqual([createLine, connectLine]);
    expect(fake.calls().every((call) => call.kubeconfig === HOST_KUBECONFIG)).toBe(true);

    const applied = await sandbox.apply(MANIFESTS);
    expect(applied).toEqual({ workloads: ['web', 'worker'], services: ['web'], skipped: [], notes: [] });

    // Server-side apply through client-node: the namespace the manifests need first, then in order.
    const applies = api.applies();
    expect(applies.map((r) => r.path)).toEqual([
      '/api/v1/namespaces/jobs',
      '/apis/apps/v1/namespaces/default/deployments/web',
      '/api/v1/namespaces/default/services/web',
      '/apis/apps/v1/namespaces/jobs/deployments/worker',
    ]);
    for (const request of applies) {
      expect(request.contentType).toBe('application/apply-patch+yaml');
      expect(request.query).toMatchObject({ fieldManager: 'aegis', force: 'true' });
    }
    const labels = { 'aegis.sandbox': NAME, 'aegis.run': RUN, 'aegis.created': String(CREATED_AT / 1000) };
    expect(applies[1]?.body).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels },
      spec: { template: { metadata: { labels: { app: 'web', ...labels, 'aegis.workload': 'web' } } } },
    });

    // Nothing rolled out yet: a short wait times out and says what it waits for.
    const early = await sandbox.waitReady(1000);
    expect(early.status).toBe('timed_out');
    expect(early.status === 'timed_out' && early.waitingFor).toEqual([
      'Deployment/web (spec update not yet observed by the controller)',
      'Deployment/worker (spec update not yet observed by the controller)',
    ]);
    api.rollOut('default', 'web');
    api.rollOut('jobs', 'worker');
    expect((await sandbox.waitReady(5000)).status).toBe('ready');
    expect(
      api.requests.some((r) => r.path === '/apis/apps/v1/namespaces/default/deployments/web/status'),
    ).toBe(true);

    // endpoint(): loopback → port-forward (websocket) → the pod's named port 8080.
    const app = http.createServer((_req, res) => res.end('hello from web'));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    try {
      api.putPod(webPod({ restartCount: 2, lastReason: 'OOMKilled' }));
      api.routePodPort('default', 'web-7d4b9-abcde', 8080, (app.address() as AddressInfo).port);
      const url = sandbox.endpoint('web');
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sandbox.endpoint('web', 80)).toBe(url);
      expect(sandbox.endpoint('web', 'http')).toBe(url);
      const response = await fetch(`${url}/`, { headers: { connection: 'close' } });
      expect(await response.text()).toBe('hello from web');
      expect(api.requests.find((r) => r.method === 'UPGRADE')?.path).toBe(
        '/api/v1/namespaces/default/pods/web-7d4b9-abcde/portforward',
      );
      expect(() => sandbox.endpoint('web', 9999)).toThrow(`sandbox ${NAME}: Service web has no port 9999`);
      expect(() => sandbox.endpoint('db')).toThrow(UserError);
    } finally {
      app.closeAllConnections();
      app.close();
    }

    // observe(): pod statuses; no metrics API → no memory figure.
    const observed = await sandbox.observe();
    expect(observed.containers).toEqual([
      {
        workload: 'web',
        container: 'app',
        restarts: 2,
        oomKills: 1,
        running: true,
        ready: true,
        memoryLimitBytes: 128 * 2 ** 20,
      },
    ]);
    expect(observed.totals).toEqual({ restarts: 2, oomKills: 1, ready: true, memoryBytes: 0 });
    api.setPodMetrics('default', [
      {
        metadata: { name: 'web-7d4b9-abcde' },
        containers: [{ name: 'app', usage: { cpu: '5m', memory: '64Mi' } }],
      },
    ]);
    expect((await sandbox.observe()).containers[0]?.memoryBytes).toBe(64 * 2 ** 20);

    // The pod watch counts every OOM kill as it happens; a status shows only the last one.
    expect(
      api.requests.some((r) => r.path === '/api/v1/namespaces/default/pods' && r.query.watch === 'true'),
    ).toBe(true);
    for (const [containerID, finishedAt, restartCount] of [
      ['containerd://first', '2026-01-01T00:02:00Z', 3],
      ['containerd://second', '2026-01-01T00:03:00Z', 4],
    ] as const) {
      const pod = webPod({ restartCount, lastReason: 'OOMKilled' });
      const status = pod.status.containerStatuses[0] as {
        lastState?: { terminated: Record<string, unknown> };
      };
      Object.assign(status.lastState?.terminated ?? {}, { containerID, finishedAt });
      api.putPod(pod);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const watched = await sandbox.observe();
    expect(watched.containers[0]).toMatchObject({ restarts: 4, oomKills: 3 });

    await sandbox.destroy();
    expect(argvs()).toEqual([createLine, connectLine, deleteLine]);
    expect(fake.terminated()).toEqual(['connect']);
    await sandbox.destroy();
    expect(argvs()).toHaveLength(3);
  });

  it.each([
    {
      path: 'create fails',
      script: { create: { exit: 1, stderr: 'fatal  there is already a virtual cluster in namespace x\n' } },
      error: `vcluster create ${NAME}: there is already a virtual cluster in namespace x`,
      calls: ['create', 'delete'],
    },
    {
      path: 'create hangs',
      script: { create: { hangMs: 30_000 } },
      error: `vcluster create ${NAME}: no answer within 600 ms; killed`,
      calls: ['create', 'delete'],
    },
    {
      path: 'connect fails',
      script: { connect: { exit: 1, stderr: "fatal  couldn't find vcluster\n" } },
      error: `vcluster connect ${NAME}: couldn't find vcluster`,
      calls: ['create', 'connect', 'delete'],
    },
    {
      path: 'connect hangs before printing',
      script: { connect: { hangMs: 30_000 } },
      error: `vcluster connect ${NAME}: no answer within 600 ms; killed`,
      calls: ['create', 'connect', 'delete'],
    },
    {
      path: 'connect prints no kubeconfig',
      script: { connect: { stdout: 'not: [a kubeconfig\n' } },
      error: `vcluster connect ${NAME}: exited without printing what was asked for`,
      calls: ['create', 'connect', 'delete'],
    },
  ])('deletes the cluster when $path', async ({ script: failing, error, calls }) => {
    fake.script(script(failing));
    await expect(backend({ timeoutMs: 600 }).create({ role: 'candidate', runId: RUN })).rejects.toThrow(
      error,
    );
    expect(argvs().map((argv) => argv[0])).toEqual(calls);
    expect(argvs().at(-1)).toEqual(deleteLine);
  });

  it('keeps the first error and notes a failed delete too', async () => {
    fake.script(
      script({
        create: { exit: 1, stderr: 'fatal  quota exceeded\n' },
        delete: { exit: 1, stderr: 'fatal  forbidden\n' },
      }),
    );
    await expect(backend().create({ role: 'candidate', runId: RUN })).rejects.toThrow(
      `vcluster create ${NAME}: quota exceeded; deleting ${NAME} failed too (vcluster delete ${NAME}: forbidden), the janitor will remove it`,
    );
  });

  it('deletes after a refused apply: one line naming the object and the reason', async () => {
    const sandbox = await backend().create({ role: 'candidate', runId: RUN });
    api.refuseApply(
      'Deployment/web',
      422,
      'Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value',
    );

    const error = await sandbox.apply(MANIFESTS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      `sandbox ${NAME}: server-side apply of Deployment/web was refused (422): Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value`,
    );
    await sandbox.destroy();
    expect(argvs()).toEqual([createLine, connectLine, deleteLine]);
    expect(fake.terminated()).toEqual(['connect']);
  });

  it('says which kind the virtual cluster does not serve', async () => {
    const sandbox = await backend().create({ role: 'candidate', runId: RUN });
    await expect(
      sandbox.apply([
        { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'web' } },
      ]),
    ).rejects.toThrow(
      `sandbox ${NAME}: the virtual cluster does not serve monitoring.coreos.com/v1 ServiceMonitor`,
    );
    await sandbox.destroy();
  });

  it('reports a rollout that never finishes as timed_out, then deletes', async () => {
    const sandbox = await backend().create({ role: 'candidate', runId: RUN });
    await sandbox.apply(MANIFESTS);
    api.rollOut('jobs', 'worker');

    const outcome = await sandbox.waitReady(1000);

    expect(outcome).toMatchObject({
      status: 'timed_out',
      waitingFor: ['Deployment/web (spec update not yet observed by the controller)'],
    });
    expect(outcome.elapsedMs).toBeLessThan(3000);
    await sandbox.destroy();
    expect(argvs().at(-1)).toEqual(deleteLine);
  });

  it('keeps its hard timeout when the API server stops answering', async () => {
    const sandbox = await backend().create({ role: 'candidate', runId: RUN });
    await sandbox.apply(MANIFESTS);
    api.hang('/apis/apps/v1/');
    const started = Date.now();

    const outcome = await sandbox.waitReady(500);

    expect(Date.now() - started).toBeLessThan(3000);
    expect(outcome).toMatchObject({
      status: 'timed_out',
      waitingFor: ['the virtual cluster API did not answer in time'],
    });
    await sandbox.destroy();
    expect(argvs().at(-1)).toEqual(deleteLine);
  });

  it('runs the docker driver without a host namespace or chart labels', async () => {
    const sandbox = await backend({ driver: 'docker', version: '0.31.0' }).create({
      role: 'control',
      runId: RUN,
    });
    await sandbox.destroy();
    const name = `aegis-${RUN}-control`;
    expect(argvs()).toEqual([
      ['create', name, '--driver', 'docker', '--connect=false', '--chart-version', '0.31.0'],
      ['connect', name, '--driver', 'docker', '--print'],
      ['delete', name, '--driver', 'docker', '--ignore-not-found'],
    ]);
  });
});
