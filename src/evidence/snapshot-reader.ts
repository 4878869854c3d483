// ClusterReader over a `kubectl cluster-info dump --output-directory=DIR` folder (DESIGN.md §5):
// DIR/nodes.json, DIR/<ns>/<kind>.json (List objects), DIR/<ns>/<pod>/logs.txt and the optional
// previous-logs.txt. Selectors are applied in memory so callers cannot tell it from the API.
//
// Extras beyond kubectl's layout (all optional; `aegis snapshot` writes them):
//   DIR/<ns>/{statefulsets,horizontalpodautoscalers,persistentvolumeclaims,configmaps}.json
//     (DESIGN.md §5; absent means none exist),
//   DIR/<ns>/{jobs,cronjobs,controllerrevisions}.json and DIR/storageclasses.json
//     (absent means "not recorded": the kind is reported unavailable),
//   DIR/applications.json (Argo CD Applications) and DIR/results.json (k8sgpt Results):
//     List objects across namespaces, at the top like nodes.json because they live in the
//     `argocd` / operator namespace rather than the workload's; absent means none.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import type { KubeObject } from '../core/k8s.js';
import {
  CLUSTER_SCOPED_KINDS,
  type ClusterReader,
  EvidenceUnavailable,
  type ListKind,
  type ListOptions,
  type LogOptions,
} from './cluster-reader.js';
import { parseLogBlocks } from './log-blocks.js';
import { filterObjects, isSafeName } from './object-filter.js';

/**
 * required: always written by kubectl; optional: DESIGN.md §5 extras, absent means none exist;
 * extra: not part of the format, absent means "not recorded" (a note, not an empty list).
 */
export type Presence = 'required' | 'optional' | 'extra';

export const SNAPSHOT_FILES: Readonly<Record<ListKind, { file: string; presence: Presence }>> = {
  pods: { file: 'pods.json', presence: 'required' },
  events: { file: 'events.json', presence: 'required' },
  deployments: { file: 'deployments.json', presence: 'required' },
  replicasets: { file: 'replicasets.json', presence: 'required' },
  services: { file: 'services.json', presence: 'required' },
  daemonsets: { file: 'daemonsets.json', presence: 'required' },
  statefulsets: { file: 'statefulsets.json', presence: 'optional' },
  horizontalpodautoscalers: { file: 'horizontalpodautoscalers.json', presence: 'optional' },
  persistentvolumeclaims: { file: 'persistentvolumeclaims.json', presence: 'optional' },
  configmaps: { file: 'configmaps.json', presence: 'optional' },
  jobs: { file: 'jobs.json', presence: 'extra' },
  cronjobs: { file: 'cronjobs.json', presence: 'extra' },
  controllerrevisions: { file: 'controllerrevisions.json', presence: 'extra' },
  nodes: { file: 'nodes.json', presence: 'required' },
  storageclasses: { file: 'storageclasses.json', presence: 'extra' },
  applications: { file: 'applications.json', presence: 'optional' },
  k8sgptresults: { file: 'results.json', presence: 'optional' },
};

/** Namespaced kinds kept in one top-level file for all namespaces (see the header). */
export const TOP_LEVEL_KINDS: ReadonlySet<ListKind> = new Set(['applications', 'k8sgptresults']);

/** Opens a snapshot folder, failing with one line that names the path when it is not one. */
export async function openSnapshotReader(dir: string): Promise<SnapshotReader> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new UserError(`snapshot folder not found: ${dir}`);
  if (!info.isDirectory()) throw new UserError(`snapshot path is not a folder: ${dir}`);
  const reader = new SnapshotReader(dir);
  const hasNodes = await exists(join(dir, SNAPSHOT_FILES.nodes.file));
  if (!hasNodes && (await reader.namespaces()).length === 0) {
    throw new UserError(`not a cluster snapshot (no nodes.json and no <namespace>/pods.json): ${dir}`);
  }
  return reader;
}

export class SnapshotReader implements ClusterReader {
  readonly description: string;
  /** Parsed files of this snapshot; per instance, so two snapshots never share state. */
  private readonly cache = new Map<string, Promise<KubeObject[] | undefined>>();

  constructor(private readonly dir: string) {
    this.description = `snapshot ${dir}`;
  }

  /** Namespace folders: subfolders holding at least the pods of the dump. */
  async namespaces(): Promise<string[]> {
    const entries = await readdir(this.dir, { withFileTypes: true }).catch(() => []);
    const names = entries.filter((e) => e.isDirectory() && isSafeName(e.name)).map((e) => e.name);
    const present = await Promise.all(names.map((n) => exists(join(this.dir, n, SNAPSHOT_FILES.pods.file))));
    return names.filter((_, i) => present[i]).sort();
  }

  async list(kind: ListKind, namespace?: string, options?: ListOptions): Promise<KubeObject[]> {
    const { file, presence } = SNAPSHOT_FILES[kind];
    if (CLUSTER_SCOPED_KINDS.has(kind)) {
      return filterObjects(await this.required(kind, file, presence), options);
    }
    if (TOP_LEVEL_KINDS.has(kind)) {
      const items = await this.required(kind, file, presence);
      const inNamespace =
        namespace === undefined ? items : items.filter((i) => i.metadata?.namespace === namespace);
      return filterObjects(inNamespace, options);
    }
    if (namespace === undefined) {
      const all = await Promise.all((await this.namespaces()).map((ns) => this.load(kind, join(ns, file))));
      return filterObjects(
        all.flatMap((items) => items ?? []),
        options,
      );
    }
    if (!isSafeName(namespace)) throw new EvidenceUnavailable(kind, `invalid namespace name: ${namespace}`);
    if (!(await exists(join(this.dir, namespace)))) {
      throw new EvidenceUnavailable(kind, `namespace ${namespace} is not in the snapshot`);
    }
    return filterObjects(await this.required(kind, join(namespace, file), presence), options);
  }

  async logs(
    namespace: string,
    pod: string,
    container: string,
    options: LogOptions,
  ): Promise<string | undefined> {
    if (![namespace, pod, container].every(isSafeName)) return undefined;
    const file = join(this.dir, namespace, pod, options.previous ? 'previous-logs.txt' : 'logs.txt');
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    const block = parseLogBlocks(text).find(
      (b) => b.container === container && b.pod === `${namespace}/${pod}`,
    );
    if (!block) return undefined;
    if (block.requestError) {
      throw new EvidenceUnavailable('logs', block.requestError.replace(/^Request log error: /, ''));
    }
    return limitLog(block.lines, options);
  }

  private async required(kind: ListKind, relative: string, presence: Presence): Promise<KubeObject[]> {
    const items = await this.load(kind, relative);
    if (items) return items;
    if (presence === 'optional') return [];
    const reason = presence === 'extra' ? 'not recorded in the snapshot' : `${relative} is missing`;
    throw new EvidenceUnavailable(kind, reason);
  }

  /** Items of one List file; undefined when the file does not exist. */
  private load(kind: ListKind, relative: string): Promise<KubeObject[] | undefined> {
    let pending = this.cache.get(relative);
    if (!pending) {
      pending = readListFile(kind, join(this.dir, relative));
      this.cache.set(relative, pending);
    }
    return pending;
  }
}

async function readListFile(kind: ListKind, path: string): Promise<KubeObject[] | undefined> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EvidenceUnavailable(kind, `cannot read ${path}: ${(error as Error).message}`);
  });
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error: unknown) {
    throw new EvidenceUnavailable(kind, `${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(parsed)) return parsed.filter(isObject);
  if (isObject(parsed) && Array.isArray(parsed.items)) return parsed.items.filter(isObject);
  if (isObject(parsed) && isObject(parsed.metadata)) return [parsed];
  throw new EvidenceUnavailable(kind, `${path} is not a List object`);
}

/** `kubectl logs --tail N --limit-bytes B`: the last N lines, then at most B bytes of them. */
function limitLog(lines: string[], options: LogOptions): string {
  const tail =
    options.tailLines !== undefined ? lines.slice(Math.max(0, lines.length - options.tailLines)) : lines;
  const text = tail.join('\n');
  if (options.limitBytes === undefined) return text;
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= options.limitBytes ? text : bytes.subarray(0, options.limitBytes).toString('utf8');
}

function isObject(value: unknown): value is KubeObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
