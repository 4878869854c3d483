// State of the YAML pre-scan (scan-yaml.ts) and what it produces: document heads, and in values mode
// the documents as plain JS built slot by slot as the lines come in.
import type { FlowValue } from './scan-scalar.js';

export interface DocHead {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

export type Container = Record<string, unknown> | unknown[];
/** Where a value that is still to come goes: a map key, a list index, or the document root. */
export type Slot = { container: Container; key: string | number } | undefined;

export interface Ctx {
  indent: number;
  type: 'map' | 'seq';
  keys: Set<string>;
  /** A sequence written at the same column as its parent key (`key:\n- a`). */
  compact: boolean;
  depth: number;
  parentKey?: string;
  value: Container;
}

export interface Pending {
  owner: number;
  key?: string;
  depth: number;
  slot: Slot;
}

export interface Block {
  parent: number;
  content?: number;
  blankWidth: number;
  chomp: string;
  lines: string[];
  slot: Slot;
}

export interface State {
  build: boolean;
  docs: DocHead[];
  values: unknown[];
  open: boolean;
  stack: Ctx[];
  pending?: Pending;
  block?: Block;
  failed?: boolean;
}

const HEAD_KEYS = new Set(['apiVersion', 'kind']);
const META_KEYS = new Set(['name', 'namespace']);

export function assign(st: State, slot: Slot, value: unknown): void {
  if (!st.build) return;
  if (slot === undefined) st.values[st.values.length - 1] = value;
  else if (Array.isArray(slot.container)) slot.container[slot.key as number] = value;
  else slot.container[slot.key as string] = value;
}

export function finishBlock(st: State, block: Block): void {
  if (!st.build) return;
  // Literal block scalar: strip the content indentation, then apply the chomping indicator.
  const indent = block.content ?? 0;
  const lines = block.lines.map((l) =>
    l.trim() === '' ? l.slice(Math.min(indent, l.length)) : l.slice(indent),
  );
  let last = lines.length;
  while (last > 0 && lines[last - 1] === '') last--;
  const body = lines.slice(0, last).join('\n');
  if (block.chomp === '-') assign(st, block.slot, body);
  else if (block.chomp === '+') assign(st, block.slot, lines.length ? `${lines.join('\n')}\n` : '');
  else assign(st, block.slot, body ? `${body}\n` : '');
}

/** Closes what the previous document left open: a block scalar or a key without a value. */
export function endDocument(st: State): void {
  if (st.block) finishBlock(st, st.block);
  st.block = undefined;
  if (st.pending) assign(st, st.pending.slot, null);
  st.pending = undefined;
  st.stack = [];
}

function headString(value: FlowValue): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

export function recordHead(st: State, map: Ctx, key: string, value: FlowValue): void {
  const head = st.docs[st.docs.length - 1];
  if (!head) return;
  const text = headString(value);
  if (map.depth === 0 && HEAD_KEYS.has(key) && text !== undefined) {
    head[key as 'apiVersion' | 'kind'] = text;
  } else if (
    map.depth === 0 &&
    key === 'metadata' &&
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value)
  ) {
    const name = value.name === undefined ? undefined : headString(value.name);
    const namespace = value.namespace === undefined ? undefined : headString(value.namespace);
    if (name !== undefined) head.name = name;
    if (namespace !== undefined) head.namespace = namespace;
  } else if (map.depth === 1 && map.parentKey === 'metadata' && META_KEYS.has(key) && text !== undefined) {
    head[key as 'name' | 'namespace'] = text;
  }
}
