// Works out which live objects the repository produces and from where: kustomize roots (with their
// namePrefix/nameSuffix/namespace applied level by level), plain YAML directories, and the Argo CD
// Applications that deploy them. Helm releases are matched by name at lookup time (locate.ts)
// because their object names only exist after templating.
import path from 'node:path';
import { isRemote, resolveRef } from './kustomization.js';
import type { ArgoApplication, IndexedDoc, Kustomization, ProducedObject } from './types.js';

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'IngressClass',
  'ClusterIssuer',
]);

interface Output {
  doc: IndexedDoc;
  name: string;
  namespace?: string;
  chain: string[];
}

interface Expanded {
  outputs: Output[];
  files: Set<string>;
}

export interface ProduceInput {
  docsByFile: Map<string, IndexedDoc[]>;
  kustomizations: Kustomization[];
  applications: ArgoApplication[];
  chartDirs: string[];
  notes: string[];
}

export interface Produced {
  produced: Map<string, ProducedObject[]>;
  rootsByFile: Map<string, string[]>;
}

export function objectKey(kind: string, name: string): string {
  return `${kind}/${name}`;
}

function under(dir: string, file: string): boolean {
  return dir === '' || file.startsWith(`${dir}/`);
}

function appsForDir(apps: ArgoApplication[], dir: string, fileDir?: string): ArgoApplication[] {
  return apps.filter((app) =>
    app.sources.some((s) => {
      if (s.path === undefined) return false;
      if (s.path === dir) return true;
      return fileDir !== undefined && s.directoryRecurse === true && under(s.path, fileDir);
    }),
  );
}

function expander(input: ProduceInput) {
  const byDir = new Map(input.kustomizations.map((k) => [k.dir, k]));
  const memo = new Map<string, Expanded>();
  const expand = (dir: string, visiting: Set<string>): Expanded => {
    const cached = memo.get(dir);
    if (cached) return cached;
    const k = byDir.get(dir);
    const result: Expanded = { outputs: [], files: new Set() };
    if (!k || visiting.has(dir)) return result;
    visiting.add(dir);
    result.files.add(k.file);
    for (const p of k.patches) if (p.file) result.files.add(p.file);
    for (const ref of [...k.resources, ...k.components]) {
      if (isRemote(ref)) {
        input.notes.push(`${k.file}: remote resource ${ref} is not followed`);
        continue;
      }
      const target = resolveRef(dir, ref);
      if (target === undefined) continue;
      if (byDir.has(target)) {
        const inner = expand(target, visiting);
        for (const f of inner.files) result.files.add(f);
        for (const o of inner.outputs) result.outputs.push({ ...o, chain: [dir, ...o.chain] });
        continue;
      }
      const docs = input.docsByFile.get(target);
      if (!docs) continue;
      result.files.add(target);
      for (const doc of docs) {
        if (doc.kind === undefined || doc.name === undefined) continue;
        const out: Output = { doc, name: doc.name, chain: [dir] };
        if (doc.namespace !== undefined) out.namespace = doc.namespace;
        result.outputs.push(out);
      }
    }
    // This level's transformers run after its resources are loaded: prefix/suffix wrap the inner
    // names and the namespace transformer overrides whatever the inner levels set.
    for (const o of result.outputs) {
      o.name = `${k.namePrefix ?? ''}${o.name}${k.nameSuffix ?? ''}`;
      if (k.namespace !== undefined && !CLUSTER_SCOPED.has(o.doc.kind ?? '')) o.namespace = k.namespace;
    }
    visiting.delete(dir);
    memo.set(dir, result);
    return result;
  };
  return expand;
}

function addProduced(
  map: Map<string, ProducedObject[]>,
  base: Omit<ProducedObject, 'namespace' | 'apps'>,
  ns: string | undefined,
  apps: ArgoApplication[],
) {
  const key = objectKey(base.kind, base.name);
  const list = map.get(key) ?? [];
  const withNs = (namespace: string | undefined, forApps: ArgoApplication[]): ProducedObject =>
    namespace === undefined ? { ...base, apps: forApps } : { ...base, namespace, apps: forApps };
  if (ns !== undefined || apps.length === 0 || CLUSTER_SCOPED.has(base.kind)) list.push(withNs(ns, apps));
  else {
    // Argo CD puts namespace-less objects in the destination namespace: one live object per app.
    for (const app of apps) list.push(withNs(app.destination.namespace, [app]));
  }
  map.set(key, list);
}

function pushRoot(rootsByFile: Map<string, string[]>, file: string, root: string) {
  const roots = rootsByFile.get(file);
  if (!roots) rootsByFile.set(file, [root]);
  else if (!roots.includes(root)) roots.push(root);
}

export function computeProduced(input: ProduceInput): Produced {
  const produced = new Map<string, ProducedObject[]>();
  const rootsByFile = new Map<string, string[]>();
  const expand = expander(input);
  const referenced = new Set<string>();
  for (const k of input.kustomizations) {
    for (const ref of [...k.resources, ...k.components]) {
      const target = isRemote(ref) ? undefined : resolveRef(k.dir, ref);
      if (target !== undefined && target !== k.dir) referenced.add(target);
    }
  }
  const appDirs = new Set(input.applications.flatMap((a) => a.sources.map((s) => s.path ?? '\0')));
  const consumed = new Set<string>();
  for (const k of input.kustomizations) {
    const isRoot = !referenced.has(k.dir) || appDirs.has(k.dir);
    const expanded = expand(k.dir, new Set());
    for (const f of expanded.files) consumed.add(f);
    if (!isRoot) continue;
    const apps = appsForDir(input.applications, k.dir);
    for (const f of expanded.files) pushRoot(rootsByFile, f, k.dir);
    for (const o of expanded.outputs) {
      const kind = o.doc.kind ?? '';
      addProduced(
        produced,
        { kind, name: o.name, via: 'kustomize', origin: o.doc, root: k.dir, chain: o.chain },
        o.namespace,
        apps,
      );
    }
  }
  const kustomizeDirs = new Set(input.kustomizations.map((k) => k.dir));
  for (const [file, docs] of input.docsByFile) {
    const dir = path.posix.dirname(file) === '.' ? '' : path.posix.dirname(file);
    // Files next to a kustomization.yaml are patches or unused, never applied on their own.
    if (consumed.has(file) || kustomizeDirs.has(dir) || input.chartDirs.some((c) => under(c, file))) continue;
    const apps = appsForDir(input.applications, dir, dir);
    pushRoot(rootsByFile, file, dir);
    for (const doc of docs) {
      if (doc.kind === undefined || doc.name === undefined) continue;
      addProduced(
        produced,
        { kind: doc.kind, name: doc.name, via: 'plain', origin: doc, root: dir, chain: [] },
        doc.namespace,
        apps,
      );
    }
  }
  return { produced, rootsByFile };
}
