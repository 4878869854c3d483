// Where a Helm release's values live, highest precedence first (Argo CD order: parameters,
// valuesObject, values, the last valueFiles entry ... the chart's values.yaml), and how a values key
// path lines up with a field of the rendered object.
import { parse } from 'yaml';
import { isPlainObject } from './js-path.js';
import type { RepoFiles } from './repo-files.js';
import type { HelmSource, PathSeg } from './types.js';

export interface ValuesLocation {
  file: string;
  doc: number;
  /** Path of the values root inside the document ([] for a values file). */
  base: PathSeg[];
  values: unknown;
  kind: 'parameters' | 'valuesObject' | 'values' | 'file';
  /** True for the chart's own values.yaml. */
  chartDefault: boolean;
}

export interface ValuesLeaf {
  keyPath: string[];
  value: unknown;
}

export function sourceBase(source: number): PathSeg[] {
  return source < 0 ? ['spec', 'source'] : ['spec', 'sources', source];
}

export async function valuesLocations(
  source: HelmSource,
  files: RepoFiles,
  notes: string[],
): Promise<ValuesLocation[]> {
  const out: ValuesLocation[] = [];
  const app = source.app;
  const src = app.sources.find((s) => s.index === source.source);
  const helm = src?.helm;
  const base = [...sourceBase(source.source), 'helm'];
  if (helm && helm.parameters.length > 0) {
    const params: Record<string, string> = {};
    for (const p of helm.parameters) params[p.name] = p.value;
    out.push({
      file: app.file,
      doc: app.doc,
      base: [...base, 'parameters'],
      values: params,
      kind: 'parameters',
      chartDefault: false,
    });
  }
  if (helm?.valuesObject !== undefined) {
    out.push({
      file: app.file,
      doc: app.doc,
      base: [...base, 'valuesObject'],
      values: helm.valuesObject,
      kind: 'valuesObject',
      chartDefault: false,
    });
  }
  if (helm?.values !== undefined) {
    try {
      out.push({
        file: app.file,
        doc: app.doc,
        base: [...base, 'values'],
        values: parse(helm.values),
        kind: 'values',
        chartDefault: false,
      });
    } catch {
      notes.push(`${app.file}: helm.values of Application ${app.name} does not parse`);
    }
  }
  const [chartDefault, ...envFiles] = source.valueFiles;
  for (const file of [...envFiles].reverse()) {
    const docs = await files.docs(file);
    if (!Array.isArray(docs)) {
      notes.push(docs.error);
      continue;
    }
    out.push({ file, doc: 0, base: [], values: docs[0] ?? {}, kind: 'file', chartDefault: false });
  }
  if (chartDefault !== undefined) {
    const docs = await files.docs(chartDefault);
    if (Array.isArray(docs))
      out.push({
        file: chartDefault,
        doc: 0,
        base: [],
        values: docs[0] ?? {},
        kind: 'file',
        chartDefault: true,
      });
    else notes.push(docs.error);
  }
  return out;
}

/** Scalar leaves (and maps, for parent lookups) of a values tree; lists are not descended. */
export function valuesLeaves(loc: ValuesLocation): ValuesLeaf[] {
  if (loc.kind === 'parameters' && isPlainObject(loc.values)) {
    return Object.entries(loc.values).map(([name, value]) => ({ keyPath: name.split('.'), value }));
  }
  const out: ValuesLeaf[] = [];
  const walk = (value: unknown, keyPath: string[]) => {
    out.push({ keyPath, value });
    if (!isPlainObject(value)) return;
    for (const [k, v] of Object.entries(value)) walk(v, [...keyPath, k]);
  };
  walk(loc.values, []);
  return out.filter((l) => l.keyPath.length > 0);
}

const LAST_KEY_ALIASES: Record<string, string[]> = {
  replicas: ['replicaCount', 'replicas'],
};

/** How many trailing keys of `keyPath` line up with `tail` (the object path's last segments). */
export function suffixScore(keyPath: string[], tail: string[]): number {
  let score = 0;
  for (let i = 1; i <= Math.min(keyPath.length, tail.length); i++) {
    const key = keyPath[keyPath.length - i] as string;
    const want = tail[tail.length - i] as string;
    const ok = key === want || (i === 1 && (LAST_KEY_ALIASES[want] ?? []).includes(key));
    if (!ok) break;
    score = i;
  }
  return score;
}

/** The trailing string segments of an object path (`resources.limits.memory`, `spec.replicas`). */
export function pathTail(path: PathSeg[]): string[] {
  const tail: string[] = [];
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i];
    if (typeof seg !== 'string') break;
    tail.unshift(seg);
  }
  return tail;
}

/** The DocEdit path for a values key path at a location. */
export function editPathFor(loc: ValuesLocation, keyPath: string[]): PathSeg[] {
  if (loc.kind === 'parameters') return [...loc.base, { match: { name: keyPath.join('.') } }, 'value'];
  return [...loc.base, ...keyPath];
}
