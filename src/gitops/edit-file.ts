// Applies a file's DocEdits: decomposes each into primitive splices (leaf by leaf, so formatting
// around unchanged keys survives), applies them, re-parses the result and checks it against the
// expected objects. Any difference — a broken file, another document touched, a value not set —
// is an error, never a written file.
import { parseAllDocuments } from 'yaml';
import { applyOp, type EmbeddedText, embeddedText, type PrimitiveOp } from './edit-text.js';
import { deepEqual, getJs, isPlainObject, MISSING, pathToString, removeJs, setJs } from './js-path.js';
import type { DocEdit, PathSeg } from './types.js';

type Planned = { ops: PrimitiveOp[]; state: unknown } | { error: string };

function planRemove(state: unknown, path: PathSeg[], ops: PrimitiveOp[]): unknown {
  if (getJs(state, path) === MISSING) return state;
  const parentPath = path.slice(0, -1);
  const parentSeg = parentPath[parentPath.length - 1];
  const parent = getJs(state, parentPath);
  const size = Array.isArray(parent) ? parent.length : isPlainObject(parent) ? Object.keys(parent).length : 0;
  // Removing the last key of `limits:` would leave `limits: null`; remove the emptied parent instead,
  // but never a list element (a container) or the document itself.
  if (size === 1 && typeof parentSeg === 'string') return planRemove(state, parentPath, ops);
  ops.push({ path, op: 'remove' });
  return removeJs(state, path);
}

type Step = { state: unknown } | { error: string };

function planSet(state: unknown, path: PathSeg[], value: unknown, ops: PrimitiveOp[]): Step {
  const cur = getJs(state, path);
  if (cur === MISSING || cur === null) {
    ops.push({ path, op: 'set', value });
    return { state: setJs(state, path, value) };
  }
  if (isPlainObject(cur) && isPlainObject(value)) {
    // Leaf by leaf: unchanged keys keep their text, comments and quoting.
    let next: Step = { state };
    for (const [k, v] of Object.entries(value)) {
      if ('error' in next) return next;
      next = planSet(next.state, [...path, k], v, ops);
    }
    if ('error' in next) return next;
    let st = next.state;
    for (const k of Object.keys(cur)) if (!Object.hasOwn(value, k)) st = planRemove(st, [...path, k], ops);
    return { state: st };
  }
  if (Array.isArray(cur) && Array.isArray(value) && cur.length === value.length) {
    let next: Step = { state };
    for (let i = 0; i < value.length && !('error' in next); i++)
      next = planSet(next.state, [...path, i], value[i], ops);
    return next;
  }
  const curIsObj = typeof cur === 'object';
  const valIsObj = typeof value === 'object' && value !== null;
  if (curIsObj || valIsObj) {
    return {
      error: `${pathToString(path)}: cannot replace ${curIsObj ? 'a collection' : 'a scalar'} with ${valIsObj ? 'a collection' : 'a scalar'} in place`,
    };
  }
  if (cur === value) return { state };
  ops.push({ path, op: 'set', value });
  return { state: setJs(state, path, value) };
}

function plan(state: unknown, edit: DocEdit): Planned {
  const ops: PrimitiveOp[] = [];
  if (edit.op === 'remove') return { ops, state: planRemove(state, edit.path, ops) };
  const next = planSet(state, edit.path, edit.value, ops);
  return 'error' in next ? next : { ops, state: next.state };
}

function parseDocs(text: string): unknown[] | { error: string } {
  const docs = parseAllDocuments(text);
  const out: unknown[] = [];
  for (const d of docs) {
    const err = d.errors[0];
    if (err) return { error: err.message.split('\n')[0] ?? 'invalid YAML' };
    out.push(d.toJS({ maxAliasCount: 1000 }));
  }
  return out;
}

function applyOps(text: string, doc: number, ops: PrimitiveOp[]): string | { error: string } {
  let cur = text;
  for (const op of ops) {
    const next = applyOp(cur, doc, op);
    if (typeof next !== 'string') return { error: `${pathToString(op.path)}: ${next.error}` };
    cur = next;
  }
  return cur;
}

/** Edits inside a block-literal string that holds YAML (an inline kustomize patch). */
function editEmbedded(text: string, edits: DocEdit[]): string | { error: string } {
  const first = edits[0];
  if (!first?.embedded) return text;
  const emb: EmbeddedText | { error: string } = embeddedText(text, first.doc, first.embedded);
  if ('error' in emb) return emb;
  const after = editFile(
    emb.inner,
    edits.map((e) => ({ ...e, embedded: undefined, doc: 0 })),
  );
  if ('error' in after) return after;
  return emb.replace(after.after);
}

/** Applies all edits of one file and verifies the outcome. */
export function editFile(before: string, edits: DocEdit[]): { after: string } | { error: string } {
  const beforeDocs = parseDocs(before);
  if ('error' in beforeDocs) return { error: `the file does not parse: ${beforeDocs.error}` };
  const expected = [...beforeDocs];
  const embeddedPaths: { doc: number; path: PathSeg[] }[] = [];
  let text = before;
  const groups = new Map<string, DocEdit[]>();
  for (const edit of edits) {
    if (edit.embedded) {
      const key = `${edit.doc}:${JSON.stringify(edit.embedded)}`;
      groups.set(key, [...(groups.get(key) ?? []), edit]);
      continue;
    }
    const planned = plan(expected[edit.doc], edit);
    if ('error' in planned) return planned;
    const next = applyOps(text, edit.doc, planned.ops);
    if (typeof next !== 'string') return next;
    text = next;
    expected[edit.doc] = planned.state;
  }
  for (const group of groups.values()) {
    const next = editEmbedded(text, group);
    if (typeof next !== 'string') return next;
    text = next;
    const first = group[0] as DocEdit;
    embeddedPaths.push({ doc: first.doc, path: first.embedded ?? [] });
  }
  const afterDocs = parseDocs(text);
  if ('error' in afterDocs) return { error: `the edit would break the file: ${afterDocs.error}` };
  if (afterDocs.length !== beforeDocs.length)
    return { error: 'the edit would change the number of documents' };
  for (const { doc, path } of embeddedPaths) {
    // The embedded text was verified on its own; carry its new string into the expected outer doc.
    expected[doc] = setJs(expected[doc], path, getJs(afterDocs[doc], path));
  }
  for (let i = 0; i < afterDocs.length; i++) {
    if (!deepEqual(afterDocs[i], expected[i])) {
      const touched = edits.some((e) => e.doc === i);
      return {
        error: touched
          ? `document ${i} does not hold the expected values after the edit`
          : `the edit would change document ${i}`,
      };
    }
  }
  return { after: text };
}
