// The live reader against a real HTTP API server (test/support/kube-api-server.ts) serving each
// scenario snapshot: the same objects and logs as the snapshot reader, selectors sent to the
// server, partial evidence on 403/404, kubectl's log errors, timeouts and unreachable servers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { EvidenceUnavailable, LIST_KINDS, type ListKind } from '../../src/evidence/cluster-reader.js';
import { ClusterRequestError, readOnlyTransport } from '../../src/evidence/live-http.js';
import { createLiveReader, type LiveReader } from '../../src/evidence/live-reader.js';
import { openSnapshotReader } from '../../src/evidence/snapshot-reader.js';
import { scenarioNames, scenarioSnapshotDir } from '../intake/shared-fixtures.js';
import { type KubeApiServer, startKubeApiServer, writeKubeconfig } from '../support/kube-api-server.js';

const work = mkdtempSync(join(tmpdir(), 'aegis-live-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function outcome<T>(promise: Promise<T>): Promise<T | { unavailable: string }> {
  return promise.catch((error: unknown) => {
    if (error instanceof EvidenceUnavailable) return { unavailable: error.kind };
    throw error;
  });
}

async function serve(name: string, options: { token?: string; timeoutMs?: number } = {}) {
  const server = await startKubeApiServer(
    scenarioSnapshotDir(name),
    options.token ? { token: options.token } : {},
  );
  const kubeconfig = server.writeKubeconfig(
    join(mkdtempSync(join(work, 'kc-')), 'config'),
    options.token ? { token: options.token } : {},
  );
  const reader = await createLiveReader({
    kubeconfigPath: kubeconfig,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  return { server, reader, kubeconfig };
}

describe.each(scenarioNames())('%s: live reader = snapshot reader', (name) => {
  let server: KubeApiServer;
  let reader: LiveReader;
  beforeAll(async () => {
    ({ server, reader } = await serve(name));
  });
  afterAll(() => server.close());

  it('lists every kind in every namespace, and across namespaces, identically', async () => {
    const snapshot = await openSnapshotReader(scenarioSnapshotDir(name));
    for (const namespace of [...(await snapshot.namespaces()), undefined]) {
      for (const kind of LIST_KINDS) {
        const expected = await outcome(snapshot.list(kind, namespace));
        const actual = await outcome(reader.list(kind, namespace));
        expect(actual, `${kind} in ${namespace ?? 'all namespaces'}`).toEqual(expected);
      }
    }
  });

  it('reads every current and previous container log identically', async () => {
    const snapshot = await openSnapshotReader(scenarioSnapshotDir(name));
    let compared = 0;
    for (const pod of await snapshot.list('pods')) {
      const spec = pod.spec as { containers: { name: string }[]; initContainers?: { name: string }[] };
      for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
        for (const options of [{ previous: false }, { previous: true }, { previous: false, tailLines: 3 }]) {
          const args = [pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', container.name] as const;
          const expected = await snapshot.logs(...args, options).catch((e: EvidenceUnavailable) => e.reason);
          const actual = await reader.logs(...args, options).catch((e: EvidenceUnavailable) => e.reason);
          expect(actual, `${args.join('/')} ${JSON.stringify(options)}`).toEqual(expected);
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(0);
  });

  it('makes GET requests only, and never for Secrets', () => {
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(server.requests.some((r) => r.path.includes('secrets'))).toBe(false);
  });
});

describe('requests the live reader sends', () => {
  let server: KubeApiServer;
  let reader: LiveReader;
  beforeAll(async () => {
    ({ server, reader } = await serve('crashloop-checkout-bad-release'));
  });
  afterAll(() => server.close());

  it.each<[string, ListKind, string | undefined, Record<string, string>, string]>([
    [
      'label selector',
      'pods',
      'shop',
      { labelSelector: 'app in (checkout),pod-template-hash notin (tq4wsrmvh)' },
      '/api/v1/namespaces/shop/pods',
    ],
    [
      'field selector on events',
      'events',
      'shop',
      { fieldSelector: 'involvedObject.name=checkout' },
      '/api/v1/namespaces/shop/events',
    ],
    [
      'pods of a node, all namespaces',
      'pods',
      undefined,
      { fieldSelector: 'spec.nodeName=n1' },
      '/api/v1/pods',
    ],
    [
      'autoscaling/v2',
      'horizontalpodautoscalers',
      'shop',
      {},
      '/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers',
    ],
    ['nodes', 'nodes', undefined, {}, '/api/v1/nodes'],
    ['Argo CD Applications', 'applications', undefined, {}, '/apis/argoproj.io/v1alpha1/applications'],
    ['k8sgpt Results', 'k8sgptresults', 'shop', {}, '/apis/core.k8sgpt.ai/v1alpha1/namespaces/shop/results'],
  ])('%s go to the server as the API expects', async (_label, kind, namespace, options, path) => {
    const before = server.requests.length;
    await reader.list(kind, namespace, options);
    const sent = server.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.path).toBe(path);
    expect(sent[0]?.query).toMatchObject(options);
  });

  it('narrows with the selector on the server, not after', async () => {
    const items = await reader.list('events', 'shop', {
      fieldSelector: 'involvedObject.name=checkout-zg9t76xdc-sbl5w',
    });
    expect(items.length).toBeGreaterThan(0);
    expect(
      items.every((e) => (e.involvedObject as { name: string }).name === 'checkout-zg9t76xdc-sbl5w'),
    ).toBe(true);
  });

  it('asks for logs with container, previous, tailLines and limitBytes', async () => {
    const before = server.requests.length;
    const text = await reader.logs('shop', 'checkout-zg9t76xdc-sbl5w', 'checkout', {
      previous: true,
      tailLines: 5,
      limitBytes: 40,
    });
    expect(server.requests.slice(before)).toEqual([
      {
        method: 'GET',
        path: '/api/v1/namespaces/shop/pods/checkout-zg9t76xdc-sbl5w/log',
        query: { container: 'checkout', previous: 'true', tailLines: '5', limitBytes: '40' },
      },
    ]);
    expect(Buffer.byteLength(text ?? '')).toBeLessThanOrEqual(40);
  });

  it('follows continue tokens when the server pages a list', async () => {
    const kubeconfig = server.writeKubeconfig(join(mkdtempSync(join(work, 'kc-')), 'config'));
    const paged = await createLiveReader({ kubeconfigPath: kubeconfig, pageSize: 2 });
    const snapshot = await openSnapshotReader(scenarioSnapshotDir('crashloop-checkout-bad-release'));
    const expected = await snapshot.list('events', 'shop');
    const before = server.requests.length;

    expect(await paged.list('events', 'shop')).toEqual(expected);

    const sent = server.requests.slice(before);
    expect(sent).toHaveLength(Math.ceil(expected.length / 2));
    expect(sent.every((r) => r.query.limit === '2')).toBe(true);
    expect(sent.slice(1).every((r) => typeof r.query.continue === 'string')).toBe(true);
  });

  it("turns a container that never started into kubectl's request error", async () => {
    const image = await serve('image-pull-storefront-tag-typo');
    try {
      const failing = image.reader.logs('web', 'storefront-web-w5z2msxs6-h9fh5', 'web', { previous: false });
      await expect(failing).rejects.toBeInstanceOf(EvidenceUnavailable);
      await expect(failing).rejects.toMatchObject({
        kind: 'logs',
        reason:
          'container "web" in pod "storefront-web-w5z2msxs6-h9fh5" is waiting to start: trying and failing to pull image',
      });
      // No previous instance: a 400 from the API that means "nothing there", not a failure.
      await expect(
        image.reader.logs('web', 'storefront-web-w5z2msxs6-h9fh5', 'web', { previous: true }),
      ).resolves.toBeUndefined();
      await expect(
        image.reader.logs('web', 'no-such-pod', 'web', { previous: false }),
      ).resolves.toBeUndefined();
      await expect(
        image.reader.logs('web', 'storefront-web-w5z2msxs6-h9fh5', 'sidecar', { previous: false }),
      ).resolves.toBeUndefined();
    } finally {
      await image.server.close();
    }
  });
});

describe('partial evidence and failures', () => {
  it('reports a forbidden kind as unavailable and keeps reading the others', async () => {
    const { server, reader } = await serve('oom-invoice-renderer');
    try {
      server.forbid('events', 'billing');
      const events = reader.list('events', 'billing');
      await expect(events).rejects.toBeInstanceOf(EvidenceUnavailable);
      await expect(events).rejects.toMatchObject({
        kind: 'events',
        reason: expect.stringMatching(
          /^forbidden: events is forbidden: User .* cannot list resource "events"/,
        ),
      });
      expect((await reader.list('pods', 'billing')).length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('reports a kind the cluster does not serve (404) as unavailable', async () => {
    const { server, reader } = await serve('oom-invoice-renderer');
    try {
      await expect(reader.list('controllerrevisions', 'billing')).rejects.toMatchObject({
        kind: 'controllerrevisions',
        reason: expect.stringContaining('not served by this cluster'),
      });
    } finally {
      await server.close();
    }
  });

  it('falls back to the argocd namespace when Applications may not be listed cluster-wide', async () => {
    const { server, reader } = await serve('oom-invoice-renderer');
    try {
      server.forbid('applications', '*');
      expect(await reader.list('applications')).toEqual([]);
      expect(server.requests.map((r) => r.path)).toEqual([
        '/apis/argoproj.io/v1alpha1/applications',
        '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications',
      ]);
    } finally {
      await server.close();
    }
  });

  it('retries a transient 503 once, then reports a persistent one naming the server', async () => {
    const { server, reader } = await serve('oom-invoice-renderer');
    try {
      server.failNext('pods', 503);
      expect((await reader.list('pods', 'billing')).length).toBeGreaterThan(0);
      server.failNext('pods', 503, 2);
      await expect(reader.list('pods', 'billing')).rejects.toThrow(
        `the Kubernetes API server ${server.url} answered 503 to list v1 pods in billing: injected failure 503`,
      );
    } finally {
      await server.close();
    }
  });

  it('refuses anything but GET at the transport', async () => {
    const transport = readOnlyTransport({ server: 'https://example.invalid', timeoutMs: 1000 });
    const request = new RequestContext(
      'https://example.invalid/api/v1/namespaces/x/pods/y',
      HttpMethod.DELETE,
    );
    await expect(transport.send(request).toPromise()).rejects.toThrow(
      'refused DELETE /api/v1/namespaces/x/pods/y: AEGIS only reads the cluster',
    );
  });

  it('fails with a clear error when the server does not answer in time', async () => {
    const { server, reader } = await serve('oom-invoice-renderer', { timeoutMs: 300 });
    try {
      server.delay('pods', 5_000);
      const started = Date.now();
      const pods = reader.list('pods', 'billing');
      await expect(pods).rejects.toBeInstanceOf(ClusterRequestError);
      await expect(pods).rejects.toThrow(
        `the Kubernetes API server ${server.url} did not answer GET /api/v1/namespaces/billing/pods?limit=500 within 300 ms`,
      );
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await server.close();
    }
  });

  it('names the API server when it cannot be reached', async () => {
    const port = await freePort();
    const kubeconfig = writeKubeconfig(
      join(mkdtempSync(join(work, 'kc-')), 'config'),
      `http://127.0.0.1:${port}`,
    );
    const reader = await createLiveReader({ kubeconfigPath: kubeconfig, timeoutMs: 2_000 });
    await expect(reader.list('pods', 'billing')).rejects.toThrow(
      new RegExp(
        `^cannot reach the Kubernetes API server http://127\\.0\\.0\\.1:${port} \\(GET /api/v1/namespaces/billing/pods\\?limit=500\\): ECONNREFUSED$`,
      ),
    );
  });

  it('sends the bearer token, and says so in one line when it is refused', async () => {
    const { server, reader } = await serve('oom-invoice-renderer', { token: 's3cret-token' });
    try {
      expect((await reader.list('pods', 'billing')).length).toBeGreaterThan(0);
      const wrong = writeKubeconfig(join(mkdtempSync(join(work, 'kc-')), 'config'), server.url, {
        token: 'nope',
      });
      const refused = (await createLiveReader({ kubeconfigPath: wrong })).list('pods', 'billing');
      await expect(refused).rejects.toBeInstanceOf(UserError);
      await expect(refused).rejects.toThrow(
        /rejected the credentials of context snapshot \(401 Unauthorized\)/,
      );
    } finally {
      await server.close();
    }
  });
});

describe('over https', () => {
  const openssl = spawnSync('openssl', ['version']).status === 0;

  it.skipIf(!openssl)(
    'trusts the kubeconfig CA and sends the token (client-node agent over TLS)',
    async () => {
      const dir = mkdtempSync(join(work, 'tls-'));
      const made = spawnSync('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]);
      expect(made.status).toBe(0);
      const tls = {
        key: readFileSync(join(dir, 'key.pem'), 'utf8'),
        cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      };
      const server = await startKubeApiServer(scenarioSnapshotDir('oom-invoice-renderer'), {
        tls,
        token: 'tls-token',
      });
      try {
        expect(server.url).toMatch(/^https:/);
        const trusted = await createLiveReader({
          kubeconfigPath: server.writeKubeconfig(join(dir, 'config'), { token: 'tls-token' }),
        });
        expect((await trusted.list('nodes')).length).toBeGreaterThan(0);

        // The same server without its CA (and without skipping verification): TLS fails, naming the server.
        const untrusted = join(dir, 'untrusted');
        writeFileSync(
          untrusted,
          readFileSync(join(dir, 'config'), 'utf8').replace(/\n\s*certificate-authority-data: .*/, ''),
        );
        await expect((await createLiveReader({ kubeconfigPath: untrusted })).list('nodes')).rejects.toThrow(
          new RegExp(
            `^cannot reach the Kubernetes API server ${server.url} \\(GET /api/v1/nodes\\?limit=500\\): `,
          ),
        );
      } finally {
        await server.close();
      }
    },
  );
});

describe('kubeconfig problems are one line', () => {
  const dir = mkdtempSync(join(work, 'bad-kc-'));

  it.each<[string, () => { kubeconfigPath: string; context?: string }, RegExp]>([
    ['a missing file', () => ({ kubeconfigPath: join(dir, 'missing') }), /^kubeconfig not found: .*missing$/],
    [
      'an unknown context',
      () => ({ kubeconfigPath: writeKubeconfig(join(dir, 'a'), 'http://127.0.0.1:1'), context: 'prod' }),
      /has no context prod/,
    ],
    [
      'plain http without insecure-skip-tls-verify',
      () => {
        const path = join(dir, 'plain');
        writeFileSync(
          path,
          [
            'apiVersion: v1',
            'kind: Config',
            'clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]',
            'users: [{name: u, user: {}}]',
            'contexts: [{name: x, context: {cluster: c, user: u}}]',
            'current-context: x',
          ].join('\n'),
        );
        return { kubeconfigPath: path };
      },
      /uses plain http/,
    ],
  ])('%s', async (_label, options, pattern) => {
    const loading = createLiveReader(options());
    await expect(loading).rejects.toBeInstanceOf(UserError);
    await expect(loading).rejects.toThrow(pattern);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
