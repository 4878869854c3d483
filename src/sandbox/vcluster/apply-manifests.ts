// Applies rendered manifests to the virtual cluster the way `kubectl apply --server-side
// --field-manager=aegis --force-conflicts` does, through client-node's KubernetesObjectApi (which
// finds each kind's REST path by discovery). Every object, and every workload's pod template,
// carries the sandbox labels so observe() and port-forwarding find pods by label, never by name.
import { type KubernetesObject, type KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { UserError } from '../../core/errors.js';
import { apiStatusOf } from '../../evidence/live-errors.js';
import { SANDBOX_LABELS } from '../labels.js';
import type { Manifests } from '../sandbox.js';

export const FIELD_MANAGER = 'aegis';
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export interface WorkloadRef {
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

export interface ServiceRef {
  namespace: string;
  name: string;
}

export interface AppliedObjects {
  workloads: WorkloadRef[];
  services: ServiceRef[];
  /** `Kind/name` of everything applied, in order. */
  applied: string[];
}

type Manifest = KubernetesObject & { apiVersion: string; kind: string; metadata: { name: string } };
type Labelled = { metadata?: { labels?: Record<string, string> } };

export function parseManifests(manifests: Manifests, where: string): Manifest[] {
  const documents =
    typeof manifests === 'string'
      ? parseAllDocuments(manifests).map((doc, index) => {
          if (doc.errors.length > 0) {
            throw new UserError(
              `${where}: manifest document ${index + 1} is not YAML: ${doc.errors[0]?.message}`,
            );
          }
          return doc.toJS() as unknown;
        })
      : [...manifests];
  return documents
    .filter((doc) => doc !== null && doc !== undefined)
    .map((doc, index) => {
      const object = doc as Partial<Manifest>;
      if (!object.apiVersion || !object.kind || !object.metadata?.name) {
        throw new UserError(
          `${where}: manifest document ${index + 1} lacks apiVersion, kind or metadata.name`,
          'render the manifests (kustomize/helm) before verification',
        );
      }
      return structuredClone(object) as Manifest;
    });
}

function addLabels(target: Labelled, labels: Record<string, string>): void {
  target.metadata = target.metadata ?? {};
  target.metadata.labels = { ...target.metadata.labels, ...labels };
}

function isWorkload(object: Manifest): object is Manifest & { kind: WorkloadKind } {
  return object.apiVersion === 'apps/v1' && (WORKLOAD_KINDS as readonly string[]).includes(object.kind);
}

export interface ApplyContext {
  client: KubernetesObjectApi;
  /** Sandbox name, for messages. */
  where: string;
  labels: Record<string, string>;
}

export async function applyManifests(ctx: ApplyContext, manifests: Manifests): Promise<AppliedObjects> {
  const objects = parseManifests(manifests, ctx.where);
  const result: AppliedObjects = { workloads: [], services: [], applied: [] };
  for (const object of objects) {
    addLabels(object, ctx.labels);
    const namespace = object.metadata.namespace ?? 'default';
    if (isWorkload(object)) {
      const template = (object as { spec?: { template?: Labelled } }).spec?.template;
      if (template) addLabels(template, { ...ctx.labels, [SANDBOX_LABELS.workload]: object.metadata.name });
      result.workloads.push({ kind: object.kind, namespace, name: object.metadata.name });
    }
    if (object.apiVersion === 'v1' && object.kind === 'Service') {
      result.services.push({ namespace, name: object.metadata.name });
    }
  }
  // Namespaces the manifests use but do not declare: a fresh virtual cluster only has `default`.
  const declared = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  const missing = [...new Set(objects.map((o) => o.metadata.namespace).filter((ns) => ns !== undefined))]
    .filter((ns) => ns !== 'default' && !declared.has(ns))
    .map(
      (ns): Manifest => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: ctx.labels } }),
    );
  const ordered = [
    ...missing,
    ...objects.filter((o) => o.kind === 'Namespace'),
    ...objects.filter((o) => o.kind !== 'Namespace'),
  ];
  for (const object of ordered) {
    await applyOne(ctx, object);
    result.applied.push(`${object.kind}/${object.metadata.name}`);
  }
  return result;
}

async function applyOne(ctx: ApplyContext, object: Manifest): Promise<void> {
  const what = `${object.kind}/${object.metadata.name}`;
  try {
    await ctx.client.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  } catch (error: unknown) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
    const status = apiStatusOf(error);
    // Discovery found no such kind in the group/version, or no such group/version (404 on /apis/G/V).
    const unknownKind =
      /Unrecognized API version and kind/.test(message) ||
      (/Failed to fetch resource metadata/.test(message) && status?.code === 404);
    if (unknownKind) {
      throw new UserError(
        `${ctx.where}: the virtual cluster does not serve ${object.apiVersion} ${object.kind} (${what})`,
        'install its CRD in the manifests or leave it out of verification',
      );
    }
    if (status && status.code >= 400 && status.code < 500) {
      throw new UserError(
        `${ctx.where}: server-side apply of ${what} was refused (${status.code}): ${status.message}`,
        'fix the manifest in the pull request',
      );
    }
    throw new Error(
      `${ctx.where}: server-side apply of ${what} failed: ${status ? `${status.code} ${status.message}` : message}`,
    );
  }
}
