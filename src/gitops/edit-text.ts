// Applies one primitive set/remove to one document of a YAML text by splicing at node ranges. The
// caller (edit-file.ts) decomposes bigger changes into these and verifies the result.
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parseAllDocuments,
  visit,
} from 'yaml';
import { nest, pathToString } from './js-path.js';
import type { PathSeg } from './types.js';
import { navigate } from './yaml-nav.js';
import type { BlockStyle } from './yaml-render.js';
import {
  appendItem,
  applySplice,
  column,
  fillEmpty,
  insertPair,
  removeItem,
  removePair,
  replaceScalar,
  type SpliceResult,
} from './yaml-splice.js';

export interface PrimitiveOp {
  path: PathSeg[];
  op: 'set' | 'remove';
  value?: unknown;
}

/** Indentation habits of the document, so that inserted blocks look like their neighbours. */
function detectStyle(text: string, doc: Document): BlockStyle {
  const style: BlockStyle = { indent: 2, indentSeq: true };
  let seenMap = false;
  let seenSeq = false;
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      if (!key?.range || !value || (!isMap(value) && !isSeq(value)) || value.flow) return;
      const first = value.items[0];
      const firstNode = (isPair(first) ? first.key : first) as Node | undefined;
      if (!firstNode?.range) return;
      const keyCol = column(text, key.range[0]);
      const childCol = column(text, firstNode.range[0]);
      if (isMap(value) && !seenMap && childCol > keyCol) {
        style.indent = childCol - keyCol;
        seenMap = true;
      }
      if (isSeq(value) && !seenSeq) {
        // The item's content starts 2 columns after its dash.
        style.indentSeq = childCol - 2 > keyCol;
        seenSeq = true;
      }
      if (seenMap && seenSeq) return visit.BREAK;
      return undefined;
    },
  });
  return style;
}

function parseDoc(text: string, index: number): Document | { error: string } {
  const docs = parseAllDocuments(text);
  const doc = docs[index];
  if (!doc) return { error: `document ${index} does not exist` };
  const err = doc.errors[0];
  if (err) return { error: err.message.split('\n')[0] ?? 'invalid YAML' };
  return doc as Document;
}

function spliceFor(text: string, doc: Document, op: PrimitiveOp): SpliceResult | 'noop' {
  const describe = (i: number) => pathToString(op.path.slice(0, i)) || 'the document root';
  const nav = navigate(doc, op.path, describe);
  if ('error' in nav) return nav;
  const style = detectStyle(text, doc);
  const last = nav.steps[nav.steps.length - 1];
  if (op.op === 'remove') {
    if (nav.found < op.path.length || !last) return 'noop';
    return isMap(last.parent)
      ? removePair(text, last.parent, last.index)
      : removeItem(text, last.parent, last.index);
  }
  if (nav.found === op.path.length) {
    const node = nav.node;
    const isObj = typeof op.value === 'object' && op.value !== null;
    if ((node === null || (isScalar(node) && node.value === null)) && isObj && last?.pair) {
      return fillEmpty(text, last.pair, op.value, style);
    }
    if (isScalar(node) && !isObj) return replaceScalar(text, node, op.value, Boolean(last?.parent.flow));
    return {
      error: `${describe(op.path.length)} is a ${node === null ? 'null' : 'collection'}; cannot replace it in place`,
    };
  }
  const seg = op.path[nav.found] as PathSeg;
  const rest = op.path.slice(nav.found + 1);
  if (nav.blocked === 'null') {
    if (!last?.pair) return { error: `${describe(nav.found)} is empty and not a map key` };
    return fillEmpty(text, last.pair as Pair, nest(op.path.slice(nav.found), op.value), style);
  }
  if (nav.blocked === 'scalar') return { error: `${describe(nav.found)} is a scalar, not a collection` };
  const container = nav.node;
  if (typeof seg === 'string') {
    if (!isMap(container)) return { error: `${describe(nav.found)} is not a map` };
    return insertPair(text, container, seg, nest(rest, op.value), style);
  }
  if (!isSeq(container)) return { error: `${describe(nav.found)} is not a list` };
  if (typeof seg === 'number' && seg !== container.items.length)
    return { error: `${describe(nav.found + 1)} is out of range` };
  const created = nest([seg, ...rest], op.value);
  return appendItem(text, container, Array.isArray(created) ? created[0] : created, style);
}

/** Applies one op to document `docIndex` of `text`. */
export function applyOp(text: string, docIndex: number, op: PrimitiveOp): string | { error: string } {
  const doc = parseDoc(text, docIndex);
  if ('error' in doc) return doc;
  const splice = spliceFor(text, doc, op);
  if (splice === 'noop') return text;
  if ('error' in splice) return splice;
  return applySplice(text, splice);
}

/** The YAML text held by a block-literal string at `path`, with its indentation removed. */
export interface EmbeddedText {
  inner: string;
  /** Re-embeds an edited inner text into the outer text. */
  replace: (newInner: string) => string;
}

export function embeddedText(
  text: string,
  docIndex: number,
  path: PathSeg[],
): EmbeddedText | { error: string } {
  const doc = parseDoc(text, docIndex);
  if ('error' in doc) return doc;
  const nav = navigate(doc, path, (i) => pathToString(path.slice(0, i)));
  if ('error' in nav) return nav;
  const node = nav.node;
  if (nav.found !== path.length || !isScalar(node) || node.type !== 'BLOCK_LITERAL' || !node.range) {
    return { error: `${pathToString(path)} is not a block literal (|) holding YAML; edit it by hand` };
  }
  const headerEnd = text.indexOf('\n', node.range[0]) + 1;
  const end = node.range[1];
  if (headerEnd <= 0 || headerEnd > end) return { error: `${pathToString(path)} has no content` };
  const content = text.slice(headerEnd, end);
  const lines = content.split('\n');
  const indent = Math.min(
    ...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length),
  );
  if (!Number.isFinite(indent)) return { error: `${pathToString(path)} is empty` };
  const inner = lines.map((l) => (l.trim() === '' ? '' : l.slice(indent))).join('\n');
  const pad = ' '.repeat(indent);
  return {
    inner,
    replace: (newInner) =>
      text.slice(0, headerEnd) +
      newInner
        .split('\n')
        .map((l) => (l === '' ? '' : pad + l))
        .join('\n') +
      text.slice(end),
  };
}
