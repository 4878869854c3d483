// Reads a kustomization.yaml (already parsed) into the index's Kustomization shape. Paths are made
// repo-relative; remote bases (URLs, `github.com/...?ref=`) cannot be followed offline and are
// reported in notes instead.
import path from 'node:path';
import { isRecord, str } from './load-yaml.js';
import type { HelmChartRef, ImageOverride, Kustomization, KustomizePatch, PatchTarget } from './types.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

export function isKustomizationFile(file: string): boolean {
  const base = path.posix.basename(file);
  return (KUSTOMIZATION_FILES as readonly string[]).includes(base);
}

export function isRemote(ref: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(ref) ||
    ref.includes('?ref=')
  );
}

/** `dir`-relative reference → repo-relative path ('' for the root); undefined when it leaves the repo. */
export function resolveRef(dir: string, ref: string): string | undefined {
  const joined = path.posix.normalize(path.posix.join(dir || '.', ref));
  if (joined === '..' || joined.startsWith('../')) return undefined;
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(str).filter((v): v is string => v !== undefined) : [];
}

function target(value: unknown): PatchTarget | undefined {
  if (!isRecord(value)) return undefined;
  const out: PatchTarget = {};
  for (const key of [
    'group',
    'version',
    'kind',
    'name',
    'namespace',
    'labelSelector',
    'annotationSelector',
  ] as const) {
    const v = str(value[key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function patchesOf(dir: string, js: Record<string, unknown>, notes: string[]): KustomizePatch[] {
  const out: KustomizePatch[] = [];
  const add = (
    field: KustomizePatch['field'],
    entry: number,
    ref: string | undefined,
    t: PatchTarget | undefined,
  ) => {
    const patch: KustomizePatch = { field, entry, inline: ref === undefined };
    if (ref !== undefined) {
      const file = resolveRef(dir, ref);
      if (file === undefined) {
        notes.push(`${dir || '.'}: patch ${ref} is outside the repository`);
        return;
      }
      patch.file = file;
    }
    if (t) patch.target = t;
    out.push(patch);
  };
  const smp = Array.isArray(js.patchesStrategicMerge) ? js.patchesStrategicMerge : [];
  smp.forEach((entry, i) => {
    const text = str(entry);
    // An entry is either a file name or an inline patch document.
    if (text !== undefined)
      add('patchesStrategicMerge', i, text.includes('\n') ? undefined : text, undefined);
  });
  const json = Array.isArray(js.patchesJson6902) ? js.patchesJson6902 : [];
  json.forEach((entry, i) => {
    if (isRecord(entry)) add('patchesJson6902', i, str(entry.path), target(entry.target));
  });
  const patches = Array.isArray(js.patches) ? js.patches : [];
  patches.forEach((entry, i) => {
    if (isRecord(entry)) add('patches', i, str(entry.path), target(entry.target));
    else if (typeof entry === 'string') add('patches', i, entry, undefined);
  });
  return out;
}

function imagesOf(js: Record<string, unknown>): ImageOverride[] {
  const images = Array.isArray(js.images) ? js.images : [];
  const out: ImageOverride[] = [];
  images.forEach((entry, i) => {
    if (!isRecord(entry)) return;
    const name = str(entry.name);
    if (name === undefined) return;
    const image: ImageOverride = { entry: i, name };
    const newName = str(entry.newName);
    const newTag = str(entry.newTag);
    const digest = str(entry.digest);
    if (newName !== undefined) image.newName = newName;
    if (newTag !== undefined) image.newTag = newTag;
    if (digest !== undefined) image.digest = digest;
    out.push(image);
  });
  return out;
}

function helmChartsOf(dir: string, js: Record<string, unknown>): HelmChartRef[] {
  const charts = Array.isArray(js.helmCharts) ? js.helmCharts : [];
  return charts.filter(isRecord).flatMap((c) => {
    const name = str(c.name);
    if (name === undefined) return [];
    const ref: HelmChartRef = { name };
    const releaseName = str(c.releaseName);
    const namespace = str(c.namespace);
    const valuesFile = str(c.valuesFile);
    if (releaseName !== undefined) ref.releaseName = releaseName;
    if (namespace !== undefined) ref.namespace = namespace;
    if (valuesFile !== undefined) {
      const resolved = resolveRef(dir, valuesFile);
      if (resolved !== undefined) ref.valuesFile = resolved;
    }
    return [ref];
  });
}

export function parseKustomization(file: string, js: unknown, notes: string[]): Kustomization {
  const dir = path.posix.dirname(file) === '.' ? '' : path.posix.dirname(file);
  const k = isRecord(js) ? js : {};
  const out: Kustomization = {
    dir,
    file,
    resources: [...strings(k.resources), ...strings(k.bases)],
    components: strings(k.components),
    patches: patchesOf(dir, k, notes),
    images: imagesOf(k),
    helmCharts: helmChartsOf(dir, k),
  };
  const namespace = str(k.namespace);
  const namePrefix = str(k.namePrefix);
  const nameSuffix = str(k.nameSuffix);
  if (namespace !== undefined) out.namespace = namespace;
  if (namePrefix !== undefined) out.namePrefix = namePrefix;
  if (nameSuffix !== undefined) out.nameSuffix = nameSuffix;
  return out;
}
