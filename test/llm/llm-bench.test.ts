// The LLM bench runs the public scenarios through rules + LLM (here: the Ollama double) and
// measures prompt sizes without a model.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchLlm, benchPrompts, promptStats } from '../../src/bench/llm-bench.js';
import { sharedDir } from '../helpers/paths.js';
import { type OllamaDouble, startOllamaDouble } from '../support/ollama-double.js';

const scenariosDir = () => path.join(sharedDir(), 'scenarios');

let double: OllamaDouble;
beforeAll(async () => {
  double = await startOllamaDouble();
});
afterAll(() => double.close());

const unsure = {
  diagnosis: {
    category: 'unknown',
    summary: 'Not sure.',
    rootCause: 'The evidence does not show it.',
    confidence: 0.3,
    evidenceRefs: [],
    hypotheses: [],
  },
  plan: { action: 'none', reason: 'Unsure.', operations: [] },
};

describe('llm bench', () => {
  it('benchLlm: one row per scenario with the rules, LLM and combined categories', async () => {
    for (let i = 0; i < 20; i++) double.enqueue({ json: unsure, promptEvalCount: 4000, evalCount: 90 });
    const rows = await benchLlm({ ollamaUrl: double.url, scenariosDir: scenariosDir(), timeoutMs: 5_000 });
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const row of rows) {
      expect(row.outcome).toBe('ok');
      expect(row.llm).toBe('unknown');
      expect(row.combined).toBe(row.rules);
      expect(row.promptTokens).toBe(4000);
      expect(row.estimatedPromptTokens).toBeLessThanOrEqual(6000);
    }
    const oom = rows.find((r) => r.id === 'oom-invoice-renderer');
    expect(oom).toMatchObject({ expected: ['oom-killed'], rules: 'oom-killed', source: 'rules' });

    const stats = await promptStats({ scenariosDir: scenariosDir(), rows });
    expect(stats.llmCallsPerIncident).toEqual({ mean: 1, max: 1, measured: true });
  });

  it('promptStats: every scenario prompt fits the default budget', async () => {
    const stats = await promptStats({ scenariosDir: scenariosDir() });
    expect(stats.perScenario.length).toBeGreaterThanOrEqual(8);
    expect(stats.max).toBeLessThanOrEqual(6000);
    expect(stats.p50).toBeLessThanOrEqual(stats.p95);
    const rows = await benchPrompts({ scenariosDir: scenariosDir() });
    expect(rows.every((r) => r.ok)).toBe(true);
  });
});
