// Writes a snapshot folder (DESIGN.md §5) from a live cluster: the files `kubectl cluster-info
// dump --output-directory` writes for the namespaces asked for, as 4-space JSON Lists with the
// API's envelope, `<ns>/<pod>/logs.txt` blocks (init containers first, `Request log error:` for a
// container whose log cannot be read), `previous-logs.txt` for restarted containers, and the
// extras the snapshot reader knows (see snapshot-reader.ts). Never Secrets. Objects are redacted
// like evidence (values under secret-ish keys, secret-shaped strings) and so are log lines.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject, Pod } from '../core/k8s.js';
import { EvidenceUnavailable } from './cluster-reader.js';
import { ResourceUnavailable } from './live-errors.js';
import type { ListDocument, LiveReader } from './live-reader.js';
import type { LiveResource } from './live-resources.js';
import { formatLogBlock } from './log-blocks.js';
import { redact, redactObject } from './redact.js';
import { SNAPSHOT_FILES } from './snapshot-reader.js';

/** What the writer needs of a reader: ListDocument for envelopes, logs for the blocks. */
export type SnapshotSource = Pick<LiveReader, 'listDocument' | 'logs' | 'description'>;

export interface WriteSnapshotOptions {
  namespaces: string[];
  out: string;
  progress?: (message: string) => void;
  /** Log requests in flight at once. Default 6. */
  concurrency?: number;
}

export interface SnapshotSummary {
  /** Written files, relative to `out`. */
  files: string[];
  pods: number;
  /** Kinds or logs that could not be read (also reported through `progress`). */
  skipped: string[];
}

/** kubectl's files first, then the §5 extras, then what only AEGIS writes. */
const NAMESPACE_FILES: readonly LiveResource[] = [
  'events',
  'pods',
  'deployments',
  'replicasets',
  'services',
  'daemonsets',
  'replicationcontrollers',
  'statefulsets',
  'horizontalpodautoscalers',
  'persistentvolumeclaims',
  'configmaps',
  'jobs',
  'cronjobs',
  'controllerrevisions',
];

function fileOf(resource: LiveResource): string {
  return resource === 'replicationcontrollers'
    ? 'replication-controllers.json'
    : SNAPSHOT_FILES[resource].file;
}

export async function writeSnapshot(
  source: SnapshotSource,
  options: WriteSnapshotOptions,
): Promise<SnapshotSummary> {
  const progress = options.progress ?? (() => {});
  const summary: SnapshotSummary = { files: [], pods: 0, skipped: [] };
  const write = async (relative: string, text: string) => {
    await writeFile(join(options.out, relative), text);
    summary.files.push(relative);
  };
  const list = async (resource: LiveResource, namespace?: string): Promise<ListDocument | undefined> => {
    try {
      return await source.listDocument(resource, namespace);
    } catch (error: unknown) {
      if (!(error instanceof ResourceUnavailable)) throw error;
      const where = `${namespace ? `${namespace}/` : ''}${fileOf(resource)}`;
      summary.skipped.push(`${where}: ${error.reason}`);
      progress(`skipped ${where}: ${redact(error.reason)}`);
      return undefined;
    }
  };

  await mkdir(options.out, { recursive: true });
  progress(`reading ${source.description}`);
  for (const resource of ['nodes', 'storageclasses'] as const) {
    const doc = await list(resource);
    if (doc) await write(fileOf(resource), listJson(doc));
  }
  for (const resource of ['applications', 'k8sgptresults'] as const) {
    const doc = await list(resource);
    if (!doc) continue;
    const relevant = doc.items.filter((item) => concernsNamespaces(resource, item, options.namespaces));
    await write(fileOf(resource), listJson({ ...doc, items: relevant.map(withoutSensitive) }));
  }

  for (const namespace of options.namespaces) {
    await mkdir(join(options.out, namespace), { recursive: true });
    let pods: KubeObject[] = [];
    for (const resource of NAMESPACE_FILES) {
      const doc = await list(resource, namespace);
      if (!doc) continue;
      if (resource === 'pods') pods = doc.items;
      await write(join(namespace, fileOf(resource)), listJson(doc));
    }
    progress(`${namespace}: ${pods.length} pods; reading their logs`);
    await forEachLimited(pods, options.concurrency ?? 6, async (pod) => {
      const files = await podLogFiles(source, namespace, pod as Pod, summary);
      const dir = join(namespace, pod.metadata?.name ?? '');
      if (files.current || files.previous) await mkdir(join(options.out, dir), { recursive: true });
      if (files.current) await write(join(dir, 'logs.txt'), files.current);
      if (files.previous) await write(join(dir, 'previous-logs.txt'), files.previous);
    });
    summary.pods += pods.length;
  }
  summary.files.sort();
  return summary;
}

/** A List as kubectl writes it: the API's envelope, 4-space indent, a final newline. */
function listJson(doc: ListDocument): string {
  const list = {
    kind: doc.kind,
    apiVersion: doc.apiVersion,
    metadata: doc.metadata,
    items: doc.items.map(redactObject),
  };
  return `${JSON.stringify(list, null, 4)}\n`;
}

/** logs.txt and previous-logs.txt of one pod (undefined when there is nothing to write). */
async function podLogFiles(source: SnapshotSource, namespace: string, pod: Pod, summary: SnapshotSummary) {
  const name = pod.metadata?.name ?? '';
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map(
    (c) => c.name,
  );
  const current: string[] = [];
  const previous: string[] = [];
  for (const container of containers) {
    const block = await logBlock(source, namespace, name, container, false, summary);
    if (block) current.push(block);
    const status = statuses.find((s) => s.name === container);
    if ((status?.restartCount ?? 0) > 0 || status?.lastState?.terminated) {
      const old = await logBlock(source, namespace, name, container, true, summary);
      if (old) previous.push(old);
    }
  }
  return {
    ...(current.length ? { current: current.join('') } : {}),
    ...(previous.length ? { previous: previous.join('') } : {}),
  };
}

async function logBlock(
  source: SnapshotSource,
  namespace: string,
  pod: string,
  container: string,
  previous: boolean,
  summary: SnapshotSummary,
): Promise<string | undefined> {
  let body: string;
  try {
    const text = await source.logs(namespace, pod, container, { previous });
    if (text === undefined) return undefined;
    body = text === '' ? '' : `${redact(text)}\n`;
  } catch (error: unknown) {
    if (!(error instanceof EvidenceUnavailable)) throw error;
    if (!previous) summary.skipped.push(`${namespace}/${pod} ${container}: ${error.reason}`);
    // kubectl writes the failed request in place of the log.
    body = `Request log error: ${redact(error.reason)}\n`;
  }
  return formatLogBlock(namespace, pod, container, body);
}

/** Applications deploying into, and k8sgpt Results about, the namespaces of the snapshot. */
function concernsNamespaces(
  resource: 'applications' | 'k8sgptresults',
  item: KubeObject,
  namespaces: string[],
): boolean {
  const spec = (item.spec ?? {}) as { destination?: { namespace?: string }; name?: string };
  if (resource === 'k8sgptresults') {
    return namespaces.some((ns) => typeof spec.name === 'string' && spec.name.startsWith(`${ns}/`));
  }
  const resources = (
    (item.status as { resources?: { namespace?: string }[] } | undefined)?.resources ?? []
  ).map((r) => r.namespace);
  return namespaces.some((ns) => spec.destination?.namespace === ns || resources.includes(ns));
}

/** k8sgpt keeps unmasked values next to masked ones; they never reach disk. */
function withoutSensitive(item: KubeObject): KubeObject {
  const spec = item.spec as { error?: { text?: string; sensitive?: unknown }[] } | undefined;
  if (!Array.isArray(spec?.error)) return item;
  return { ...item, spec: { ...spec, error: spec.error.map(({ sensitive: _dropped, ...rest }) => rest) } };
}

async function forEachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
