// ClusterReader over a live cluster through @kubernetes/client-node: the same questions the
// snapshot reader answers, asked of the API server with read-only calls (list and pod log).
// Items come back exactly as the server sent them (camelCase JSON, timestamps as strings), so
// analyzers see the same data from a cluster and from a `kubectl cluster-info dump` folder.
import { createConfiguration, ServerConfiguration } from '@kubernetes/client-node';
import type { KubeObject } from '../core/k8s.js';
import {
  type ClusterReader,
  EvidenceUnavailable,
  type ListKind,
  type ListOptions,
  type LogOptions,
} from './cluster-reader.js';
import { apiStatusOf, ResourceUnavailable, unauthorized, unexpectedError } from './live-errors.js';
import { readOnlyTransport } from './live-http.js';
import { type LoadedKubeConfig, loadKubeConfig } from './live-kubeconfig.js';
import {
  type Apis,
  createApis,
  type ListQuery,
  type LiveResource,
  OPTIONAL_RESOURCES,
  RESOURCES,
} from './live-resources.js';

export interface LiveReaderOptions {
  /** Default: $KUBECONFIG, then ~/.kube/config (as kubectl). */
  kubeconfigPath?: string;
  /** Default: the kubeconfig's current-context. */
  context?: string;
  /** Deadline of every request to the API server. Default 10 s. */
  timeoutMs?: number;
  /** Items per list request (`limit`; the reader follows `continue`). Default 500, as kubectl. */
  pageSize?: number;
}

/** A List as the API server returns it: typed envelope, items without kind/apiVersion. */
export interface ListDocument {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion?: string };
  items: KubeObject[];
}

export const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_PAGE_SIZE = 500;
/** Where Argo CD keeps its Applications when the reader may not list them cluster-wide. */
const ARGOCD_NAMESPACE = 'argocd';
/**
 * 400 answers that mean "there is no such log" rather than "the log could not be read": no
 * previous instance, or a container the pod does not have.
 */
const NO_SUCH_LOG = /previous terminated container .* not found|is not valid for pod/;

export async function createLiveReader(options: LiveReaderOptions = {}): Promise<LiveReader> {
  const loaded = await loadKubeConfig(options.kubeconfigPath, options.context);
  return new LiveReader(loaded, {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
  });
}

export class LiveReader implements ClusterReader {
  readonly description: string;
  /** The API server URL, without credentials. */
  readonly server: string;
  readonly contextName: string;
  private readonly apis: Apis;
  private readonly pageSize: number;

  constructor(loaded: LoadedKubeConfig, limits: { timeoutMs: number; pageSize: number }) {
    this.server = loaded.server;
    this.contextName = loaded.contextName;
    this.description = `cluster ${loaded.contextName} (${loaded.server})`;
    this.pageSize = limits.pageSize;
    // client-node builds every request (paths, query, auth headers, TLS agent from the
    // kubeconfig); the transport sends it with a deadline and refuses anything but GET.
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(loaded.baseUrl, {}),
      authMethods: { default: loaded.kubeConfig },
      httpApi: readOnlyTransport({ server: loaded.server, timeoutMs: limits.timeoutMs }),
    });
    this.apis = createApis(configuration);
  }

  async list(kind: ListKind, namespace?: string, options: ListOptions = {}): Promise<KubeObject[]> {
    try {
      return (await this.listDocument(kind, namespace, options)).items;
    } catch (error: unknown) {
      if (error instanceof ResourceUnavailable) throw new EvidenceUnavailable(kind, error.reason);
      throw error;
    }
  }

  /**
   * The whole List (envelope and every page). Without a namespace, namespaced kinds are listed
   * across all namespaces; Argo CD Applications fall back to the `argocd` namespace when that is
   * forbidden.
   * @throws ResourceUnavailable on 403/404 (any API error for CRD kinds), UserError on 401,
   *   ClusterRequestError when the server cannot be reached or does not answer in time.
   */
  async listDocument(
    resource: LiveResource,
    namespace?: string,
    options: ListOptions = {},
  ): Promise<ListDocument> {
    try {
      return await this.listPages(resource, namespace, options);
    } catch (error: unknown) {
      const status = apiStatusOf(error);
      if (resource === 'applications' && namespace === undefined && status?.code === 403) {
        return this.listDocument(resource, ARGOCD_NAMESPACE, options);
      }
      throw this.listError(resource, namespace, error);
    }
  }

  async logs(
    namespace: string,
    pod: string,
    container: string,
    options: LogOptions,
  ): Promise<string | undefined> {
    try {
      const info = await this.apis.core.readNamespacedPodLogWithHttpInfo({
        name: pod,
        namespace,
        container,
        ...(options.previous ? { previous: true } : {}),
        ...(options.tailLines !== undefined ? { tailLines: options.tailLines } : {}),
        ...(options.limitBytes !== undefined ? { limitBytes: options.limitBytes } : {}),
      });
      const text = await info.body.text();
      // The API ends every line with a newline; a snapshot block's lines are joined without one.
      return text.endsWith('\n') ? text.slice(0, -1) : text;
    } catch (error: unknown) {
      const status = apiStatusOf(error);
      if (!status) throw unexpectedError(this.server, `read the log of ${namespace}/${pod}`, error);
      if (status.code === 401) throw unauthorized(this.server, this.contextName);
      if (status.code === 404) return undefined;
      if (status.code === 400 && NO_SUCH_LOG.test(status.message)) return undefined;
      // 400 "is waiting to start", 500 from an unreachable kubelet, 403: the request failed.
      throw new EvidenceUnavailable('logs', status.message);
    }
  }

  private async listPages(resource: LiveResource, namespace: string | undefined, options: ListOptions) {
    const def = RESOURCES[resource];
    const query: ListQuery = {
      ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
      ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
      limit: this.pageSize,
    };
    const items: KubeObject[] = [];
    let first: Partial<ListDocument> | undefined;
    let resourceVersion: string | undefined;
    let next: string | undefined;
    do {
      const page = { ...query, ...(next ? { _continue: next } : {}) };
      const info =
        namespace === undefined || def.scope === 'cluster'
          ? await def.listAll(this.apis, page)
          : await def.list(this.apis, namespace, page);
      const doc = parseList(await info.body.text(), def.name);
      first ??= doc;
      items.push(...doc.items);
      resourceVersion = doc.metadata.resourceVersion;
      next = doc.metadata.continue || undefined;
    } while (next);
    return {
      kind: first?.kind ?? 'List',
      apiVersion: first?.apiVersion ?? 'v1',
      metadata: resourceVersion ? { resourceVersion } : {},
      items,
    };
  }

  private listError(resource: LiveResource, namespace: string | undefined, error: unknown): Error {
    const status = apiStatusOf(error);
    const what = `list ${RESOURCES[resource].name}${namespace ? ` in ${namespace}` : ''}`;
    if (!status) return unexpectedError(this.server, what, error);
    if (status.code === 401) return unauthorized(this.server, this.contextName);
    if (status.code === 403) return new ResourceUnavailable(resource, `forbidden: ${status.message}`);
    if (status.code === 404)
      return new ResourceUnavailable(resource, `not served by this cluster: ${status.message}`);
    if (OPTIONAL_RESOURCES.has(resource))
      return new ResourceUnavailable(resource, `${status.code}: ${status.message}`);
    return new Error(
      `the Kubernetes API server ${this.server} answered ${status.code} to ${what}: ${status.message}`,
    );
  }
}

function parseList(text: string, what: string): ListDocument & { metadata: { continue?: string } } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`the Kubernetes API server sent a list of ${what} that is not JSON`);
  }
  const doc = parsed as Partial<ListDocument> & {
    metadata?: { continue?: string; resourceVersion?: string };
  };
  if (typeof parsed !== 'object' || parsed === null || !(Array.isArray(doc.items) || doc.items === null)) {
    throw new Error(`the Kubernetes API server sent a list of ${what} without items`);
  }
  return {
    kind: doc.kind ?? 'List',
    apiVersion: doc.apiVersion ?? 'v1',
    metadata: doc.metadata ?? {},
    items: (doc.items ?? []).filter((i): i is KubeObject => typeof i === 'object' && i !== null),
  };
}
