// A read-only Kubernetes API server over a snapshot folder (DESIGN.md §5), so tests run the real
// @kubernetes/client-node code path: the REST paths, typed List envelopes, label and field
// selectors, single-object GETs, pod logs with kubectl's errors, 404/403/401 Status objects.
// Every request is recorded; tests can switch a kind to 403, slow it down, or require a token.
//
// What it serves from the folder: DIR/nodes.json, DIR/storageclasses.json, DIR/<ns>/<kind>.json,
// DIR/applications.json and DIR/results.json (Argo CD Applications, k8sgpt Results, all
// namespaces), DIR/<ns>/<pod>/logs.txt and previous-logs.txt. Kinds the dump always has, or that
// §5 marks optional, list as empty when their file is absent; the rest (jobs, cronjobs,
// controllerrevisions, storageclasses) answer 404 when not recorded, as a cluster without that API.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/core/k8s.js';
import { matchesFieldSelector, parseFieldSelector } from '../../src/evidence/field-selector.js';
import { matchesLabelSelector, parseLabelSelector } from '../../src/evidence/label-selector.js';
import { type LogBlock, parseLogBlocks } from '../../src/evidence/log-blocks.js';

type Presence = 'listed' | 'recorded';

interface Resource {
  group: string;
  version: string;
  plural: string;
  kind: string;
  file: string;
  scope: 'namespaced' | 'cluster' | 'top-level';
  /** listed: absent file = no objects; recorded: absent file = 404 (API not served). */
  presence: Presence;
}

function r(
  group: string,
  version: string,
  plural: string,
  kind: string,
  scope: Resource['scope'] = 'namespaced',
  presence: Presence = 'listed',
  file = `${plural}.json`,
): Resource {
  return { group, version, plural, kind, file, scope, presence };
}

export const SERVED: readonly Resource[] = [
  r('', 'v1', 'pods', 'Pod'),
  r('', 'v1', 'events', 'Event'),
  r('', 'v1', 'services', 'Service'),
  r('', 'v1', 'configmaps', 'ConfigMap'),
  r('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim'),
  r(
    '',
    'v1',
    'replicationcontrollers',
    'ReplicationController',
    'namespaced',
    'listed',
    'replication-controllers.json',
  ),
  r('', 'v1', 'nodes', 'Node', 'cluster'),
  r('apps', 'v1', 'deployments', 'Deployment'),
  r('apps', 'v1', 'replicasets', 'ReplicaSet'),
  r('apps', 'v1', 'daemonsets', 'DaemonSet'),
  r('apps', 'v1', 'statefulsets', 'StatefulSet'),
  r('apps', 'v1', 'controllerrevisions', 'ControllerRevision', 'namespaced', 'recorded'),
  r('batch', 'v1', 'jobs', 'Job', 'namespaced', 'recorded'),
  r('batch', 'v1', 'cronjobs', 'CronJob', 'namespaced', 'recorded'),
  r('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler'),
  r('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', 'cluster', 'recorded'),
  r('argoproj.io', 'v1alpha1', 'applications', 'Application', 'top-level'),
  r('core.k8sgpt.ai', 'v1alpha1', 'results', 'Result', 'top-level', 'listed', 'results.json'),
];

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

export interface KubeApiServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /**
   * Answer 403 about `plural` (or `pods/log`): everywhere, in one namespace, or (`'*'`) only to
   * the list across all namespaces, as a Role without a ClusterRole allows.
   */
  forbid(plural: string, where?: string): void;
  /** Hold answers about `plural` (or `pods/log`) for `ms` before responding. */
  delay(plural: string, ms: number): void;
  /** Answer the next `times` requests about `plural` with `code` (e.g. 503) and a Status. */
  failNext(plural: string, code: number, times?: number): void;
  /** Writes a kubeconfig pointing at this server (its CA for https; a bearer token when given). */
  writeKubeconfig(path: string, options?: { token?: string; context?: string }): string;
  close(): Promise<void>;
}

export interface KubeApiServerOptions {
  /** Require `Authorization: Bearer <token>`; 401 otherwise. */
  token?: string;
  /** Serve https with this key and (self-signed) certificate; the kubeconfig trusts it as its CA. */
  tls?: { key: string; cert: string };
}

export async function startKubeApiServer(
  snapshotDir: string,
  options: KubeApiServerOptions = {},
): Promise<KubeApiServer> {
  const requests: RecordedRequest[] = [];
  const forbidden = new Set<string>();
  const delays = new Map<string, number>();
  const failures = new Map<string, { code: number; times: number }>();
  const store = new SnapshotStore(snapshotDir);

  const listener: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams.entries());
    requests.push({ method: req.method ?? '', path: url.pathname, query });
    const answer = (a: Answer) => {
      res.writeHead(a.code, { 'content-type': a.contentType ?? 'application/json' });
      res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    };
    if (req.method !== 'GET')
      return answer(
        status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`),
      );
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      return answer(status(401, 'Unauthorized', 'Unauthorized'));
    }
    const route = parsePath(url.pathname);
    const topic = route
      ? route.subresource
        ? `${route.resource.plural}/${route.subresource}`
        : route.resource.plural
      : '';
    const failure = failures.get(topic);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      return answer(status(failure.code, 'ServiceUnavailable', `injected failure ${failure.code}`));
    }
    const wait = route
      ? (delays.get(
          route.subresource ? `${route.resource.plural}/${route.subresource}` : route.resource.plural,
        ) ?? 0)
      : 0;
    const respond = () => answer(handle(store, route, query, forbidden));
    if (wait > 0) setTimeout(respond, wait);
    else respond();
  };
  const server = options.tls ? https.createServer(options.tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    forbid: (plural, namespace) => forbidden.add(namespace ? `${plural}@${namespace}` : plural),
    delay: (plural, ms) => delays.set(plural, ms),
    failNext: (plural, code, times = 1) => failures.set(plural, { code, times }),
    writeKubeconfig: (path, kc = {}) =>
      writeKubeconfig(path, url, { ...kc, ...(options.tls ? { ca: options.tls.cert } : {}) }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A kubeconfig for `server`: trusting `ca` (PEM) for https, skipping TLS checks for plain http. */
export function writeKubeconfig(
  path: string,
  server: string,
  options: { token?: string; context?: string; ca?: string } = {},
): string {
  const context = options.context ?? 'snapshot';
  const trust = options.ca
    ? { 'certificate-authority-data': Buffer.from(options.ca).toString('base64') }
    : { 'insecure-skip-tls-verify': true };
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'snapshot-server', cluster: { server, ...trust } }],
    users: [{ name: 'aegis-reader', user: options.token ? { token: options.token } : {} }],
    contexts: [{ name: context, context: { cluster: 'snapshot-server', user: 'aegis-reader' } }],
    'current-context': context,
  };
  writeFileSync(path, stringify(config));
  return path;
}

// ------------------------------------------------------------------ routing

interface Route {
  resource: Resource;
  namespace?: string;
  name?: string;
  subresource?: string;
}

interface Answer {
  code: number;
  body: unknown;
  contentType?: string;
}

function parsePath(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1]) {
    [group, version, rest] = ['', parts[1], parts.slice(2)];
  } else if (parts[0] === 'apis' && parts[1] && parts[2]) {
    [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  if (!plural || extra.length > 0) return undefined;
  const resource = SERVED.find((s) => s.group === group && s.version === version && s.plural === plural);
  if (!resource) return undefined;
  if (resource.scope === 'cluster' && namespace !== undefined) return undefined;
  if (subresource !== undefined && !(plural === 'pods' && subresource === 'log' && namespace))
    return undefined;
  return {
    resource,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}

function handle(
  store: SnapshotStore,
  route: Route | undefined,
  query: Record<string, string>,
  forbidden: ReadonlySet<string>,
): Answer {
  if (!route) return status(404, 'NotFound', 'the server could not find the requested resource');
  const { resource, namespace, name } = route;
  const plural = route.subresource ? `${resource.plural}/${route.subresource}` : resource.plural;
  const where = namespace ?? (resource.scope === 'namespaced' || resource.scope === 'top-level' ? '*' : '');
  if (forbidden.has(plural) || forbidden.has(`${plural}@${where}`)) {
    const verb = name ? 'get' : 'list';
    const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
    return status(
      403,
      'Forbidden',
      `${plural}${name ? ` "${name}"` : ''} is forbidden: User "system:serviceaccount:aegis:aegis" cannot ${verb} resource "${plural}" in API group "${resource.group}" ${scope}`,
    );
  }
  if (route.subresource === 'log' && namespace && name) return podLog(store, namespace, name, query);

  const items = store.items(resource, namespace);
  if (!items) return status(404, 'NotFound', 'the server could not find the requested resource');
  if (name !== undefined) {
    const object = items.objects.find((o) => o.metadata?.name === name);
    if (!object)
      return status(
        404,
        'NotFound',
        `${resource.plural}${resource.group ? `.${resource.group}` : ''} "${name}" not found`,
      );
    return { code: 200, body: { kind: resource.kind, apiVersion: apiVersion(resource), ...object } };
  }
  let selected: KubeObject[];
  try {
    const labels = query.labelSelector ? parseLabelSelector(query.labelSelector) : [];
    const fields = query.fieldSelector ? parseFieldSelector(query.fieldSelector) : [];
    selected = items.objects.filter(
      (o) => matchesLabelSelector(o.metadata?.labels, labels) && matchesFieldSelector(o, fields),
    );
  } catch (error: unknown) {
    return status(400, 'BadRequest', `unable to parse requirement: ${(error as Error).message}`);
  }
  // Pagination as the API does it: `limit` items and an opaque `continue` token.
  const offset = query.continue ? Number(Buffer.from(query.continue, 'base64url').toString()) : 0;
  const limit = query.limit ? Number(query.limit) : 0;
  const page = limit > 0 ? selected.slice(offset, offset + limit) : selected.slice(offset);
  const more = limit > 0 && offset + limit < selected.length;
  return {
    code: 200,
    body: {
      kind: `${resource.kind}List`,
      apiVersion: apiVersion(resource),
      metadata: {
        resourceVersion: items.resourceVersion ?? '1',
        ...(more ? { continue: Buffer.from(String(offset + limit)).toString('base64url') } : {}),
      },
      items: page,
    },
  };
}

function podLog(
  store: SnapshotStore,
  namespace: string,
  podName: string,
  query: Record<string, string>,
): Answer {
  const podsResource = SERVED.find((s) => s.plural === 'pods' && s.group === '') as Resource;
  const pods = store.items(podsResource, namespace)?.objects ?? [];
  const pod = pods.find((p) => p.metadata?.name === podName);
  if (!pod) return status(404, 'NotFound', `pods "${podName}" not found`);
  const spec = (pod.spec ?? {}) as { containers?: { name: string }[]; initContainers?: { name: string }[] };
  const names = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c) => c.name);
  let container = query.container;
  if (!container) {
    if (spec.containers?.length !== 1) {
      return status(
        400,
        'BadRequest',
        `a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]`,
      );
    }
    container = spec.containers[0]?.name ?? '';
  }
  if (!names.includes(container)) {
    return status(400, 'BadRequest', `container ${container} is not valid for pod ${podName}`);
  }
  const previous = query.previous === 'true';
  const block = store.logBlock(namespace, podName, container, previous);
  if (!block) {
    if (previous) {
      return status(
        400,
        'BadRequest',
        `previous terminated container "${container}" in pod "${podName}" not found`,
      );
    }
    return status(
      404,
      'NotFound',
      `the log of container "${container}" of pod "${podName}" was not recorded`,
    );
  }
  if (block.requestError) {
    const message = block.requestError.replace(/^Request log error: /, '');
    return /is waiting to start/.test(message)
      ? status(400, 'BadRequest', message)
      : status(500, 'InternalError', message);
  }
  let lines = block.lines;
  if (query.tailLines !== undefined) lines = lines.slice(Math.max(0, lines.length - Number(query.tailLines)));
  let text = lines.map((l) => `${l}\n`).join('');
  if (query.limitBytes !== undefined)
    text = Buffer.from(text).subarray(0, Number(query.limitBytes)).toString();
  return { code: 200, body: text, contentType: 'text/plain; charset=utf-8' };
}

function apiVersion(resource: Resource): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

function status(code: number, reason: string, message: string): Answer {
  return {
    code,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code },
  };
}

// ------------------------------------------------------------------ the folder

class SnapshotStore {
  constructor(private readonly dir: string) {}

  /** Namespace folders holding a pods.json, as the snapshot reader counts them. */
  namespaces(): string[] {
    return readdirSync(this.dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(this.dir, e.name, 'pods.json')))
      .map((e) => e.name)
      .sort();
  }

  /** Objects of a kind, or undefined when the kind is not recorded (404). */
  items(
    resource: Resource,
    namespace?: string,
  ): { objects: KubeObject[]; resourceVersion?: string } | undefined {
    if (resource.scope === 'cluster' || resource.scope === 'top-level') {
      const list = this.read(join(this.dir, resource.file));
      if (!list) return resource.presence === 'listed' ? { objects: [] } : undefined;
      const objects =
        resource.scope === 'top-level' && namespace !== undefined
          ? list.items.filter((o) => o.metadata?.namespace === namespace)
          : list.items;
      return { objects, ...(list.resourceVersion ? { resourceVersion: list.resourceVersion } : {}) };
    }
    const namespaces = namespace === undefined ? this.namespaces() : [namespace];
    const lists = namespaces.map((ns) => this.read(join(this.dir, ns, resource.file)));
    // Like the snapshot reader: across namespaces, whatever was recorded (maybe nothing).
    if (resource.presence === 'recorded' && namespace !== undefined && lists[0] === undefined)
      return undefined;
    const first = lists.length === 1 ? lists[0] : undefined;
    return {
      objects: lists.flatMap((l) => l?.items ?? []),
      ...(first?.resourceVersion ? { resourceVersion: first.resourceVersion } : {}),
    };
  }

  logBlock(namespace: string, pod: string, container: string, previous: boolean): LogBlock | undefined {
    const file = join(this.dir, namespace, pod, previous ? 'previous-logs.txt' : 'logs.txt');
    if (!existsSync(file)) return undefined;
    return parseLogBlocks(readFileSync(file, 'utf8')).find(
      (b) => b.container === container && b.pod === `${namespace}/${pod}`,
    );
  }

  private read(path: string): { items: KubeObject[]; resourceVersion?: string } | undefined {
    if (!existsSync(path)) return undefined;
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as {
      items?: KubeObject[];
      metadata?: { resourceVersion?: string };
    };
    return {
      items: structuredClone(parsed.items ?? []),
      ...(parsed.metadata?.resourceVersion ? { resourceVersion: parsed.metadata.resourceVersion } : {}),
    };
  }
}
