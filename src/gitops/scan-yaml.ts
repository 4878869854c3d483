// Fast pre-scan of a YAML stream: splits documents the way `yaml.parseAllDocuments` counts them and
// reads apiVersion, kind, metadata.name and metadata.namespace. Full parsing of 10k documents with
// `yaml` takes seconds; this line scanner validates a conservative subset of YAML (block maps and
// sequences, one-line scalars and flow collections, block scalars, comments) and returns
// `undefined` for anything else, so that the full parser decides. It never accepts what it does not
// understand, which keeps "file does not parse" reporting exact for the files it hands back.
import { type FlowValue, readLineValue } from './scan-scalar.js';

export interface DocHead {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

interface Ctx {
  indent: number;
  type: 'map' | 'seq';
  keys: Set<string>;
  /** A sequence written at the same column as its parent key (`key:\n- a`). */
  compact: boolean;
  depth: number;
  parentKey?: string;
}

interface Pending {
  owner: number;
  key?: string;
  depth: number;
}

interface State {
  docs: DocHead[];
  open: boolean;
  stack: Ctx[];
  pending?: Pending;
  block?: { parent: number; content?: number; blankWidth: number };
}

const KEY_RE = /^([A-Za-z0-9_$./][A-Za-z0-9_$./-]*)(?::(?: |$))/;
const HEAD_KEYS = new Set(['apiVersion', 'kind']);
const META_KEYS = new Set(['name', 'namespace']);

/** Heads of every document, or undefined when the text is outside the subset this scanner checks. */
export function scanYaml(text: string): DocHead[] | undefined {
  if (text.includes('\r') || text.charCodeAt(0) === 0xfeff) return undefined;
  const st: State = { docs: [], open: false, stack: [] };
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (!scanLine(st, text.slice(start, end))) return undefined;
    start = end + 1;
  }
  return st.docs;
}

function scanLine(st: State, line: string): boolean {
  let col = 0;
  while (line.charCodeAt(col) === 32) col++;
  const blank = col === line.length;
  if (st.block) {
    const block = st.block;
    if (blank) {
      if (block.content === undefined) block.blankWidth = Math.max(block.blankWidth, col);
      return true;
    }
    if (col > block.parent) {
      if (block.content === undefined) {
        if (block.blankWidth > col) return false;
        block.content = col;
      }
      return col >= block.content;
    }
    st.block = undefined;
  }
  if (blank) return true;
  if (line.includes('\t')) return false;
  const rest = line.slice(col);
  if (rest[0] === '#') return true;
  if (col === 0 && (rest.startsWith('---') || rest.startsWith('...') || rest[0] === '%')) {
    if (!/^---(\s*$|\s+#)/.test(rest)) return false;
    st.docs.push({});
    st.open = true;
    st.stack = [];
    st.pending = undefined;
    return true;
  }
  if (!st.open) {
    st.docs.push({});
    st.open = true;
  }
  return scanNode(st, col, rest);
}

function isDash(s: string): boolean {
  return s === '-' || s.startsWith('- ');
}

function scanNode(st: State, col: number, s: string): boolean {
  const dash = isDash(s);
  const pending = st.pending;
  st.pending = undefined;
  if (pending && (col > pending.owner || (col === pending.owner && dash && pending.key !== undefined))) {
    const ctx: Ctx = {
      indent: col,
      type: dash ? 'seq' : 'map',
      keys: new Set(),
      compact: col === pending.owner,
      depth: pending.depth,
      parentKey: pending.key,
    };
    st.stack.push(ctx);
    return dash ? scanItem(st, ctx, col, s) : scanEntry(st, ctx, col, s);
  }
  if (st.stack.length === 0) {
    // First node of a document: only maps and sequences at column 0.
    if (col !== 0) return false;
    const ctx: Ctx = { indent: 0, type: dash ? 'seq' : 'map', keys: new Set(), compact: false, depth: 0 };
    st.stack.push(ctx);
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
  if (body === '' || body[0] === '#') {
    st.pending = { owner: col, depth: seq.depth + 1 };
    return true;
  }
  if (isDash(body)) {
    const ctx: Ctx = { indent: innerCol, type: 'seq', keys: new Set(), compact: false, depth: seq.depth + 1 };
    st.stack.push(ctx);
    return scanItem(st, ctx, innerCol, body);
  }
  if (KEY_RE.test(body) || body[0] === '"' || body[0] === "'") {
    const asEntry = matchKey(body);
    if (asEntry) {
      const ctx: Ctx = { indent: innerCol, type: 'map', keys: new Set(), compact: false, depth: seq.depth + 1 };
      st.stack.push(ctx);
      return scanEntry(st, ctx, innerCol, body);
    }
  }
  const read = readLineValue(body, 0);
  if (read.kind === 'unsupported') return false;
  if (read.kind === 'block-scalar') st.block = { parent: col, blankWidth: 0 };
  return true;
}

function matchKey(s: string): { key: string; valueAt: number } | undefined {
  const m = KEY_RE.exec(s);
  if (!m?.[1]) return undefined;
  return { key: m[1], valueAt: m[0].length };
}

function scanEntry(st: State, map: Ctx, col: number, s: string): boolean {
  const entry = matchKey(s);
  if (!entry || map.keys.has(entry.key)) return false;
  map.keys.add(entry.key);
  let at = entry.valueAt;
  while (s[at] === ' ') at++;
  const read = readLineValue(s, at);
  switch (read.kind) {
    case 'unsupported':
      return false;
    case 'empty':
      st.pending = { owner: col, key: entry.key, depth: map.depth + 1 };
      return true;
    case 'block-scalar':
      st.block = { parent: col, blankWidth: 0 };
      return true;
    case 'value':
      recordHead(st, map, entry.key, read.value);
      return true;
  }
}

function recordHead(st: State, map: Ctx, key: string, value: FlowValue): void {
  const head = st.docs[st.docs.length - 1];
  if (!head) return;
  if (map.depth === 0 && HEAD_KEYS.has(key) && typeof value === 'string') {
    head[key as 'apiVersion' | 'kind'] = value;
  } else if (map.depth === 0 && key === 'metadata' && typeof value === 'object' && !Array.isArray(value)) {
    if (typeof value.name === 'string') head.name = value.name;
    if (typeof value.namespace === 'string') head.namespace = value.namespace;
  } else if (map.depth === 1 && map.parentKey === 'metadata' && META_KEYS.has(key) && typeof value === 'string') {
    head[key as 'name' | 'namespace'] = value;
  }
}
