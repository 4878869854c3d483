// Text for new or replaced YAML values. A replaced scalar keeps its quote style; new values are plain
// when that round-trips, else double-quoted; new collections follow the surrounding style (block,
// or `{a: b}` inside flow collections, written the way people write them, without inner padding).
import { parse, stringify } from 'yaml';
import { isPlainObject } from './js-path.js';

export type QuoteStyle = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE' | undefined;

function roundTrips(text: string, value: string, inFlow: boolean): boolean {
  try {
    const block = parse(`k: ${text}\n`) as unknown;
    if (!isPlainObject(block) || block.k !== value) return false;
    if (!inFlow) return true;
    const flow = parse(`{k: ${text}}`) as unknown;
    return isPlainObject(flow) && flow.k === value;
  } catch {
    return false;
  }
}

function doubleQuoted(value: string): string {
  // JSON string escapes are valid YAML double-quoted escapes.
  return JSON.stringify(value);
}

/** One scalar in the given style (the old node's style when replacing). */
export function formatScalar(value: unknown, style: QuoteStyle, inFlow: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = String(value);
  if (style === 'QUOTE_SINGLE' && !/[\n\r\t]/.test(text)) return `'${text.replace(/'/g, "''")}'`;
  if (style === 'QUOTE_DOUBLE') return doubleQuoted(text);
  if (text !== '' && !text.includes('\n') && roundTrips(text, text, inFlow)) return text;
  return doubleQuoted(text);
}

/** A collection (or scalar) in flow style: `{name: app, port: 80}`. */
export function renderFlow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(renderFlow).join(', ')}]`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${formatScalar(k, undefined, true)}: ${renderFlow(v)}`)
      .join(', ')}}`;
  }
  return formatScalar(value, undefined, true);
}

export interface BlockStyle {
  /** Columns a nested map is indented by (2 almost everywhere). */
  indent: number;
  /** `key:\n  - a` (true) or `key:\n- a` (false, kubectl style). */
  indentSeq: boolean;
}

/**
 * Lines for `key: value` at column `col`. Scalars stay on the key's line; collections become an
 * indented block. The first line has no leading indentation (the caller places it).
 */
export function renderPair(key: string, value: unknown, col: number, style: BlockStyle): string[] {
  const keyText = formatScalar(key, undefined, false);
  if (!isPlainObject(value) && !Array.isArray(value))
    return [`${keyText}: ${formatScalar(value, undefined, false)}`];
  if (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0)
    return [`${keyText}: ${renderFlow(value)}`];
  return [
    `${keyText}:`,
    ...renderBlockBody(value, col + (Array.isArray(value) && !style.indentSeq ? 0 : style.indent), style),
  ];
}

/** A map or list as block lines, every line indented to `col`. */
export function renderBlockBody(value: unknown, col: number, style: BlockStyle): string[] {
  const text = stringify(value, {
    indent: style.indent,
    indentSeq: style.indentSeq,
    lineWidth: 0,
    minContentWidth: 0,
  });
  const pad = ' '.repeat(col);
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line === '' ? line : pad + line));
}

/** Lines for a new list item at dash column `col`: `- a: 1` then `  b: 2`. */
export function renderItem(value: unknown, col: number, style: BlockStyle): string[] {
  if (!isPlainObject(value) && !Array.isArray(value)) return [`- ${formatScalar(value, undefined, false)}`];
  const body = renderBlockBody(value, col + 2, style);
  const [first, ...rest] = body;
  return [`- ${(first ?? '').slice(col + 2)}`, ...rest];
}
