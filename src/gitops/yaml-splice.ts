// Text splices for single YAML edits, computed from `yaml` node ranges. Everything outside the
// returned span stays byte-identical: comments, quoting, flow style, anchors and other documents.
import {
  isCollection,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import {
  type BlockStyle,
  formatScalar,
  renderBlockBody,
  renderFlow,
  renderItem,
  renderPair,
} from './yaml-render.js';

export interface Splice {
  start: number;
  end: number;
  text: string;
}

export type SpliceResult = Splice | { error: string };

export function applySplice(text: string, s: Splice): string {
  return text.slice(0, s.start) + s.text + text.slice(s.end);
}

export function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** Position just after the newline that ends the line holding `pos` (or the end of the text). */
export function lineEndIncl(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

export function column(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

function rangeOf(node: Node): [number, number, number] {
  const r = node.range;
  if (!r) throw new Error('yaml node without a source range');
  return r;
}

/** End of the last real content of a node (excludes trailing comments and a block scalar's newline). */
export function contentEnd(text: string, node: Node | null | undefined, fallback: number): number {
  if (!node) return fallback;
  if (isScalar(node)) {
    let end = rangeOf(node)[1];
    while (end > rangeOf(node)[0] && text[end - 1] === '\n') end--;
    return end;
  }
  if (isCollection(node)) {
    if (node.flow || node.items.length === 0) return rangeOf(node)[1];
    const last = node.items[node.items.length - 1];
    if (isMap(node)) {
      const pair = last as Pair;
      const keyEnd = contentEnd(text, pair.key as Node, fallback);
      return contentEnd(text, pair.value as Node | null, keyEnd);
    }
    return contentEnd(text, last as Node, fallback);
  }
  return rangeOf(node)[1];
}

export function replaceScalar(text: string, node: Scalar, value: unknown, inFlow: boolean): SpliceResult {
  const [start, end] = rangeOf(node);
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    return { start, end: contentEnd(text, node, end), text: formatScalar(value, 'QUOTE_DOUBLE', inFlow) };
  }
  const style =
    node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE' || node.type === 'PLAIN'
      ? node.type
      : undefined;
  // A plain scalar that had no text (`key:`) gets a fresh rendering, separated from the colon.
  const rendered = formatScalar(value, style, inFlow);
  return { start, end, text: start === end && text[start - 1] === ':' ? ` ${rendered}` : rendered };
}

/** The file's own line ending, so that inserted lines match their neighbours. */
function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function insertLines(text: string, afterPos: number, col: number, lines: string[]): Splice {
  const at = lineEndIncl(text, afterPos);
  const eol = eolOf(text);
  const needsNewline = at === text.length && !text.endsWith('\n') && text.length > 0;
  const body = lines.map((l, i) => (i === 0 ? ' '.repeat(col) + l : l)).join(eol);
  return { start: at, end: at, text: `${needsNewline ? eol : ''}${body}${eol}` };
}

export function insertPair(
  text: string,
  map: YAMLMap,
  key: string,
  value: unknown,
  style: BlockStyle,
): SpliceResult {
  const [start] = rangeOf(map);
  const items = map.items as Pair[];
  const last = items[items.length - 1];
  if (map.flow) {
    const entry = `${formatScalar(key, undefined, true)}: ${renderFlow(value)}`;
    if (!last) return { start: start + 1, end: start + 1, text: entry };
    const end = contentEnd(text, last.value as Node | null, contentEnd(text, last.key as Node, start));
    return { start: end, end, text: `, ${entry}` };
  }
  const first = items[0];
  if (!first || !last) return { error: 'cannot add to an empty block map' };
  const col = column(text, rangeOf(first.key as Node)[0]);
  const end = contentEnd(text, last.value as Node | null, contentEnd(text, last.key as Node, start));
  return insertLines(text, end, col, renderPair(key, value, col, style));
}

function dashColumn(text: string, item: Node): number | undefined {
  const begin = rangeOf(item)[0];
  const from = lineStart(text, begin);
  const dash = text.lastIndexOf('-', begin - 1);
  return dash >= from ? dash - from : undefined;
}

export function appendItem(text: string, seq: YAMLSeq, value: unknown, style: BlockStyle): SpliceResult {
  const [start] = rangeOf(seq);
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (seq.flow) {
    if (!last) return { start: start + 1, end: start + 1, text: renderFlow(value) };
    const end = contentEnd(text, last, start);
    return { start: end, end, text: `, ${renderFlow(value)}` };
  }
  const first = seq.items[0] as Node | undefined;
  const col = first ? dashColumn(text, first) : undefined;
  if (!first || !last || col === undefined) return { error: 'cannot find the list item indentation' };
  return insertLines(text, contentEnd(text, last, start), col, renderItem(value, col, style));
}

/** `key:` with no value (or `key: null`) becomes `key:` followed by a block (or `{...}` / `[...]`). */
export function fillEmpty(text: string, pair: Pair, value: unknown, style: BlockStyle): SpliceResult {
  const key = pair.key as Node;
  const node = pair.value as Node | null;
  if (isScalar(node)) {
    const [s, e] = rangeOf(node);
    if (e > s) return { start: s, end: e, text: renderFlow(value) };
  }
  const col = column(text, rangeOf(key)[0]);
  const nested = col + (Array.isArray(value) && !style.indentSeq ? 0 : style.indent);
  const lines = renderBlockBody(value, nested, style);
  const nl = text.indexOf('\n', rangeOf(key)[1]);
  const at = nl < 0 ? text.length : text[nl - 1] === '\r' ? nl - 1 : nl;
  const eol = eolOf(text);
  return { start: at, end: at, text: `${eol}${lines.join(eol)}` };
}

function removeFlowEntry(items: Node[], index: number, owner: Node, ends: (n: Node) => number): Splice {
  const [start, end] = rangeOf(owner);
  if (items.length === 1) return { start: start + 1, end: end - 1, text: '' };
  const startOf = (n: Node) => rangeOf(n)[0];
  const item = items[index] as Node;
  const next = items[index + 1];
  if (next) return { start: startOf(item), end: startOf(next), text: '' };
  return { start: ends(items[index - 1] as Node), end: ends(item), text: '' };
}

export function removePair(text: string, map: YAMLMap, index: number): SpliceResult {
  const items = map.items as Pair[];
  const pair = items[index];
  if (!pair) return { error: 'no such key' };
  const key = pair.key as Node;
  const pairEnd = (p: Pair) => contentEnd(text, p.value as Node | null, contentEnd(text, p.key as Node, 0));
  if (map.flow) {
    // Flow entries are removed by their key span; a pair's own range is not tracked by yaml.
    const keys = items.map((p) => p.key as Node);
    const ends = (n: Node) => pairEnd(items[keys.indexOf(n)] as Pair);
    return removeFlowEntry(keys, index, map, ends);
  }
  const start = lineStart(text, rangeOf(key)[0]);
  if (text.slice(start, rangeOf(key)[0]).trim() !== '') {
    return { error: 'the key shares its line with a list dash or parent key; edit it by hand' };
  }
  return { start, end: lineEndIncl(text, pairEnd(pair)), text: '' };
}

export function removeItem(text: string, seq: YAMLSeq, index: number): SpliceResult {
  const items = seq.items as Node[];
  const item = items[index];
  if (!item) return { error: 'no such list item' };
  if (seq.flow) return removeFlowEntry(items, index, seq, (n) => contentEnd(text, n, 0));
  const start = lineStart(text, rangeOf(item)[0]);
  if (!/^\s*-\s*$/.test(text.slice(start, rangeOf(item)[0])))
    return { error: 'nested list item; edit it by hand' };
  return { start, end: lineEndIncl(text, contentEnd(text, item, rangeOf(item)[1])), text: '' };
}

export function isBlockMapOrSeq(node: unknown): node is YAMLMap | YAMLSeq {
  return (isMap(node) || isSeq(node)) && !node.flow;
}
