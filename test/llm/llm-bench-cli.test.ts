// `npm run bench:llm` is a harness users run against their own GPU; here it runs against the
// Ollama double to prove the harness end to end (one row per scenario, the summary line).
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROJECT_ROOT, sharedDir } from '../helpers/paths.js';
import { runNode } from '../helpers/run-cli.js';
import { listCases } from '../helpers/scenario-runner.js';
import { type OllamaDouble, startOllamaDouble } from '../support/ollama-double.js';

let ollama: OllamaDouble;
beforeAll(async () => {
  ollama = await startOllamaDouble();
});
afterAll(() => ollama.close());

function run(args: string[]) {
  return runNode(path.join(PROJECT_ROOT, 'dist/bench/llm-run.js'), args);
}

it('scores every scenario and prints one row per case', async () => {
  const scenarios = path.join(sharedDir(), 'scenarios');
  const cases = listCases(scenarios);
  for (const _ of cases) {
    ollama.enqueue({
      json: {
        diagnosis: {
          category: 'unknown',
          summary: 'not sure',
          rootCause: 'unknown',
          confidence: 0.3,
          evidenceRefs: [],
          hypotheses: [],
        },
        plan: { action: 'none', reason: 'not sure', operations: [] },
      },
    });
  }
  const result = await run(['--ollama-url', ollama.url, '--model', 'double', '--scenarios', scenarios]);
  expect(result.stderr).toMatch(/bench:llm: double at/);
  expect(result.code).toBe(0);
  for (const name of cases) expect(result.stdout).toContain(`| ${name}`);
  expect(result.stdout).toMatch(
    new RegExp(`LLM category right in \\d+/${cases.length} cases; prompt p95 \\d+ tokens`),
  );
  expect(ollama.chatBodies().length).toBeGreaterThanOrEqual(cases.length);
});
