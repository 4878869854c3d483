// Rules first: how a rule finding and an LLM outcome combine, and when (only) an LLM plan is used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/types.js';
import type { LlmAnswer } from '../../src/llm/answer-schema.js';
import { combineFindings } from '../../src/llm/combine.js';
import { createOllamaDiagnoser } from '../../src/llm/diagnoser.js';
import { loadPrompts } from '../../src/llm/prompt-templates.js';
import type { LlmMeta, LlmOutcome } from '../../src/llm/types.js';
import { type OllamaDouble, startOllamaDouble } from '../support/ollama-double.js';
import { loadCase, oomAnswer, patch } from './helpers.js';

const meta: LlmMeta = {
  model: 'qwen2.5:7b-instruct',
  promptVersion: 'system@000000000000+diagnose@111111111111',
  latencyMs: 1200,
  promptTokens: 3000,
  completionTokens: 200,
  attempts: 1,
  estimatedPromptTokens: 3100,
  droppedLines: 0,
};

const ok = (answer: LlmAnswer): LlmOutcome => ({ status: 'ok', answer, meta });

const rulesOom: Finding = {
  diagnosis: {
    category: 'oom-killed',
    summary: 'renderer OOMKilled at 512Mi',
    rootCause: 'limit too low',
    confidence: 0.85,
    evidenceRefs: ['ref'],
    source: 'rules',
    hypotheses: ['a leak?'],
  },
  plan: {
    action: 'patch',
    reason: 'raise to 768Mi',
    operations: [{ type: 'set-resources', container: 'renderer', limits: { memory: '768Mi' } }],
  },
};

const rulesUnknown: Finding = {
  diagnosis: {
    category: 'unknown',
    summary: 'No rule recognises the failure.',
    rootCause: 'Unknown.',
    confidence: 0.2,
    evidenceRefs: [],
    source: 'rules',
    hypotheses: [],
  },
  plan: {
    action: 'none',
    reason: 'No confident fix: AEGIS changes nothing and reports what it saw.',
    operations: [],
  },
};

describe('combineFindings', () => {
  it('agreement: rules+llm, rule summary and plan, LLM explanation and hypotheses added', () => {
    const other = patch({ type: 'set-resources', container: 'renderer', limits: { memory: '1Gi' } });
    const combined = combineFindings(rulesOom, ok(oomAnswer({}, other)));
    expect(combined.finding.diagnosis).toMatchObject({
      source: 'rules+llm',
      category: 'oom-killed',
      summary: rulesOom.diagnosis.summary,
    });
    expect(combined.finding.plan).toEqual(rulesOom.plan);
    expect(combined.explanation).toMatch(/^The PDF renderer runs out of memory/);
    expect(combined.finding.diagnosis.hypotheses).toEqual([
      'a leak?',
      'LLM: A single very large invoice (INV-2025-02-0881934) may spike memory.',
    ]);
  });

  it('disagreement on a known category: the rules win, the LLM view becomes a hypothesis', () => {
    const combined = combineFindings(
      rulesOom,
      ok(oomAnswer({ category: 'crash-loop', summary: 'It crashes.' })),
    );
    expect(combined.finding.plan).toEqual(rulesOom.plan);
    expect(combined.finding.diagnosis.source).toBe('rules');
    expect(combined.finding.diagnosis.category).toBe('oom-killed');
    expect(combined.finding.diagnosis.hypotheses.at(-1)).toBe(
      'LLM (qwen2.5:7b-instruct) reads this as crash-loop (confidence 0.9): It crashes.',
    );
    expect(combined.explanation).toBeUndefined();
  });

  it.each([
    ['unavailable', { status: 'unavailable', reason: 'down', meta: { ...meta, fallback: 'down' } }],
    ['timeout', { status: 'timeout', reason: 'slow', meta: { ...meta, fallback: 'slow' } }],
    ['invalid', { status: 'invalid', reason: 'bad', raw: '{', meta: { ...meta, fallback: 'bad' } }],
  ] as const)('%s: the rule finding unchanged, the reason in llm.fallback', (_name, outcome) => {
    const combined = combineFindings(rulesOom, outcome);
    expect(combined.finding).toBe(rulesOom);
    expect(combined.llm.fallback).toBe(outcome.reason);
  });

  describe('rules say unknown', () => {
    const plan = patch({ type: 'set-resources', container: 'renderer', limits: { memory: '768Mi' } });

    it.each([
      [0.69, 'none', 'rules'],
      [0.7, 'patch', 'llm'],
      [0.95, 'patch', 'llm'],
    ] as const)('confidence %s → plan %s, source %s', (confidence, action, source) => {
      const combined = combineFindings(rulesUnknown, ok(oomAnswer({ confidence }, plan)));
      expect(combined.finding.plan.action).toBe(action);
      expect(combined.finding.diagnosis.source).toBe(source);
      if (source === 'llm') {
        expect(combined.finding.diagnosis.category).toBe('oom-killed');
        expect(combined.finding.plan.reason).toMatch(/\(proposed by the LLM\)$/);
      } else {
        expect(combined.finding.diagnosis.category).toBe('unknown');
        expect(combined.finding.plan.reason).toMatch(/LLM confidence 0.69 is under the threshold 0.7/);
        expect(combined.finding.diagnosis.hypotheses.at(-1)).toMatch(/reads this as oom-killed/);
      }
    });

    it('honours a custom threshold and report-only categories', () => {
      const strict = combineFindings(rulesUnknown, ok(oomAnswer({ confidence: 0.8 }, plan)), {
        minConfidence: 0.9,
      });
      expect(strict.finding.plan.action).toBe('none');
      const reportOnly = combineFindings(rulesUnknown, ok(oomAnswer({ confidence: 0.95 }, plan)), {
        reportOnly: ['oom-killed'],
      });
      expect(reportOnly.finding.diagnosis.source).toBe('llm');
      expect(reportOnly.finding.plan).toMatchObject({ action: 'none', operations: [] });
    });

    it('an LLM that does not know either changes nothing', () => {
      const combined = combineFindings(rulesUnknown, ok(oomAnswer({ category: 'unknown', confidence: 0.9 })));
      expect(combined.finding.plan.action).toBe('none');
      expect(combined.finding.diagnosis.category).toBe('unknown');
    });

    it('a blocked plan is never adopted', () => {
      const combined = combineFindings(rulesUnknown, {
        status: 'blocked',
        answer: oomAnswer({ confidence: 0.99 }, plan),
        reason: 'memory too high',
        meta: { ...meta, fallback: 'LLM plan blocked by a guardrail after 2 attempts: memory too high' },
      });
      expect(combined.finding.plan).toEqual(rulesUnknown.plan);
      expect(combined.llm.fallback).toMatch(/blocked/);
    });
  });

  it('redacts what the model wrote before it reaches a PR body', () => {
    const leaky = oomAnswer({ summary: 'connect with password=hunter2 to the database' });
    const combined = combineFindings(rulesOom, ok(leaky));
    expect(combined.explanation).not.toContain('hunter2');
  });
});

describe('unknown category end to end through Ollama', () => {
  let double: OllamaDouble;
  beforeAll(async () => {
    double = await startOllamaDouble();
  });
  afterAll(() => double.close());

  it('adopts a guarded LLM plan above the threshold, and not below', async () => {
    const unknown = await loadCase('oom-invoice-renderer', { noRules: true });
    expect(unknown.rules.finding.diagnosis.category).toBe('unknown');
    const diagnoser = createOllamaDiagnoser({
      baseUrl: double.url,
      prompts: await loadPrompts(),
      timeoutMs: 5_000,
    });

    double.enqueue({ json: oomAnswer({ confidence: 0.85 }) });
    const high = combineFindings(unknown.rules.finding, await diagnoser.diagnose(unknown.input));
    expect(high.finding.diagnosis.source).toBe('llm');
    expect(high.finding.plan.operations).toEqual([
      { type: 'set-resources', container: 'renderer', limits: { memory: '768Mi' } },
    ]);

    double.enqueue({ json: oomAnswer({ confidence: 0.6 }) });
    const low = combineFindings(unknown.rules.finding, await diagnoser.diagnose(unknown.input));
    expect(low.finding.plan.action).toBe('none');
    expect(low.finding.diagnosis.category).toBe('unknown');
  });
});
