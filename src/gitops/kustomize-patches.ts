// The patches of one kustomization, loaded and matched against one object: which patch documents
// target it, and whether they set a given path (strategic merge) or touch it (JSON6902 ops).
import { parse } from 'yaml';
import { findIndex, getJs, isPlainObject, MISSING } from './js-path.js';
import type { RepoFiles } from './repo-files.js';
import type { Kustomization, KustomizePatch, PatchTarget, PathSeg } from './types.js';

export interface PatchDoc {
  patch: KustomizePatch;
  kustomization: Kustomization;
  type: 'smp' | 'json6902';
  /** Where the document lives: a file doc, or a block string inside kustomization.yaml. */
  file: string;
  doc: number;
  embedded?: PathSeg[];
  content: unknown;
}

export interface ObjectNames {
  kind: string;
  /** Original name plus the names it has after each kustomize level. */
  names: string[];
  labels: Record<string, string>;
}

function nameMatches(pattern: string, names: string[]): boolean {
  try {
    // kustomize treats target names as anchored regular expressions.
    const re = new RegExp(`^(?:${pattern})$`);
    return names.some((n) => re.test(n));
  } catch {
    return names.includes(pattern);
  }
}

function selectorMatches(selector: string, labels: Record<string, string>): boolean | undefined {
  const terms = selector
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  for (const term of terms) {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m?.[1] || !m[2]) return undefined;
    const has = labels[m[1]] === m[3];
    if (m[2] === '!=' ? has : !has) return false;
  }
  return true;
}

export function targetMatches(target: PatchTarget, obj: ObjectNames): boolean {
  if (target.kind !== undefined && target.kind !== obj.kind) return false;
  if (target.name !== undefined && !nameMatches(target.name, obj.names)) return false;
  if (target.labelSelector !== undefined && selectorMatches(target.labelSelector, obj.labels) === false)
    return false;
  return true;
}

function isOpList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((op) => isPlainObject(op) && typeof op.op === 'string')
  );
}

/** Every patch document of `k`, parsed. Unreadable patches become notes. */
export async function loadPatchDocs(
  k: Kustomization,
  files: RepoFiles,
  notes: string[],
): Promise<PatchDoc[]> {
  const out: PatchDoc[] = [];
  const kDocs = await files.docs(k.file);
  const kJs = Array.isArray(kDocs) ? kDocs[0] : undefined;
  for (const patch of k.patches) {
    const base = { patch, kustomization: k };
    if (patch.file) {
      const docs = await files.docs(patch.file);
      if (!Array.isArray(docs)) {
        notes.push(docs.error);
        continue;
      }
      docs.forEach((content, doc) => {
        const type = patch.field === 'patchesJson6902' || isOpList(content) ? 'json6902' : 'smp';
        out.push({ ...base, type, file: patch.file as string, doc, content });
      });
      continue;
    }
    const embedded: PathSeg[] =
      patch.field === 'patchesStrategicMerge'
        ? [patch.field, patch.entry]
        : [patch.field, patch.entry, 'patch'];
    const text = getJs(kJs, embedded);
    if (typeof text !== 'string') continue;
    let content: unknown;
    try {
      content = parse(text);
    } catch {
      notes.push(`${k.file}: inline patch ${patch.field}[${patch.entry}] does not parse`);
      continue;
    }
    const type = patch.field === 'patchesJson6902' || isOpList(content) ? 'json6902' : 'smp';
    out.push({ ...base, type, file: k.file, doc: 0, embedded, content });
  }
  return out;
}

/** True when the patch document applies to the object. */
export function patchTargets(p: PatchDoc, obj: ObjectNames): boolean {
  if (p.patch.target && !targetMatches(p.patch.target, obj)) return false;
  if (p.type === 'json6902') return p.patch.target !== undefined;
  if (p.patch.target) return true;
  const c = p.content;
  if (!isPlainObject(c)) return false;
  const meta = isPlainObject(c.metadata) ? c.metadata : {};
  return c.kind === obj.kind && typeof meta.name === 'string' && obj.names.includes(meta.name);
}

/** `/spec/containers/0/image` → ['spec', 'containers', '0', 'image'] (RFC 6901 unescaped). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The change path with list selectors resolved to indexes in `object` (for comparing with pointers). */
export function concretePath(object: unknown, path: PathSeg[]): string[] | undefined {
  const out: string[] = [];
  let cur: unknown = object;
  for (const seg of path) {
    if (typeof seg === 'string') {
      out.push(seg);
      cur = isPlainObject(cur) ? cur[seg] : undefined;
      continue;
    }
    if (!Array.isArray(cur)) return undefined;
    const i = findIndex(cur, seg);
    if (i < 0) return undefined;
    out.push(String(i));
    cur = cur[i];
  }
  return out;
}

export interface JsonOpHit {
  /** Index of the op in the patch list. */
  op: number;
  /** Path inside the patch document to edit (e.g. [2, 'value', 'limits', 'memory']). */
  path: PathSeg[];
  /** The op sets exactly the change path (false: it sets an ancestor). */
  exact: boolean;
  kind: string;
}

/** The last op of a JSON6902 patch that sets the path or one of its ancestors. */
export function jsonOpFor(p: PatchDoc, object: unknown, path: PathSeg[]): JsonOpHit | undefined {
  const concrete = concretePath(object, path);
  if (!concrete || !Array.isArray(p.content)) return undefined;
  let hit: JsonOpHit | undefined;
  p.content.forEach((op, i) => {
    if (!isPlainObject(op) || typeof op.path !== 'string' || typeof op.op !== 'string') return;
    const segs = pointerSegments(op.path);
    if (segs.length > concrete.length || !segs.every((s, j) => s === concrete[j])) return;
    // concretePath has one entry per PathSeg, so the remainder lines up.
    const rest = path.slice(segs.length);
    hit = { op: i, path: [i, 'value', ...rest], exact: rest.length === 0, kind: op.op };
  });
  return hit;
}

export function smpSets(p: PatchDoc, path: PathSeg[]): 'leaf' | 'parent' | undefined {
  if (getJs(p.content, path) !== MISSING) return 'leaf';
  if (path.length > 1 && isPlainObject(getJs(p.content, path.slice(0, -1)))) return 'parent';
  return undefined;
}
