// The JSON schema Ollama constrains generation with, derived from the zod schema (the single source
// of truth) and reduced to what llama.cpp's schema-to-grammar converter accepts. Ollama rejects the
// whole request when conversion fails, and zod 4 emits constructs that fail it: `startsWith('/')`
// becomes the unanchored pattern `^\/.*` ("Pattern must start with '^' and end with '$'"), and long
// `maxLength`s expand into huge repetition rules. What is removed here only loosens the grammar;
// every answer is parsed with the full zod schema afterwards, and a violation is fed back.
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import type { z } from 'zod';

/** Keywords that only steer validation or documentation, never the grammar. */
const DROPPED_KEYS = new Set(['$schema', 'format', 'minLength', 'maxLength']);

/** Escapes llama.cpp passes through to GBNF verbatim, where they do not parse. */
const UNSAFE_ESCAPE = /\\[/dDsSwWbB]/;

export function ollamaJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return simplify(toJsonSchema(schema)) as Record<string, unknown>;
}

function simplify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplify);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (DROPPED_KEYS.has(key)) continue;
    if (key === 'pattern' && (typeof value !== 'string' || !grammarSafe(value))) continue;
    // `properties` maps names to schemas: its keys are data, not keywords.
    out[key] = key === 'properties' ? mapValues(value, simplify) : simplify(value);
  }
  return out;
}

function mapValues(value: unknown, f: (v: unknown) => unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, f(v)]));
}

function grammarSafe(pattern: string): boolean {
  return pattern.startsWith('^') && pattern.endsWith('$') && !UNSAFE_ESCAPE.test(pattern);
}
