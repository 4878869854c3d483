// Every string that goes into a prompt passes through `promptLine`: redacted again (the evidence
// was redacted when gathered; this is defense in depth), unable to close the <data> block that
// fences untrusted text, and bounded in length so one blob cannot take the budget.
import { redact } from '../evidence/redact.js';
import { REDACTED } from '../evidence/redact-patterns.js';
import { secretKeyKind } from '../evidence/secret-keys.js';

export const MAX_LINE_CHARS = 400;

const FENCE = /<\s*(\/?)\s*data\s*>/gi;

export function neutralize(text: string): string {
  return text.replace(FENCE, (_m, slash: string) => `[${slash}data]`);
}

const KEY_VALUE = /\b([A-Za-z][A-Za-z0-9_.-]{0,79})(\s*[:=]\s*)("[^"\r\n]*"|'[^'\r\n]*'|[^\s"',;&})\]]+)/g;
const PLACEHOLDER = /^["']?\$(?:\{?[A-Za-z_][A-Za-z0-9_]*\}?|\([A-Za-z_][A-Za-z0-9_]*\))["']?$/;

/**
 * `key=value` pairs nested in another pair's value (`failed: token=abc`): redact()'s key-value
 * rule consumes `failed: token=abc` as one non-secret pair and never looks inside. This pass
 * re-scans the value of every non-secret pair.
 */
export function redactNestedPairs(text: string): string {
  let out = '';
  let last = 0;
  KEY_VALUE.lastIndex = 0;
  for (let m = KEY_VALUE.exec(text); m; m = KEY_VALUE.exec(text)) {
    const [whole, key = '', separator = '', value = ''] = m;
    const kind = secretKeyKind(key);
    const quote = /^["']/.test(value) ? value[0] : '';
    if (
      kind &&
      kind !== 'authorization' &&
      kind !== 'cookie' &&
      !value.includes('[REDACTED') &&
      !PLACEHOLDER.test(value)
    ) {
      out += `${text.slice(last, m.index)}${key}${separator}${quote}${REDACTED(kind)}${quote}`;
      last = m.index + whole.length;
    } else {
      KEY_VALUE.lastIndex = m.index + key.length + separator.length;
    }
  }
  return out + text.slice(last);
}

/** redact() and the nested-pair pass: for any text leaving the process through the LLM path. */
export function scrub(text: string): string {
  return redactNestedPairs(redact(text));
}

/** One prompt line: redacted, fence-safe, single-line, at most MAX_LINE_CHARS characters. */
export function promptLine(text: string, max = MAX_LINE_CHARS): string {
  const flat = neutralize(scrub(text)).replace(/[\r\n]+/g, ' ⏎ ');
  // Cut on a code-point boundary so a surrogate pair is never split.
  const chars = Array.from(flat);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : flat;
}

/** Multi-line untrusted text (an answer echoed back, a reviewer's request): each line via promptLine. */
export function promptBlock(text: string, maxLines: number, maxLineChars = MAX_LINE_CHARS): string {
  const lines = scrub(text).split(/\r?\n/);
  const kept = lines.slice(0, maxLines).map((l) => promptLine(l, maxLineChars));
  if (lines.length > maxLines) kept.push(`(… ${lines.length - maxLines} more lines left out)`);
  return kept.join('\n');
}

/** Compact JSON for operations and small objects, redacted like any other line. */
export function jsonLine(value: unknown, max = MAX_LINE_CHARS * 2): string {
  return promptLine(JSON.stringify(value), max);
}
