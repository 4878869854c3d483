// Single-line scalar and flow-collection readers for the fast pre-scan (scan-yaml.ts). They accept
// a conservative subset of YAML: anything unusual returns `undefined` so that the caller falls back
// to the full `yaml` parser, which then decides whether the file is valid.

export type FlowValue = string | number | boolean | null | FlowValue[] | { [key: string]: FlowValue };

/** YAML 1.2 core-schema resolution of a plain scalar, as `yaml` does it. */
export function resolvePlain(text: string): FlowValue {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(text)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(text)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(text)) return false;
  if (/^0o[0-7]+$/.test(text)) return Number.parseInt(text.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(text)) return Number.parseInt(text, 10);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(text)) {
    return text.slice(-3).toLowerCase() === 'nan' ? Number.NaN : text.startsWith('-') ? -Infinity : Infinity;
  }
  if (
    /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(text) ||
    /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(text)
  ) {
    return Number.parseFloat(text);
  }
  return text;
}

export interface ScalarRead {
  value: FlowValue;
  /** Index just after the scalar or collection. */
  end: number;
}

const PLAIN_START_FORBIDDEN = new Set([
  '-',
  '?',
  ':',
  ',',
  '[',
  ']',
  '{',
  '}',
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
]);
const FLOW_INDICATORS = new Set([',', '[', ']', '{', '}']);

/** A double-quoted scalar starting at `i` and ending on the same line. */
export function readDoubleQuoted(s: string, i: number): ScalarRead | undefined {
  let j = i + 1;
  while (j < s.length) {
    const ch = s[j];
    if (ch === '\\') {
      j += 2;
      continue;
    }
    if (ch === '"') break;
    j++;
  }
  if (j >= s.length) return undefined;
  try {
    // JSON escapes are a subset of YAML's; anything JSON rejects goes to the full parser.
    const value: unknown = JSON.parse(s.slice(i, j + 1));
    return typeof value === 'string' ? { value, end: j + 1 } : undefined;
  } catch {
    return undefined;
  }
}

/** A single-quoted scalar starting at `i` and ending on the same line. */
export function readSingleQuoted(s: string, i: number): ScalarRead | undefined {
  let j = i + 1;
  while (j < s.length) {
    if (s[j] === "'") {
      if (s[j + 1] === "'") {
        j += 2;
        continue;
      }
      return { value: s.slice(i + 1, j).replace(/''/g, "'"), end: j + 1 };
    }
    j++;
  }
  return undefined;
}

/** True when the rest of a line after a value is blank or a comment. */
export function restIsBlank(s: string, i: number): boolean {
  const rest = s.slice(i);
  return /^\s*$/.test(rest) || /^\s+#/.test(rest);
}

/** A plain scalar in block context (the rest of the line up to a comment). */
export function readBlockPlain(s: string, i: number): ScalarRead | undefined {
  // `?x` and `:x` plain scalars are valid YAML but rare enough to leave to the parser.
  if (!plainStartOk(s, i)) return undefined;
  let end = s.length;
  const hash = s.indexOf(' #', i);
  if (hash >= 0) end = hash;
  const text = s.slice(i, end).trimEnd();
  // `a: b: c` and `a: b:` are errors (or nested maps); let the full parser judge.
  if (text.includes(': ') || text.endsWith(':') || text.includes('\t')) return undefined;
  return { value: resolvePlain(text), end: i + text.length };
}

function skipSpaces(s: string, i: number): number {
  let j = i;
  while (s[j] === ' ') j++;
  return j;
}

/** `-x` is a plain scalar (a command-line flag, a negative number); `- x` is not. */
function plainStartOk(s: string, i: number): boolean {
  const first = s[i];
  if (first === undefined) return false;
  if (first === '-') {
    const next = s[i + 1];
    return next !== undefined && next !== ' ' && !FLOW_INDICATORS.has(next);
  }
  return !PLAIN_START_FORBIDDEN.has(first);
}

function readFlowPlain(s: string, i: number): ScalarRead | undefined {
  if (!plainStartOk(s, i)) return undefined;
  let j = i;
  while (j < s.length) {
    const ch = s[j] as string;
    if (FLOW_INDICATORS.has(ch)) break;
    if (ch === ':' && (s[j + 1] === ' ' || s[j + 1] === undefined || FLOW_INDICATORS.has(s[j + 1] as string)))
      break;
    if (ch === '#' && s[j - 1] === ' ') return undefined;
    if (ch === '\t') return undefined;
    j++;
  }
  const text = s.slice(i, j).trimEnd();
  if (!text) return undefined;
  return { value: resolvePlain(text), end: i + text.length };
}

function readFlowNode(s: string, i: number, depth: number): ScalarRead | undefined {
  if (depth > 20) return undefined;
  const ch = s[i];
  if (ch === '{') return readFlowMap(s, i, depth + 1);
  if (ch === '[') return readFlowSeq(s, i, depth + 1);
  if (ch === '"') return readDoubleQuoted(s, i);
  if (ch === "'") return readSingleQuoted(s, i);
  return readFlowPlain(s, i);
}

function readFlowMap(s: string, i: number, depth: number): ScalarRead | undefined {
  const out: { [key: string]: FlowValue } = {};
  let j = skipSpaces(s, i + 1);
  if (s[j] === '}') return { value: out, end: j + 1 };
  for (;;) {
    const key =
      s[j] === '"' ? readDoubleQuoted(s, j) : s[j] === "'" ? readSingleQuoted(s, j) : readFlowPlain(s, j);
    if (!key || typeof key.value !== 'string' || Object.hasOwn(out, key.value) || key.value === '<<')
      return undefined;
    j = key.end;
    if (s[j] !== ':' || s[j + 1] !== ' ') return undefined;
    j = skipSpaces(s, j + 1);
    const value = readFlowNode(s, j, depth);
    if (!value) return undefined;
    out[key.value] = value.value;
    j = skipSpaces(s, value.end);
    if (s[j] === ',') j = skipSpaces(s, j + 1);
    else if (s[j] !== '}') return undefined;
    if (s[j] === '}') return { value: out, end: j + 1 };
  }
}

function readFlowSeq(s: string, i: number, depth: number): ScalarRead | undefined {
  const out: FlowValue[] = [];
  let j = skipSpaces(s, i + 1);
  if (s[j] === ']') return { value: out, end: j + 1 };
  for (;;) {
    const item = readFlowNode(s, j, depth);
    if (!item) return undefined;
    // `[a: b]` (a single-pair map inside a sequence) is valid but unusual: full parser.
    if (s[item.end] === ':') return undefined;
    out.push(item.value);
    j = skipSpaces(s, item.end);
    if (s[j] === ',') j = skipSpaces(s, j + 1);
    else if (s[j] !== ']') return undefined;
    if (s[j] === ']') return { value: out, end: j + 1 };
  }
}

/** A flow collection (`{...}` or `[...]`) that opens and closes on this line. */
export function readFlowCollection(s: string, i: number): ScalarRead | undefined {
  return readFlowNode(s, i, 0);
}

export type ValueRead =
  | { kind: 'empty' }
  | { kind: 'block-scalar' }
  | { kind: 'value'; value: FlowValue }
  | { kind: 'unsupported' };

/** Reads the value part of `key: value` or `- value` (s[i] is its first non-space character). */
export function readLineValue(s: string, i: number): ValueRead {
  const ch = s[i];
  if (ch === undefined || ch === '#') return { kind: 'empty' };
  if (ch === '|' || ch === '>') {
    // Explicit indentation indicators (`|2`) constrain the content: left to the full parser.
    return /^[|>][-+]?\s*(#.*)?$/.test(s.slice(i)) ? { kind: 'block-scalar' } : { kind: 'unsupported' };
  }
  let read: ScalarRead | undefined;
  if (ch === '"') read = readDoubleQuoted(s, i);
  else if (ch === "'") read = readSingleQuoted(s, i);
  else if (ch === '{' || ch === '[') read = readFlowCollection(s, i);
  else read = readBlockPlain(s, i);
  if (!read || !restIsBlank(s, read.end)) return { kind: 'unsupported' };
  return { kind: 'value', value: read.value };
}
