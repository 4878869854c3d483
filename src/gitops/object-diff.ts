// Comparing rendered objects: which objects differ, and at which leaf paths, so the blast-radius
// check can tell "only the intended fields of the intended object" from anything else.
import { parseAllDocuments } from 'yaml';
import { deepEqual, isPlainObject } from './js-path.js';

export interface RenderedObject {
  kind: string;
  name: string;
  namespace?: string;
  object: Record<string, unknown>;
}

export function objectId(o: { kind: string; name: string; namespace?: string }): string {
  return `${o.kind}/${o.namespace ?? ''}/${o.name}`;
}

/** Objects of a multi-document YAML stream (List items are unpacked). */
export function parseObjects(text: string, defaultNamespace?: string): Map<string, RenderedObject> {
  const out = new Map<string, RenderedObject>();
  const add = (js: unknown) => {
    if (!isPlainObject(js)) return;
    if (typeof js.kind === 'string' && js.kind.endsWith('List') && Array.isArray(js.items)) {
      for (const item of js.items) add(item);
      return;
    }
    const meta = isPlainObject(js.metadata) ? js.metadata : {};
    if (typeof js.kind !== 'string' || typeof meta.name !== 'string') return;
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : defaultNamespace;
    const o: RenderedObject = {
      kind: js.kind,
      name: meta.name,
      object: js,
      ...(namespace ? { namespace } : {}),
    };
    out.set(objectId(o), o);
  };
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length === 0) add(doc.toJS({ maxAliasCount: 1000 }));
  }
  return out;
}

/** Leaf paths (as string segments, list indexes as numbers in string form) where a and b differ. */
export function diffPaths(a: unknown, b: unknown, prefix: string[] = []): string[][] {
  if (deepEqual(a, b)) return [];
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => diffPaths(a[k], b[k], [...prefix, k]));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((v, i) => diffPaths(v, b[i], [...prefix, String(i)]));
  }
  return [prefix];
}

export function isPrefix(prefix: string[], path: string[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => s === path[i]);
}
