// Prompt templates live as files in prompts/ (DESIGN.md §2) and are loaded as @langchain/core
// templates. Mustache format: `{{name}}` marks a variable, single braces are literal, and values
// are inserted verbatim (LangChain turns mustache's HTML escaping off) and never re-parsed, so
// evidence text cannot add template variables. Each template's version is a short sha256 of its
// text; the outcome records it so that an answer can be traced to the exact prompt.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChatPromptTemplate, PromptTemplate } from '@langchain/core/prompts';

export const PROMPT_NAMES = ['system', 'diagnose', 'revise', 'retry'] as const;
export type PromptName = (typeof PROMPT_NAMES)[number];

/** Variables each template must declare, and no others: a typo in a file fails loudly at load. */
const VARIABLES: Record<PromptName, readonly string[]> = {
  system: [],
  diagnose: ['incident', 'findings', 'evidence', 'manifests', 'past_incidents', 'budget_note'],
  revise: ['incident', 'current', 'findings', 'evidence', 'manifests', 'instruction', 'budget_note'],
  retry: ['errors'],
};

export interface PromptFile {
  name: PromptName;
  text: string;
  /** First 12 hex digits of sha256(text). */
  version: string;
  template: PromptTemplate;
}

export type PromptSet = Record<PromptName, PromptFile>;

/** `prompts/` of this package, from src/llm or dist/llm alike. */
export const DEFAULT_PROMPTS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../prompts',
);

export function promptVersion(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);
}

export async function loadPrompts(dir: string = DEFAULT_PROMPTS_DIR): Promise<PromptSet> {
  const entries = await Promise.all(
    PROMPT_NAMES.map(async (name) => {
      const file = path.join(dir, `${name}.md`);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error: unknown) {
        throw new Error(
          `prompt template ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); the package ships prompts/`,
        );
      }
      return [name, parsePrompt(name, text, file)] as const;
    }),
  );
  return Object.fromEntries(entries) as PromptSet;
}

export function parsePrompt(name: PromptName, text: string, where: string = name): PromptFile {
  const template = PromptTemplate.fromTemplate(text, { templateFormat: 'mustache' });
  const declared = [...template.inputVariables].sort();
  const expected = [...VARIABLES[name]].sort();
  if (declared.join(',') !== expected.join(',')) {
    throw new Error(
      `prompt template ${where}: variables ${declared.join(', ') || '(none)'}, expected ${expected.join(', ') || '(none)'}`,
    );
  }
  return { name, text, version: promptVersion(text), template };
}

/** The conversation for a first attempt: system instructions, then the task with its data. */
export function chatPrompt(prompts: PromptSet, task: 'diagnose' | 'revise'): ChatPromptTemplate {
  return ChatPromptTemplate.fromMessages(
    [
      ['system', prompts.system.text],
      ['human', prompts[task].text],
    ],
    { templateFormat: 'mustache' },
  );
}

/** `system@<v>+diagnose@<v>+retry@<v>`: every template that shaped an answer. */
export function describeVersions(prompts: PromptSet, names: readonly PromptName[]): string {
  return names.map((n) => `${n}@${prompts[n].version}`).join('+');
}
