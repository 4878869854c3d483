// The contract between the stages of DESIGN.md §1. zod is the single source of truth for the
// shapes an LLM or a user can produce (Diagnosis, Plan); the rest are plain interfaces.
import { z } from 'zod';
import type {
  ConfigMapSummary,
  HorizontalPodAutoscaler,
  KubeEvent,
  KubeObject,
  Node,
  PersistentVolumeClaim,
  Pod,
  Service,
  WorkloadKind,
} from './k8s.js';

export const CATEGORIES = [
  'oom-killed',
  'crash-loop',
  'image-pull',
  'config-reference',
  'probe-failure',
  'cpu-throttling',
  'hpa-maxed',
  'unschedulable',
  'volume-pending',
  'rollout-stuck',
  'node-failure',
  'service-selector',
  'unknown',
] as const;
export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

// ------------------------------------------------------------------ incident

/** What the alert points at before the owner chain is resolved. */
export interface TargetHint {
  kind:
    | WorkloadKind
    | 'Pod'
    | 'HorizontalPodAutoscaler'
    | 'PersistentVolumeClaim'
    | 'Service'
    | 'Node'
    | 'Namespace'
    | 'Cluster';
  name: string;
}

export interface WorkloadRef {
  kind: WorkloadKind;
  name: string;
}

export interface Incident {
  /** Stable hash of (alertname, namespace, workload): an alert storm maps to one incident. */
  fingerprint: string;
  alertname: string;
  severity: string;
  status: 'firing' | 'resolved';
  namespace?: string;
  /** The resolved workload; absent until the owner chain is known, or for node/cluster alerts. */
  workload?: WorkloadRef;
  /** What the labels pointed at (pod, hpa, pvc, node, ...), in alert order. */
  targets: TargetHint[];
  container?: string;
  startsAt: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  alertCount: number;
  source: 'alertmanager';
  externalURL?: string;
  /** The first alert's Prometheus graph link (the rule expression), for the PR summary. */
  generatorURL?: string;
}

// ------------------------------------------------------------------ evidence

export interface LogExcerpt {
  pod: string;
  container: string;
  previous: boolean;
  /** Compacted (tail, repeats collapsed) and redacted lines. */
  lines: string[];
  /** kubectl's `Request log error: ...` line when the container never started. */
  requestError?: string;
}

/** One revision of the workload's pod template (ReplicaSet or pods on a controller-revision-hash). */
export interface RevisionInfo {
  revision: number;
  name: string;
  images: Record<string, string>;
  createdAt?: string;
  replicas: number;
  readyReplicas: number;
  current: boolean;
}

export interface Evidence {
  namespace?: string;
  workload?: { kind: WorkloadKind; name: string; object: KubeObject };
  /** Pods of the workload (or the alert's pods when no workload resolved). */
  pods: Pod[];
  /** Events about the pods, the workload, its ReplicaSets, HPA and PVCs; newest last. */
  events: KubeEvent[];
  logs: LogExcerpt[];
  /** Newest first. */
  revisions: RevisionInfo[];
  hpa?: HorizontalPodAutoscaler;
  pvcs: PersistentVolumeClaim[];
  nodes: Node[];
  services: Service[];
  configMaps: ConfigMapSummary[];
  /** Other workloads in the namespace (for "another workload runs that tag" reasoning). */
  siblings: { kind: WorkloadKind; name: string; images: Record<string, string> }[];
  storageClasses: string[];
  /** The Argo CD Application that manages the workload, when the source can read it. */
  argoApplication?: KubeObject;
  /** Findings of other analyzers running in the cluster (k8sgpt `Result` objects). */
  externalFindings: { source: 'k8sgpt'; kind: string; name: string; errors: string[] }[];
  /** Partial-evidence notes ("events: forbidden", "logs for x not available"). */
  notes: string[];
}

// ------------------------------------------------------------------ operations and plans

const ContainerName = z.string().min(1).max(253);
const Quantity = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/, 'a Kubernetes quantity such as 500m, 1.5, 512Mi');
const ResourceValues = z
  .object({ cpu: Quantity.nullable().optional(), memory: Quantity.nullable().optional() })
  .strict();

export const Operation = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('set-resources'),
      container: ContainerName,
      /** null removes the key (e.g. drop a CPU limit). */
      limits: ResourceValues.optional(),
      requests: ResourceValues.optional(),
    })
    .strict(),
  z
    .object({ type: z.literal('set-image'), container: ContainerName, image: z.string().min(1).max(512) })
    .strict(),
  z.object({ type: z.literal('revert-commit'), commit: z.string().regex(/^[0-9a-f]{7,40}$/) }).strict(),
  z.object({ type: z.literal('set-replicas'), replicas: z.number().int().min(0).max(1000) }).strict(),
  z
    .object({
      type: z.literal('set-hpa'),
      hpa: z.string().min(1),
      minReplicas: z.number().int().min(1).max(1000).optional(),
      maxReplicas: z.number().int().min(1).max(1000).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('set-probe'),
      container: ContainerName,
      probe: z.enum(['livenessProbe', 'readinessProbe', 'startupProbe']),
      port: z.union([z.number().int().min(1).max(65535), z.string().min(1).max(15)]).optional(),
      path: z.string().startsWith('/').optional(),
      initialDelaySeconds: z.number().int().min(0).max(3600).optional(),
      periodSeconds: z.number().int().min(1).max(3600).optional(),
      timeoutSeconds: z.number().int().min(1).max(600).optional(),
      failureThreshold: z.number().int().min(1).max(100).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('set-env'),
      container: ContainerName,
      name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/),
      value: z.string().max(4096),
    })
    .strict(),
  z
    .object({
      type: z.literal('fix-reference'),
      /**
       * configMap/secret/persistentVolumeClaim: a name referenced by the pod template;
       * configMapKey: a key of `configMapKeyRef` (with `name` the ConfigMap);
       * service-selector: the value of `key` in a Service's selector.
       */
      ref: z.enum(['configMap', 'configMapKey', 'secret', 'persistentVolumeClaim', 'service-selector']),
      from: z.string().min(1),
      to: z.string().min(1),
      container: ContainerName.optional(),
      /** For configMapKey: the ConfigMap whose key is referenced. */
      name: z.string().optional(),
      /** For service-selector: the Service and the selector key. */
      service: z.string().optional(),
      key: z.string().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('set-storage-class'),
      claim: z.string().min(1),
      storageClassName: z.string().min(1),
    })
    .strict(),
  z.object({ type: z.literal('restart') }).strict(),
]);
export type Operation = z.infer<typeof Operation>;
export type OperationType = Operation['type'];

export const Plan = z.object({
  action: z.enum(['patch', 'none']),
  reason: z.string(),
  operations: z.array(Operation).max(10),
});
export type Plan = z.infer<typeof Plan>;

export const Diagnosis = z.object({
  category: Category,
  summary: z.string(),
  rootCause: z.string(),
  confidence: z.number().min(0).max(1),
  evidenceRefs: z.array(z.string()),
  source: z.enum(['rules', 'llm', 'rules+llm']),
  hypotheses: z.array(z.string()),
});
export type Diagnosis = z.infer<typeof Diagnosis>;

/** What one analyzer concludes: a diagnosis and the plan that would fix it. */
export interface Finding {
  diagnosis: Diagnosis;
  plan: Plan;
}

// ------------------------------------------------------------------ proposal

export interface FieldChange {
  file: string;
  resource: string;
  field: string;
  from: unknown;
  to: unknown;
}

export interface Proposal {
  /** Files (relative to the repo root) the patch touches. */
  files: string[];
  changes: FieldChange[];
  /** Unified diff that `git apply` accepts at the repo root. */
  diff: string;
  /** Diff of the rendered objects (Kustomize/Helm output), when a renderer was available. */
  renderedDiff?: string;
  /** Notes from locating and editing (skipped files, render checks). */
  notes: string[];
}
