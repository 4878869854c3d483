// Which client-node call lists each kind, in a namespace and across all of them. Only list
// calls appear here (and the log read in live-reader.ts): the reader cannot ask for more.
import {
  AppsV1Api,
  AutoscalingV2Api,
  BatchV1Api,
  type Configuration,
  CoreV1Api,
  CustomObjectsApi,
  type HttpInfo,
  StorageV1Api,
} from '@kubernetes/client-node';
import type { ListKind } from './cluster-reader.js';

/** The ListKinds plus what `kubectl cluster-info dump` also writes (replication-controllers.json). */
export type LiveResource = ListKind | 'replicationcontrollers';

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  _continue?: string;
}

export interface Apis {
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  autoscaling: AutoscalingV2Api;
  storage: StorageV1Api;
  custom: CustomObjectsApi;
}

export function createApis(configuration: Configuration): Apis {
  return {
    core: new CoreV1Api(configuration),
    apps: new AppsV1Api(configuration),
    batch: new BatchV1Api(configuration),
    autoscaling: new AutoscalingV2Api(configuration),
    storage: new StorageV1Api(configuration),
    custom: new CustomObjectsApi(configuration),
  };
}

type Call = Promise<HttpInfo<unknown>>;

interface ResourceDef {
  /** `group/version plural`, for messages. */
  readonly name: string;
  readonly scope: 'namespaced' | 'cluster';
  /** Namespaced kinds: one namespace; cluster-scoped kinds ignore the namespace. */
  list(apis: Apis, namespace: string, query: ListQuery): Call;
  /** Across all namespaces (or the whole cluster). */
  listAll(apis: Apis, query: ListQuery): Call;
}

function custom(group: string, version: string, plural: string): ResourceDef {
  return {
    name: `${group}/${version} ${plural}`,
    scope: 'namespaced',
    list: (a, namespace, q) =>
      a.custom.listNamespacedCustomObjectWithHttpInfo({ group, version, plural, namespace, ...q }),
    listAll: (a, q) =>
      a.custom.listCustomObjectForAllNamespacesWithHttpInfo({ group, version, plural, ...q }),
  };
}

export const RESOURCES: Readonly<Record<LiveResource, ResourceDef>> = {
  pods: {
    name: 'v1 pods',
    scope: 'namespaced',
    list: (a, namespace, q) => a.core.listNamespacedPodWithHttpInfo({ namespace, ...q }),
    listAll: (a, q) => a.core.listPodForAllNamespacesWithHttpInfo(q),
  },
  events: {
    name: 'v1 events',
    scope: 'namespaced',
    list: (a, namespace, q) => a.core.listNamespacedEventWithHttpInfo({ namespace, ...q }),
    listAll: (a, q) => a.core.listEventForAllNamespacesWithHttpInfo(q),
  },
  services: {
    name: 'v1 services',
    scope: 'namespaced',
    list: (a, namespace, q) => a.core.listNamespacedServiceWithHttpInfo({ namespace, ...q }),
    listAll: (a, q) => a.core.listServiceForAllNamespacesWithHttpInfo(q),
  },
  configmaps: {
    name: 'v1 configmaps',
    scope: 'namespaced',
    list: (a, namespace, q) => a.core.listNamespacedConfigMapWithHttpInfo({ namespace, ...q }),
    listAll: (a, q) => a.core.listConfigMapForAllNamespacesWithHttpInfo(q),
  },
  persistentvolumeclaims: {
    name: 'v1 persistentvolumeclaims',
    scope: 'namespaced',
    list: (a, namespace, q) => a.core.listNamespacedPersistentVolumeClaimWithHttpInfo({ namespace, ...q }),
    listAll: (a, q) => a.core.listPersistentVolumeClaimForAllNamespacesWithHttpInfo(q),
  },
  replicationcontrollers: {
    name: 'v1 replicationcontrollers',
    scope: 'namespaced',
    list: (a, namespace, q) => a.core.listNamespacedReplicationControllerWithHttpInfo({ namespace, ...q }),
    listAll: (a, q) => a.core.listReplicationControllerForAllNamespacesWithHttpInfo(q),
  },
  nodes: {
    name: 'v1 nodes',
    scope: 'cluster',
    list: (a, _namespace, q) => a.core.listNodeWithHttpInfo(q),
    listAll: (a, q) => a.core.listNodeWithHttpInfo(q),
  },
  deployments: {
    name: 'apps/v1 deployments',
    scope: 'namespaced',
    list: (a, namespace, q) => a.apps.listNamespacedDeploymentWithHttpInfo({ namespace, ...q }),
    listAll: (a, q) => a.apps.listDeploymentForAllNamespacesWithHttpInfo(q),
  },
  replicasets: {
    name: 'apps/v1 replicasets',
    scope: 'namespaced',
    list: (a, namespace, q) => a.apps.listNamespacedReplicaSetWithHttpInfo({ namespace, ...q }),
    listAll: (a, q) => a.apps.listReplicaSetForAllNamespacesWithHttpInfo(q),
  },
  statefulsets: {
    name: 'apps/v1 statefulsets',
    scope: 'namespaced',
    list: (a, namespace, q) => a.apps.listNamespacedStatefulSetWithHttpInfo({ namespace, ...q }),
    listAll: (a, q) => a.apps.listStatefulSetForAllNamespacesWithHttpInfo(q),
  },
  daemonsets: {
    name: 'apps/v1 daemonsets',
    scope: 'namespaced',
    list: (a, namespace, q) => a.apps.listNamespacedDaemonSetWithHttpInfo({ namespace, ...q }),
    listAll: (a, q) => a.apps.listDaemonSetForAllNamespacesWithHttpInfo(q),
  },
  controllerrevisions: {
    name: 'apps/v1 controllerrevisions',
    scope: 'namespaced',
    list: (a, namespace, q) => a.apps.listNamespacedControllerRevisionWithHttpInfo({ namespace, ...q }),
    listAll: (a, q) => a.apps.listControllerRevisionForAllNamespacesWithHttpInfo(q),
  },
  jobs: {
    name: 'batch/v1 jobs',
    scope: 'namespaced',
    list: (a, namespace, q) => a.batch.listNamespacedJobWithHttpInfo({ namespace, ...q }),
    listAll: (a, q) => a.batch.listJobForAllNamespacesWithHttpInfo(q),
  },
  cronjobs: {
    name: 'batch/v1 cronjobs',
    scope: 'namespaced',
    list: (a, namespace, q) => a.batch.listNamespacedCronJobWithHttpInfo({ namespace, ...q }),
    listAll: (a, q) => a.batch.listCronJobForAllNamespacesWithHttpInfo(q),
  },
  horizontalpodautoscalers: {
    name: 'autoscaling/v2 horizontalpodautoscalers',
    scope: 'namespaced',
    list: (a, namespace, q) =>
      a.autoscaling.listNamespacedHorizontalPodAutoscalerWithHttpInfo({ namespace, ...q }),
    listAll: (a, q) => a.autoscaling.listHorizontalPodAutoscalerForAllNamespacesWithHttpInfo(q),
  },
  storageclasses: {
    name: 'storage.k8s.io/v1 storageclasses',
    scope: 'cluster',
    list: (a, _namespace, q) => a.storage.listStorageClassWithHttpInfo(q),
    listAll: (a, q) => a.storage.listStorageClassWithHttpInfo(q),
  },
  applications: custom('argoproj.io', 'v1alpha1', 'applications'),
  k8sgptresults: custom('core.k8sgpt.ai', 'v1alpha1', 'results'),
};

/** Kinds served by a CRD that many clusters do not have: any API error means "not available". */
export const OPTIONAL_RESOURCES: ReadonlySet<LiveResource> = new Set(['applications', 'k8sgptresults']);
