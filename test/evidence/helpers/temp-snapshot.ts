// Builds a `kubectl cluster-info dump` folder from objects, the way kubectl writes it: one List
// per kind and namespace, items without apiVersion/kind, every standard file present.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../src/core/k8s.js';

const FILE_BY_KIND: Record<string, string> = {
  Pod: 'pods',
  Event: 'events',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  Service: 'services',
  DaemonSet: 'daemonsets',
  StatefulSet: 'statefulsets',
  HorizontalPodAutoscaler: 'horizontalpodautoscalers',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  ConfigMap: 'configmaps',
  Job: 'jobs',
  CronJob: 'cronjobs',
  ControllerRevision: 'controllerrevisions',
};
const STANDARD = [
  'events',
  'pods',
  'deployments',
  'replicasets',
  'services',
  'daemonsets',
  'replication-controllers',
];

export interface SnapshotSpec {
  /** Objects with `kind` set (pass `kind` separately via withKind for sources that lack it). */
  objects: KubeObject[];
  nodes?: KubeObject[];
  /** `<ns>/<pod>/logs.txt` (and previous-logs.txt) contents. */
  logs?: { namespace: string; pod: string; text: string; previous?: boolean }[];
}

export function tempDir(prefix = 'aegis-snapshot-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeSnapshot(dir: string, spec: SnapshotSpec): void {
  const groups = new Map<string, KubeObject[]>();
  for (const object of spec.objects) {
    const file = FILE_BY_KIND[object.kind ?? ''];
    if (!file) throw new Error(`no snapshot file for kind ${object.kind}`);
    const ns = object.metadata?.namespace ?? 'default';
    const key = `${ns}/${file}`;
    const { apiVersion: _a, kind: _k, ...item } = object;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const namespaces = new Set([...groups.keys()].map((k) => k.split('/')[0] ?? 'default'));
  for (const ns of namespaces) {
    mkdirSync(join(dir, ns), { recursive: true });
    for (const file of STANDARD) writeList(join(dir, ns, `${file}.json`), groups.get(`${ns}/${file}`) ?? []);
  }
  for (const [key, items] of groups) writeList(join(dir, `${key}.json`), items);
  writeList(join(dir, 'nodes.json'), spec.nodes ?? []);
  for (const log of spec.logs ?? []) {
    mkdirSync(join(dir, log.namespace, log.pod), { recursive: true });
    writeFileSync(
      join(dir, log.namespace, log.pod, log.previous ? 'previous-logs.txt' : 'logs.txt'),
      log.text,
    );
  }
}

function writeList(path: string, items: KubeObject[]): void {
  writeFileSync(
    path,
    `${JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: {}, items }, null, 4)}\n`,
  );
}

/** Every document of a YAML or JSON fixture file; the later of two same-named objects wins. */
export function loadObjects(path: string, kind?: string): KubeObject[] {
  const text = readFileSync(path, 'utf8');
  const docs: unknown[] = path.endsWith('.json')
    ? [JSON.parse(text)]
    : parseAllDocuments(text).map((d) => d.toJS() as unknown);
  const byName = new Map<string, KubeObject>();
  for (const doc of docs) {
    if (!doc || typeof doc !== 'object') continue;
    const object = { ...(kind ? { kind } : {}), ...(doc as KubeObject) };
    byName.set(`${object.kind}/${object.metadata?.namespace}/${object.metadata?.name}`, object);
  }
  return [...byName.values()];
}

/** A private copy of a scenario snapshot, to plant things in. */
export function copySnapshot(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
}

export function logBlock(namespace: string, pod: string, container: string, lines: string[]): string {
  return [
    `==== START logs for container ${container} of pod ${namespace}/${pod} ====`,
    ...lines,
    `==== END logs for container ${container} of pod ${namespace}/${pod} ====`,
    '',
  ].join('\n');
}
