// A writable, in-memory Kubernetes API server standing in for a fresh virtual cluster, so the vcluster
// backend runs the real @kubernetes/client-node code: discovery (/api/v1, /apis/apps/v1) for
// KubernetesObjectApi, server-side apply (PATCH application/apply-patch+yaml with fieldManager),
// GET of objects and their /status, label-selected lists, the metrics API (404 unless the test
// provides figures) and pod port-forward over the websocket protocol (v4.channel.k8s.io). No
// controllers run: the test plays them (rollOut, putPod). Every request is recorded.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { parse } from 'yaml';
import type { KubeObject } from '../../src/core/k8s.js';
import { matchesLabelSelector, parseLabelSelector } from '../../src/evidence/label-selector.js';
import { writeKubeconfig } from './kube-api-server.js';
import { acceptWebSocket } from './websocket-frames.js';

interface Kind {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

const KINDS: readonly Kind[] = [
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet', namespaced: true },
];

export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  /** Parsed request body (PATCH/POST). */
  body?: unknown;
}

export interface SandboxApiServer {
  readonly url: string;
  readonly requests: ApiRequest[];
  /** Server-side apply requests only. */
  applies(): ApiRequest[];
  get(plural: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Marks a Deployment/StatefulSet as rolled out with all replicas available. */
  rollOut(namespace: string, name: string, plural?: 'deployments' | 'statefulsets'): void;
  /** Adds or replaces a pod (the test plays the ReplicaSet controller and kubelet). */
  putPod(pod: KubeObject): void;
  /** Answer the next apply of `Kind/name` with this Status. */
  refuseApply(what: string, code: number, message: string): void;
  setPodMetrics(namespace: string, items: unknown[]): void;
  /** Never answer requests whose path starts with this (an API server that hangs). */
  hang(pathPrefix: string): void;
  /** Connections forwarded to pod port `podPort` reach 127.0.0.1:`hostPort`. */
  routePodPort(namespace: string, pod: string, podPort: number, hostPort: number): void;
  writeKubeconfig(file: string): string;
  close(): Promise<void>;
}

type Answer = { code: number; body: unknown };

function status(code: number, reason: string, message: string): Answer {
  return { code, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code } };
}

function apiVersion(kind: Kind): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}

interface Route {
  kind?: Kind;
  discovery?: { group: string; version: string };
  namespace?: string;
  name?: string;
  sub?: string;
}

function route(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1]) [group, version, rest] = ['', parts[1], parts.slice(2)];
  else if (parts[0] === 'apis' && parts[1] && parts[2])
    [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
  else return undefined;
  if (rest.length === 0) return { discovery: { group, version } };
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, sub] = rest;
  const kind = KINDS.find((k) => k.group === group && k.version === version && k.plural === plural);
  if (!kind) return { discovery: { group, version }, ...(namespace ? { namespace } : {}) };
  return {
    kind,
    ...(namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
    ...(sub ? { sub } : {}),
  };
}

export async function startSandboxApiServer(): Promise<SandboxApiServer> {
  const requests: ApiRequest[] = [];
  const store = new Map<string, KubeObject>();
  const refusals = new Map<string, { code: number; message: string }>();
  const metrics = new Map<string, unknown[]>();
  const podRoutes = new Map<string, number>();
  const hanging: string[] = [];
  let version = 1;
  const key = (plural: string, namespace: string | undefined, name: string) =>
    `${plural}/${namespace ?? ''}/${name}`;

  const apply = (kind: Kind, namespace: string | undefined, name: string, body: KubeObject): Answer => {
    const refusal = refusals.get(`${kind.kind}/${name}`);
    if (refusal) {
      refusals.delete(`${kind.kind}/${name}`);
      return status(refusal.code, 'Invalid', refusal.message);
    }
    const id = key(kind.plural, namespace, name);
    const previous = store.get(id);
    const specChanged = JSON.stringify(previous?.spec) !== JSON.stringify(body.spec);
    const generation =
      ((previous?.metadata as { generation?: number })?.generation ?? 0) + (specChanged ? 1 : 0);
    version += 1;
    const object = {
      ...body,
      metadata: {
        ...body.metadata,
        ...(namespace ? { namespace } : {}),
        uid: `uid-${id}`,
        generation: generation || 1,
        resourceVersion: String(version),
      },
      status: previous?.status ?? {},
    } as KubeObject;
    store.set(id, object);
    return { code: previous ? 200 : 201, body: object };
  };

  const handle = (method: string, url: URL, contentType: string | undefined, body: unknown): Answer => {
    const where = route(url.pathname);
    if (!where) return status(404, 'NotFound', 'the server could not find the requested resource');
    if (where.discovery && !where.kind) {
      const { group, version: v } = where.discovery;
      const resources = KINDS.filter((k) => k.group === group && k.version === v);
      if (resources.length === 0 || where.namespace)
        return status(404, 'NotFound', 'the server could not find the requested resource');
      return {
        code: 200,
        body: {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: group ? `${group}/${v}` : v,
          resources: resources.map((k) => ({
            name: k.plural,
            singularName: k.kind.toLowerCase(),
            namespaced: k.namespaced,
            kind: k.kind,
            verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
          })),
        },
      };
    }
    const kind = where.kind as Kind;
    if (method === 'PATCH') {
      if (!where.name) return status(405, 'MethodNotAllowed', 'PATCH needs a name');
      if (contentType !== 'application/apply-patch+yaml') {
        return status(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format: ${contentType}`,
        );
      }
      if (!url.searchParams.get('fieldManager')) {
        return status(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value');
      }
      return apply(kind, where.namespace, where.name, body as KubeObject);
    }
    if (method !== 'GET') return status(405, 'MethodNotAllowed', `${method} is not served here`);
    if (where.name) {
      const object = store.get(key(kind.plural, where.namespace, where.name));
      if (!object) return status(404, 'NotFound', `${kind.plural} "${where.name}" not found`);
      return { code: 200, body: { apiVersion: apiVersion(kind), kind: kind.kind, ...object } };
    }
    const selector = parseLabelSelector(url.searchParams.get('labelSelector') ?? '');
    const items = [...store.entries()]
      .filter(([id]) =>
        id.startsWith(where.namespace ? `${kind.plural}/${where.namespace}/` : `${kind.plural}/`),
      )
      .map(([, object]) => object)
      .filter((object) => matchesLabelSelector(object.metadata?.labels, selector));
    return {
      code: 200,
      body: {
        kind: `${kind.kind}List`,
        apiVersion: apiVersion(kind),
        metadata: { resourceVersion: String(version) },
        items,
      },
    };
  };

  const podWatchers = new Set<(pod: KubeObject) => void>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const text = Buffer.concat(chunks).toString('utf8');
      const contentType = req.headers['content-type']?.split(';')[0];
      // client-node sends the apply body as JSON, which is YAML too.
      const body = text ? (parse(text) as unknown) : undefined;
      requests.push({
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        ...(contentType ? { contentType } : {}),
        ...(body !== undefined ? { body } : {}),
      });
      if (hanging.some((prefix) => url.pathname.startsWith(prefix))) return;
      // A watch of pods (?watch=true): the current pods as ADDED, then every putPod as MODIFIED,
      // one JSON event per line on a response that stays open, as the API server streams it.
      const podWatch = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname);
      if (podWatch && url.searchParams.get('watch') === 'true') {
        const namespace = podWatch[1] ?? '';
        const selector = parseLabelSelector(url.searchParams.get('labelSelector') ?? '');
        const send = (type: string, pod: KubeObject) => {
          const meta = pod.metadata as { namespace?: string; labels?: Record<string, string> };
          if ((meta.namespace ?? 'default') !== namespace || !matchesLabelSelector(meta.labels, selector))
            return;
          res.write(`${JSON.stringify({ type, object: { apiVersion: 'v1', kind: 'Pod', ...pod } })}\n`);
        };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        for (const [id, pod] of store) if (id.startsWith(`pods/${namespace}/`)) send('ADDED', pod);
        const watcher = (pod: KubeObject) => send('MODIFIED', pod);
        podWatchers.add(watcher);
        res.on('close', () => podWatchers.delete(watcher));
        return;
      }
      const podMetrics = /^\/apis\/metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname);
      // The metrics API exists once the test gave any figures (as with metrics-server installed).
      const answer: Answer = podMetrics
        ? metrics.size > 0
          ? {
              code: 200,
              body: {
                kind: 'PodMetricsList',
                apiVersion: 'metrics.k8s.io/v1beta1',
                items: metrics.get(podMetrics[1] ?? '') ?? [],
              },
            }
          : status(404, 'NotFound', 'the server could not find the requested resource')
        : handle(req.method ?? 'GET', url, contentType, body);
      res.writeHead(answer.code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });

  // Port-forward: GET .../pods/NAME/portforward?ports=P upgraded to a websocket.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req, socket) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push({ method: 'UPGRADE', path: url.pathname, query: Object.fromEntries(url.searchParams) });
    const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
    const podPort = Number(url.searchParams.get('ports'));
    const hostPort = match ? podRoutes.get(`${match[1]}/${match[2]}:${podPort}`) : undefined;
    if (!match || hostPort === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    const peer = acceptWebSocket(req, socket, 'v4.channel.k8s.io');
    const portBytes = Buffer.from([podPort & 0xff, podPort >> 8]);
    // v4 protocol: each channel (0 data, 1 error) starts with the port number, little-endian.
    peer.send(Buffer.concat([Buffer.from([0]), portBytes]));
    peer.send(Buffer.concat([Buffer.from([1]), portBytes]));
    const upstream = connect(hostPort, '127.0.0.1');
    upstream.on('data', (chunk: Buffer) => peer.send(Buffer.concat([Buffer.from([0]), chunk])));
    upstream.on('end', () => peer.close());
    upstream.on('error', () => peer.close());
    peer.onMessage((payload) => {
      if (payload[0] === 0) upstream.write(payload.subarray(1));
    });
    peer.onClose(() => upstream.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    applies: () => requests.filter((r) => r.method === 'PATCH'),
    get: (plural, namespace, name) => store.get(key(plural, namespace, name)),
    rollOut(namespace, name, plural = 'deployments') {
      const object = store.get(key(plural, namespace, name));
      if (!object) throw new Error(`test server: no ${plural} ${namespace}/${name} to roll out`);
      const replicas = (object.spec as { replicas?: number } | undefined)?.replicas ?? 1;
      object.status = {
        observedGeneration: (object.metadata as { generation?: number }).generation,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
        conditions: [{ type: 'Available', status: 'True' }],
      };
    },
    putPod(pod) {
      const meta = pod.metadata as { name: string; namespace?: string };
      store.set(key('pods', meta.namespace ?? 'default', meta.name), pod);
      for (const watcher of podWatchers) watcher(pod);
    },
    refuseApply: (what, code, message) => refusals.set(what, { code, message }),
    setPodMetrics: (namespace, items) => metrics.set(namespace, items),
    hang: (prefix) => hanging.push(prefix),
    routePodPort: (namespace, pod, podPort, hostPort) =>
      podRoutes.set(`${namespace}/${pod}:${podPort}`, hostPort),
    writeKubeconfig: (file) =>
      writeKubeconfig(file, url, { token: 'virtual-cluster-admin', context: 'vcluster' }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of upgraded) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
