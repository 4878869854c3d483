// Kubernetes object shapes as they travel on the wire (JSON, camelCase, timestamps as strings).
// kubernetes-models gives us the API's own field definitions; items inside a List (and some
// re-serialized dumps) carry no apiVersion/kind, so those two are optional here.
import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IContainerStatus } from 'kubernetes-models/v1/ContainerStatus';
import type { IEvent } from 'kubernetes-models/v1/Event';
import type { INode } from 'kubernetes-models/v1/Node';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IService } from 'kubernetes-models/v1/Service';

type Wire<T> = Omit<T, 'apiVersion' | 'kind'> & { apiVersion?: string; kind?: string };

export type Pod = Wire<IPod>;
export type Deployment = Wire<IDeployment>;
export type ReplicaSet = Wire<IReplicaSet>;
export type StatefulSet = Wire<IStatefulSet>;
export type DaemonSet = Wire<IDaemonSet>;
export type Job = Wire<IJob>;
export type Service = Wire<IService>;
export type KubeEvent = Wire<IEvent>;
export type Node = Wire<INode>;
export type PersistentVolumeClaim = Wire<IPersistentVolumeClaim>;
export type HorizontalPodAutoscaler = Wire<IHorizontalPodAutoscaler>;
export type Container = IContainer;
export type ContainerStatus = IContainerStatus;
export type PodSpec = IPodSpec;

/** Any object with metadata; used where the kind is not known in advance. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: {
      apiVersion?: string;
      kind: string;
      name: string;
      uid?: string;
      controller?: boolean;
    }[];
    creationTimestamp?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** A ConfigMap reduced to what diagnosis needs: names and keys, never values. */
export interface ConfigMapSummary {
  name: string;
  keys: string[];
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];
