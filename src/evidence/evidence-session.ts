// One evidence-gathering run over a ClusterReader: unavailable kinds become notes instead of
// failures (partial evidence is normal under a narrow RBAC role), and identical list calls are
// asked once. Other errors (network, bugs) propagate: they are the caller's to retry.
import type { KubeObject, WorkloadKind } from '../core/k8s.js';
import {
  type ClusterReader,
  EvidenceUnavailable,
  type ListKind,
  type ListOptions,
  type LogOptions,
} from './cluster-reader.js';

export const WORKLOAD_LIST_KIND: Record<WorkloadKind, ListKind> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
  CronJob: 'cronjobs',
};

export type LogResult = { text?: string; requestError?: string };

export class EvidenceSession {
  private readonly seenNotes = new Set<string>();
  readonly notes: string[] = [];
  private readonly lists = new Map<string, Promise<KubeObject[]>>();

  constructor(readonly reader: ClusterReader) {}

  note(text: string): void {
    if (this.seenNotes.has(text)) return;
    this.seenNotes.add(text);
    this.notes.push(text);
  }

  /** Items of a kind; [] plus a note when the kind is unavailable. */
  list(kind: ListKind, namespace?: string, options: ListOptions = {}): Promise<KubeObject[]> {
    const key = JSON.stringify([
      kind,
      namespace ?? null,
      options.labelSelector ?? '',
      options.fieldSelector ?? '',
    ]);
    let pending = this.lists.get(key);
    if (!pending) {
      pending = this.reader.list(kind, namespace, options).catch((error: unknown) => {
        if (!(error instanceof EvidenceUnavailable)) throw error;
        this.note(`${error.kind}: ${error.reason}`);
        return [];
      });
      this.lists.set(key, pending);
    }
    return pending;
  }

  /** One object by name, via a field selector (what the API supports for every kind). */
  async get(kind: ListKind, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const items = await this.list(kind, namespace, { fieldSelector: `metadata.name=${name}` });
    return items.find((item) => item.metadata?.name === name);
  }

  async logs(namespace: string, pod: string, container: string, options: LogOptions): Promise<LogResult> {
    try {
      const text = await this.reader.logs(namespace, pod, container, options);
      return text === undefined ? {} : { text };
    } catch (error: unknown) {
      if (!(error instanceof EvidenceUnavailable)) throw error;
      return { requestError: `Request log error: ${error.reason}` };
    }
  }
}

/** The controlling owner (or the first one) of an object. */
export function controllerOf(object: KubeObject | undefined): { kind: string; name: string } | undefined {
  const owners = object?.metadata?.ownerReferences ?? [];
  const owner = owners.find((o) => o.controller) ?? owners[0];
  return owner ? { kind: owner.kind, name: owner.name } : undefined;
}

export function nameOf(object: { metadata?: { name?: string } } | undefined): string {
  return object?.metadata?.name ?? '';
}

/**
 * Typed view of listed items. The API (or kubectl, for a snapshot) produced them, so their shape
 * is the wire shape of the kind; this is the one place that says so.
 */
export function asWire<T>(items: KubeObject[]): T[] {
  return items as unknown as T[];
}
