// Prompt templates: files in prompts/, loaded as @langchain/core mustache templates, versioned by
// a short sha256 of their text, and free of anything redaction would rewrite.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chatPrompt,
  DEFAULT_PROMPTS_DIR,
  loadPrompts,
  PROMPT_NAMES,
  parsePrompt,
} from '../../src/llm/prompt-templates.js';
import { scrub } from '../../src/llm/prompt-text.js';
import { PROJECT_ROOT } from '../helpers/paths.js';

describe('prompt templates', () => {
  it('load from the package prompts/ folder', async () => {
    expect(DEFAULT_PROMPTS_DIR).toBe(path.join(PROJECT_ROOT, 'prompts'));
    const prompts = await loadPrompts();
    expect(Object.keys(prompts).sort()).toEqual([...PROMPT_NAMES].sort());
    expect(prompts.diagnose.template.inputVariables.sort()).toEqual(
      ['budget_note', 'evidence', 'findings', 'incident', 'manifests', 'past_incidents'].sort(),
    );
    expect(prompts.system.template.inputVariables).toEqual([]);
  });

  it.each(PROMPT_NAMES)(
    '%s.md has a stable version: the first 12 hex digits of sha256(text)',
    async (name) => {
      const text = await readFile(path.join(PROJECT_ROOT, 'prompts', `${name}.md`), 'utf8');
      const expected = createHash('sha256').update(text).digest('hex').slice(0, 12);
      const [first, second] = await Promise.all([loadPrompts(), loadPrompts()]);
      expect(first[name].version).toBe(expected);
      expect(second[name].version).toBe(expected);
      expect(first[name].version).toMatch(/^[0-9a-f]{12}$/);
    },
  );

  it.each(PROMPT_NAMES)('%s.md says nothing redaction would rewrite', async (name) => {
    const prompts = await loadPrompts();
    expect(scrub(prompts[name].text)).toBe(prompts[name].text);
  });

  it('a changed text changes the version', () => {
    const a = parsePrompt('retry', 'Rejected:\n{{errors}}\n');
    const b = parsePrompt('retry', 'Rejected!\n{{errors}}\n');
    expect(a.version).not.toBe(b.version);
  });

  it('a template with an unexpected or missing variable fails at load, naming the file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aegis-prompts-'));
    for (const name of PROMPT_NAMES) {
      await writeFile(
        path.join(dir, `${name}.md`),
        await readFile(path.join(DEFAULT_PROMPTS_DIR, `${name}.md`)),
      );
    }
    await writeFile(path.join(dir, 'retry.md'), 'Rejected: {{errors}} {{eror}}\n');
    await expect(loadPrompts(dir)).rejects.toThrow(/retry\.md: variables eror, errors, expected errors/);
    await expect(loadPrompts(path.join(dir, 'missing'))).rejects.toThrow(/cannot be read \(ENOENT\)/);
  });

  it('inserts values verbatim: no HTML escaping, no template syntax from evidence', async () => {
    const prompts = await loadPrompts();
    const messages = await chatPrompt(prompts, 'diagnose').formatMessages({
      incident: 'a <b> & "c" {{evidence}} {{#x}}y{{/x}}',
      findings: '',
      evidence: 'EVIDENCE',
      manifests: '',
      past_incidents: '',
      budget_note: '',
    });
    expect(messages.map((m) => m.type)).toEqual(['system', 'human']);
    expect(messages[0]?.content).toBe(prompts.system.text);
    expect(messages[1]?.content).toContain('a <b> & "c" {{evidence}} {{#x}}y{{/x}}');
  });
});
