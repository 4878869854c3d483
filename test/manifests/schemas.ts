// Schema checks for every kind manifests/ renders: kubernetes-models (the OpenAPI schemas of
// Kubernetes) for core kinds, zod for the CRDs kubernetes-models does not ship (prometheus-operator
// and Argo CD), covering the fields those operators reject or silently ignore when wrong.
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { z } from 'zod';

type Validating = { validate(): void };
type Model = new (data: never) => Validating;

const CORE: Record<string, Model> = {
  'apps/v1/Deployment': Deployment as Model,
  'batch/v1/Job': Job as Model,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as Model,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole as Model,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding as Model,
  'v1/ConfigMap': ConfigMap as Model,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim as Model,
  'v1/Secret': Secret as Model,
  'v1/Service': Service as Model,
  'v1/ServiceAccount': ServiceAccount as Model,
};

/** Prometheus durations as the operator's CRD pattern accepts them (e.g. 30s, 1h30m). */
const Duration = z
  .string()
  .regex(/^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/);
const Name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
const Metadata = z.object({ name: Name, namespace: Name.optional() }).loose();

export const AlertingRule = z.strictObject({
  alert: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/),
  expr: z.string().min(1),
  for: Duration.optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

export const PrometheusRule = z.object({
  apiVersion: z.literal('monitoring.coreos.com/v1'),
  kind: z.literal('PrometheusRule'),
  metadata: Metadata,
  spec: z.strictObject({
    groups: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          interval: Duration.optional(),
          rules: z.array(AlertingRule).min(1),
        }),
      )
      .min(1),
  }),
});
export type PrometheusRule = z.infer<typeof PrometheusRule>;

export const ServiceMonitor = z.object({
  apiVersion: z.literal('monitoring.coreos.com/v1'),
  kind: z.literal('ServiceMonitor'),
  metadata: Metadata,
  spec: z.strictObject({
    selector: z.strictObject({ matchLabels: z.record(z.string(), z.string()) }),
    endpoints: z
      .array(
        z.strictObject({
          port: z.string().min(1),
          path: z.string().startsWith('/'),
          interval: Duration.optional(),
        }),
      )
      .min(1),
  }),
});
export type ServiceMonitor = z.infer<typeof ServiceMonitor>;

export const Application = z.object({
  apiVersion: z.literal('argoproj.io/v1alpha1'),
  kind: z.literal('Application'),
  metadata: Metadata,
  spec: z.strictObject({
    project: z.string().min(1),
    source: z.strictObject({ repoURL: z.url(), targetRevision: z.string().min(1), path: z.string().min(1) }),
    destination: z.strictObject({ server: z.url(), namespace: Name }),
    syncPolicy: z
      .strictObject({
        automated: z.strictObject({ prune: z.boolean(), selfHeal: z.boolean() }).optional(),
        syncOptions: z.array(z.string().regex(/^[A-Za-z]+=[A-Za-z0-9-]+$/)).optional(),
        retry: z
          .strictObject({
            limit: z.number().int(),
            backoff: z.strictObject({ duration: z.string(), factor: z.number(), maxDuration: z.string() }),
          })
          .optional(),
      })
      .optional(),
  }),
});

const CRDS: Record<string, z.ZodType> = {
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'argoproj.io/v1alpha1/Application': Application,
};

/** Throws with the schema's complaint; unknown kinds throw too, so nothing goes unchecked. */
export function validateObject(object: { apiVersion: string; kind: string }): void {
  const key = `${object.apiVersion}/${object.kind}`;
  const core = CORE[key];
  if (core) {
    new core(object as never).validate();
    return;
  }
  const crd = CRDS[key];
  if (!crd) throw new Error(`no schema registered for ${object.apiVersion} ${object.kind}`);
  const result = crd.safeParse(object);
  if (!result.success) throw new Error(`${key}: ${z.prettifyError(result.error)}`);
}
