// Reductions applied to objects before they become evidence: drop bulk nobody reads, keep the
// fields diagnosis uses, and redact every string on the way out.
import type { ConfigMapSummary, KubeEvent, KubeObject, Node, WorkloadKind } from '../core/k8s.js';
import { redactObject } from './redact.js';

/** A copy of the spec as kubectl last applied it: bulky, duplicated, and a second home for secrets. */
const DROPPED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

interface WithMetadata {
  metadata?: { managedFields?: unknown; annotations?: Record<string, string> };
}

/** Without managedFields and duplicated annotations, every string redacted. */
export function sanitize<T extends WithMetadata>(object: T): T {
  if (!object.metadata) return redactObject(object);
  const { managedFields: _dropped, ...metadata } = object.metadata;
  if (metadata.annotations) {
    metadata.annotations = Object.fromEntries(
      Object.entries(metadata.annotations).filter(([key]) => !DROPPED_ANNOTATIONS.includes(key)),
    );
  }
  return redactObject({ ...object, metadata });
}

/** What scheduling and node-failure reasoning needs: name, labels, taints, conditions, allocatable. */
export function slimNode(node: KubeObject): Node {
  const spec = (node.spec ?? {}) as { taints?: unknown[]; unschedulable?: boolean };
  const status = (node.status ?? {}) as { conditions?: unknown[]; allocatable?: Record<string, string> };
  return redactObject({
    metadata: {
      name: node.metadata?.name ?? '',
      ...(node.metadata?.labels ? { labels: node.metadata.labels } : {}),
    },
    spec: {
      ...(spec.taints ? { taints: spec.taints } : {}),
      ...(spec.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      ...(status.conditions ? { conditions: status.conditions } : {}),
      ...(status.allocatable ? { allocatable: status.allocatable } : {}),
    },
  }) as Node;
}

/** Names and keys only: ConfigMap values never leave the process. */
export function configMapSummary(configMap: KubeObject): ConfigMapSummary {
  const data = (configMap.data ?? {}) as Record<string, unknown>;
  const binary = (configMap.binaryData ?? {}) as Record<string, unknown>;
  return {
    name: configMap.metadata?.name ?? '',
    keys: [...Object.keys(data), ...Object.keys(binary)].sort(),
  };
}

export interface ContainerImages {
  containers?: { name: string; image?: string }[];
  initContainers?: { name: string; image?: string }[];
}

/** Container name → image of a pod spec, init containers included. */
export function specImages(spec: ContainerImages | undefined): Record<string, string> {
  const images: Record<string, string> = {};
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])])
    if (c.image) images[c.name] = c.image;
  return images;
}

/** The pod template spec of a workload (CronJob nests it in jobTemplate). */
export function templateSpec(object: KubeObject | undefined): ContainerImages | undefined {
  const spec = object?.spec as
    | {
        template?: { spec?: ContainerImages };
        jobTemplate?: { spec?: { template?: { spec?: ContainerImages } } };
      }
    | undefined;
  return spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec;
}

export function sibling(kind: WorkloadKind, object: KubeObject) {
  return { kind, name: object.metadata?.name ?? '', images: specImages(templateSpec(object)) };
}

/**
 * When an event last happened. Events written through events.k8s.io leave lastTimestamp null
 * and set eventTime (and series.lastObservedTime when they repeat).
 */
export function eventTimestamp(event: KubeEvent): number {
  const series = (event as { series?: { lastObservedTime?: string } }).series;
  const stamp =
    event.lastTimestamp ??
    series?.lastObservedTime ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata?.creationTimestamp;
  const time = stamp ? Date.parse(String(stamp)) : Number.NaN;
  return Number.isFinite(time) ? time : 0;
}

/** Oldest first (newest last), stable for equal times. */
export function sortEvents(events: readonly KubeEvent[]): KubeEvent[] {
  return events
    .map((event, index) => ({ event, index, time: eventTimestamp(event) }))
    .sort((a, b) => a.time - b.time || a.index - b.index)
    .map((e) => e.event);
}
