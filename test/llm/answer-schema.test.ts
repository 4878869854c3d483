// The answer schema: the zod schema decides what is valid; the JSON schema Ollama gets is derived
// from it and holds only what llama.cpp's grammar converter accepts.
import { describe, expect, it } from 'vitest';
import { LlmAnswer } from '../../src/llm/answer-schema.js';
import { ollamaJsonSchema } from '../../src/llm/ollama-schema.js';
import { oomAnswer } from './helpers.js';

function walk(
  node: unknown,
  visit: (key: string, value: unknown, parent: string) => void,
  parent = '',
): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit, parent);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (parent !== 'properties') visit(k, v, parent);
      walk(v, visit, k);
    }
  }
}

describe('ollamaJsonSchema', () => {
  const schema = ollamaJsonSchema(LlmAnswer);

  it('keeps only anchored, grammar-safe patterns and drops format and string lengths', () => {
    const patterns: string[] = [];
    walk(schema, (key, value) => {
      expect(['$schema', 'format', 'minLength', 'maxLength']).not.toContain(key);
      if (key === 'pattern') patterns.push(String(value));
    });
    expect(patterns.length).toBeGreaterThan(0);
    for (const p of patterns) {
      expect(p.startsWith('^') && p.endsWith('$'), p).toBe(true);
      expect(p).not.toMatch(/\\[/dDsSwW]/);
    }
  });

  it('still describes every operation type and closes every object', () => {
    const types: string[] = [];
    let open = 0;
    walk(schema, (key, value, parent) => {
      if (key === 'const' && parent === 'type') types.push(String(value));
      if (key === 'type' && value === 'object') open++;
    });
    expect(types.sort()).toEqual(
      [
        'fix-reference',
        'restart',
        'revert-commit',
        'set-env',
        'set-hpa',
        'set-image',
        'set-probe',
        'set-replicas',
        'set-resources',
        'set-storage-class',
      ].sort(),
    );
    expect(JSON.stringify(schema).match(/"additionalProperties":false/g)?.length).toBe(open);
  });

  it('the zod schema stays strict: extra keys and unknown categories fail', () => {
    expect(LlmAnswer.safeParse(oomAnswer()).success).toBe(true);
    const extra = { ...oomAnswer(), shell: 'rm -rf /' };
    expect(LlmAnswer.safeParse(extra).success).toBe(false);
    expect(LlmAnswer.safeParse(oomAnswer({ category: 'disk-full' as never })).success).toBe(false);
  });
});
