// The one narrow interface every evidence source implements: a `kubectl cluster-info dump`
// folder today, the live API (@kubernetes/client-node) later. Callers only ever list and read
// logs, which is all a read-only RBAC role (get/list/watch, never Secrets) allows anyway.
import type { KubeObject } from '../core/k8s.js';

export const LIST_KINDS = [
  'pods',
  'events',
  'deployments',
  'replicasets',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
  'services',
  'horizontalpodautoscalers',
  'persistentvolumeclaims',
  'configmaps',
  'nodes',
  'controllerrevisions',
  'storageclasses',
  /** Argo CD `Application` (argoproj.io/v1alpha1); usually in the `argocd` namespace. */
  'applications',
  /** k8sgpt-operator `Result` (core.k8sgpt.ai/v1alpha1): findings of an in-cluster analyzer. */
  'k8sgptresults',
] as const;
export type ListKind = (typeof LIST_KINDS)[number];

/** Kinds without a namespace; `namespace` is ignored for them. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<ListKind> = new Set(['nodes', 'storageclasses']);

export interface ListOptions {
  /** Kubernetes label selector syntax: `app=x,tier!=db,env in (a,b),!canary`. */
  labelSelector?: string;
  /** Kubernetes field selector syntax: `involvedObject.name=x,metadata.name!=y`. */
  fieldSelector?: string;
}

export interface LogOptions {
  /** The previous (crashed) instance of the container, like `kubectl logs --previous`. */
  previous: boolean;
  tailLines?: number;
  limitBytes?: number;
}

export interface ClusterReader {
  /** Where the evidence comes from, for notes and PR bodies ("snapshot /tmp/x", "cluster ctx"). */
  readonly description: string;
  /**
   * Items as the API returns them in a List (no apiVersion/kind on items). Without a namespace,
   * namespaced kinds are listed across all namespaces.
   * @throws EvidenceUnavailable when the kind cannot be read (403, 404, not recorded).
   */
  list(kind: ListKind, namespace?: string, options?: ListOptions): Promise<KubeObject[]>;
  /**
   * The container's log text, or undefined when there is none (no such pod, container or
   * previous instance).
   * @throws EvidenceUnavailable with kind 'logs' when the log request itself failed, e.g. the
   *   container never started; `reason` is the API's message (kubectl's `Request log error`).
   */
  logs(namespace: string, pod: string, container: string, options: LogOptions): Promise<string | undefined>;
}

/** A kind (or logs) that could not be read. Partial evidence is normal: callers turn it into a note. */
export class EvidenceUnavailable extends Error {
  constructor(
    readonly kind: ListKind | 'logs',
    readonly reason: string,
  ) {
    super(`${kind}: ${reason}`);
    this.name = 'EvidenceUnavailable';
  }
}
