// Redaction before anything leaves the process (STYLE.md §9): log lines, event messages, env
// values and annotations end up in prompts, PR bodies and comments. Text rules find secrets by
// shape (redact-patterns.ts); object rules also use the key a value sits under, which is how an
// env var `DB_PASSWORD=hunter2` is caught although `hunter2` looks like nothing.
import { isRedacted, REDACTED, RULES } from './redact-patterns.js';
import { secretKeyKind } from './secret-keys.js';

export function redact(text: string): string {
  // replace() with a global pattern always starts at index 0, so the shared patterns keep no state.
  return RULES.reduce(
    (out, rule) =>
      typeof rule.replace === 'string'
        ? out.replace(rule.pattern, rule.replace)
        : out.replace(rule.pattern, rule.replace),
    text,
  );
}

/** A deep copy with every string redacted; values under secret-ish keys are replaced whole. */
export function redactObject<T>(value: T): T {
  return walk(value, undefined) as T;
}

function walk(value: unknown, key: string | undefined): unknown {
  if (typeof value === 'string') return redactString(value, key);
  if (Array.isArray(value)) return redactArray(value, key);
  if (value !== null && typeof value === 'object') return redactRecord(value as Record<string, unknown>);
  return value;
}

function redactString(text: string, key: string | undefined): string {
  const kind = key === undefined ? undefined : secretKeyKind(key);
  if (kind && text.trim() !== '' && !isRedacted(text)) return REDACTED(kind);
  return redactEmbeddedJson(text) ?? redact(text);
}

/**
 * `{name, value}` pairs (env vars, probe HTTP headers): the name decides about the value.
 * Everything else is walked key by key.
 */
function redactRecord(record: Record<string, unknown>): Record<string, unknown> {
  const pairKind = typeof record.name === 'string' ? secretKeyKind(record.name) : undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (k === 'value' && pairKind && typeof v === 'string' && v.trim() !== '') {
      out[k] = REDACTED(pairKind);
    } else {
      out[k] = walk(v, k);
    }
  }
  return out;
}

/** Argument lists: `["--db-password", "hunter2"]` hides the element after a secret-ish flag. */
function redactArray(values: unknown[], key: string | undefined): unknown[] {
  return values.map((v, i) => {
    const previous = values[i - 1];
    if (typeof v === 'string' && typeof previous === 'string' && /^--?[A-Za-z][\w.-]*$/.test(previous)) {
      const kind = secretKeyKind(previous);
      if (kind && v.trim() !== '' && !v.startsWith('-')) return REDACTED(kind);
    }
    return walk(v, key);
  });
}

/** Strings that hold JSON (annotations such as last-applied-configuration) are redacted as objects. */
function redactEmbeddedJson(text: string): string | undefined {
  const trimmed = text.trim();
  if (!(trimmed.startsWith('{') && trimmed.endsWith('}'))) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  const redacted = walk(parsed, undefined);
  const before = JSON.stringify(parsed);
  const after = JSON.stringify(redacted);
  // Unchanged JSON keeps its original formatting; changed JSON is re-serialized compactly.
  return before === after ? text : `${after}${text.endsWith('\n') ? '\n' : ''}`;
}
