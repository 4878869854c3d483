// Fast pre-scan of a YAML stream: splits documents the way `yaml.parseAllDocuments` counts them and
// reads apiVersion, kind, metadata.name and metadata.namespace (or, in values mode, builds every
// document as plain JS). Full parsing of 10k documents with `yaml` takes seconds; this line scanner
// validates a conservative subset of YAML (block maps and sequences, one-line scalars and flow
// collections, literal block scalars, comments) and returns `undefined` for anything else, so that
// the full parser decides. It never accepts what it does not understand, which keeps "file does not
// parse" reporting exact for the files it hands back.
import { readLineValue, resolvePlain } from './scan-scalar.js';
import {
  assign,
  type Ctx,
  type DocHead,
  endDocument,
  finishBlock,
  recordHead,
  type Slot,
  type State,
} from './scan-state.js';

export type { DocHead } from './scan-state.js';

const KEY_RE = /^([A-Za-z0-9_$./][A-Za-z0-9_$./-]*)(?::(?: |$))/;

/** Document heads, or undefined when the text is outside the subset this scanner checks. */
export function scanYaml(text: string): DocHead[] | undefined {
  return run(text, false)?.docs;
}

/** Every document as plain JS (what `doc.toJS()` gives), or undefined outside the subset. */
export function scanYamlValues(text: string): unknown[] | undefined {
  return run(text, true)?.values;
}

function run(text: string, build: boolean): State | undefined {
  if (text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  const st: State = { build, docs: [], values: [], open: false, stack: [] };
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (!scanLine(st, text.slice(start, end))) return undefined;
    start = end + 1;
  }
  endDocument(st);
  return st.failed ? undefined : st;
}

function scanLine(st: State, line: string): boolean {
  let col = 0;
  while (line.charCodeAt(col) === 32) col++;
  const blank = col === line.length;
  if (st.block) {
    const block = st.block;
    if (blank) {
      if (block.content === undefined) block.blankWidth = Math.max(block.blankWidth, col);
      if (st.build) block.lines.push(line);
      return true;
    }
    if (col > block.parent) {
      if (block.content === undefined) {
        if (block.blankWidth > col) return false;
        block.content = col;
      }
      if (st.build) block.lines.push(line);
      return col >= block.content;
    }
    finishBlock(st, block);
    st.block = undefined;
  }
  if (blank) return true;
  if (line.includes('\t')) return false;
  const rest = line.slice(col);
  if (rest[0] === '#') return true;
  if (col === 0 && (rest.startsWith('---') || rest.startsWith('...') || rest[0] === '%')) {
    if (!/^---(\s*$|\s+#)/.test(rest)) return false;
    endDocument(st);
    st.docs.push({});
    st.values.push(null);
    st.open = true;
    return true;
  }
  if (!st.open) {
    st.docs.push({});
    st.values.push(null);
    st.open = true;
  }
  return scanNode(st, col, rest);
}

function isDash(s: string): boolean {
  return s === '-' || s.startsWith('- ');
}

function open(
  st: State,
  col: number,
  dash: boolean,
  compact: boolean,
  depth: number,
  slot: Slot,
  parentKey?: string,
): Ctx {
  const ctx: Ctx = {
    indent: col,
    type: dash ? 'seq' : 'map',
    keys: new Set(),
    compact,
    depth,
    value: dash ? [] : {},
  };
  if (parentKey !== undefined) ctx.parentKey = parentKey;
  st.stack.push(ctx);
  assign(st, slot, ctx.value);
  return ctx;
}

function scanNode(st: State, col: number, s: string): boolean {
  const dash = isDash(s);
  const pending = st.pending;
  st.pending = undefined;
  if (pending && (col > pending.owner || (col === pending.owner && dash && pending.key !== undefined))) {
    const ctx = open(st, col, dash, col === pending.owner, pending.depth, pending.slot, pending.key);
    return dash ? scanItem(st, ctx, col, s) : scanEntry(st, ctx, col, s);
  }
  if (pending) assign(st, pending.slot, null);
  if (st.stack.length === 0) {
    // First node of a document: only maps and sequences at column 0.
    if (col !== 0) return false;
    const ctx = open(st, 0, dash, false, 0, undefined);
    return dash ? scanItem(st, ctx, col, s) : scanEntry(st, ctx, col, s);
  }
  let top = st.stack[st.stack.length - 1];
  while (top && top.indent > col) {
    st.stack.pop();
    top = st.stack[st.stack.length - 1];
  }
  if (top?.compact && top.indent === col && !dash) {
    st.stack.pop();
    top = st.stack[st.stack.length - 1];
  }
  // A deeper line with no open key is a multi-line scalar (or an error): the full parser decides.
  if (!top || top.indent !== col) return false;
  if (dash) return top.type === 'seq' && scanItem(st, top, col, s);
  return top.type === 'map' && scanEntry(st, top, col, s);
}

function scanItem(st: State, seq: Ctx, col: number, s: string): boolean {
  let inner = 1;
  while (s[inner] === ' ') inner++;
  const body = s.slice(inner);
  const innerCol = col + inner;
  const list = seq.value as unknown[];
  const slot: Slot = { container: list, key: list.length };
  list.push(null);
  if (body === '' || body[0] === '#') {
    st.pending = { owner: col, depth: seq.depth + 1, slot };
    return true;
  }
  if (isDash(body)) return scanItem(st, open(st, innerCol, true, false, seq.depth + 1, slot), innerCol, body);
  if (matchKey(body))
    return scanEntry(st, open(st, innerCol, false, false, seq.depth + 1, slot), innerCol, body);
  const read = readLineValue(body, 0);
  if (read.kind === 'unsupported') return false;
  if (read.kind === 'block-scalar') return startBlock(st, col, body, slot);
  assign(st, slot, read.kind === 'value' ? read.value : null);
  return true;
}

function matchKey(s: string): { key: string; valueAt: number } | undefined {
  const m = KEY_RE.exec(s);
  // Keys that resolve to numbers, booleans or null (`80:`, `true:`) and `__proto__` go to the parser.
  if (!m?.[1] || typeof resolvePlain(m[1]) !== 'string' || m[1] === '__proto__') return undefined;
  return { key: m[1], valueAt: m[0].length };
}

function startBlock(st: State, parent: number, header: string, slot: Slot): boolean {
  const chomp = header[1] === '-' || header[1] === '+' ? header[1] : '';
  // Folded scalars (>) need line folding; only the heads scan can skip their content.
  if (st.build && header[0] === '>') st.failed = true;
  st.block = { parent, blankWidth: 0, chomp, lines: [], slot };
  return !st.failed;
}

function scanEntry(st: State, map: Ctx, col: number, s: string): boolean {
  const entry = matchKey(s);
  if (!entry || map.keys.has(entry.key)) return false;
  map.keys.add(entry.key);
  let at = entry.valueAt;
  while (s[at] === ' ') at++;
  const read = readLineValue(s, at);
  const slot: Slot = { container: map.value, key: entry.key };
  switch (read.kind) {
    case 'unsupported':
      return false;
    case 'empty':
      assign(st, slot, null);
      st.pending = { owner: col, key: entry.key, depth: map.depth + 1, slot };
      return true;
    case 'block-scalar':
      return startBlock(st, col, s.slice(at), slot);
    case 'value':
      assign(st, slot, read.value);
      recordHead(st, map, entry.key, read.value);
      return true;
  }
}
