// The LLM path end to end against the Ollama double: the real ChatOllama streams /api/chat, the
// answer is schema-checked and guarded, and every failure falls back to the rules with a reason.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmAnswer } from '../../src/llm/answer-schema.js';
import { type ChatModelSettings, createChatOllama } from '../../src/llm/chat-model.js';
import { combineFindings } from '../../src/llm/combine.js';
import { createOllamaDiagnoser, type OllamaDiagnoserOptions } from '../../src/llm/diagnoser.js';
import { ollamaJsonSchema } from '../../src/llm/ollama-schema.js';
import { loadPrompts, type PromptSet } from '../../src/llm/prompt-templates.js';
import { type OllamaDouble, startOllamaDouble } from '../support/ollama-double.js';
import { type Case, loadCase, oomAnswer, patch } from './helpers.js';

let double: OllamaDouble;
let prompts: PromptSet;
let oom: Case;

beforeAll(async () => {
  double = await startOllamaDouble();
  prompts = await loadPrompts();
  oom = await loadCase('oom-invoice-renderer');
});
afterAll(() => double.close());
beforeEach(() => {
  double.requests.length = 0;
  expect(double.pending()).toBe(0);
});

const diagnoser = (options: OllamaDiagnoserOptions = {}) =>
  createOllamaDiagnoser({ baseUrl: double.url, prompts, timeoutMs: 5_000, ...options });

describe('a good answer', () => {
  it('agrees with the rules: rules+llm, the rule plan, the LLM explanation, tokens and versions recorded', async () => {
    double.enqueue({ json: oomAnswer(), promptEvalCount: 3210, evalCount: 187 });
    const outcome = await diagnoser().diagnose(oom.input);
    expect(outcome.status).toBe('ok');
    expect(outcome.meta).toMatchObject({
      model: 'qwen2.5:7b-instruct',
      promptTokens: 3210,
      completionTokens: 187,
      attempts: 1,
    });
    expect(outcome.meta.fallback).toBeUndefined();
    expect(outcome.meta.promptVersion).toBe(
      `system@${prompts.system.version}+diagnose@${prompts.diagnose.version}`,
    );
    expect(outcome.meta.latencyMs).toBeGreaterThanOrEqual(0);

    const combined = combineFindings(oom.rules.finding, outcome);
    expect(combined.finding.diagnosis.source).toBe('rules+llm');
    expect(combined.finding.diagnosis.category).toBe('oom-killed');
    expect(combined.finding.diagnosis.summary).toBe(oom.rules.finding.diagnosis.summary);
    expect(combined.finding.plan).toEqual(oom.rules.finding.plan);
    expect(combined.explanation).toContain('runs out of memory');
    expect(combined.llm.fallback).toBeUndefined();
  });

  it('sends one streaming /api/chat with the JSON schema, temperature 0, num_ctx and keep_alive, and probes nothing', async () => {
    double.enqueue({ json: oomAnswer() });
    await diagnoser({ keepAlive: '5m' }).diagnose(oom.input);
    expect(double.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/chat']);
    const [body] = double.chatBodies();
    expect(body).toMatchObject({
      model: 'qwen2.5:7b-instruct',
      stream: true,
      keep_alive: '5m',
      options: { temperature: 0, num_ctx: 8192, num_predict: 1024 },
    });
    expect(body?.format).toEqual(ollamaJsonSchema(LlmAnswer));
    expect((body?.format as { required?: string[] } | undefined)?.required).toEqual(['diagnosis', 'plan']);
    expect(body?.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(body?.messages[0]?.content).toBe(prompts.system.text);
    const user = body?.messages[1]?.content ?? '';
    expect(user).toContain('alert KubeContainerOOMKilled');
    expect(user).toContain('--- file apps/billing/invoice-renderer.yaml');
    expect(user).toContain('memory: 512Mi');
    expect(user).toContain('chosen by the rules: oom-killed');
  });

  it('builds the chat model through the injected factory, with every setting and the call signal', async () => {
    const seen: ChatModelSettings[] = [];
    double.enqueue({ json: oomAnswer() });
    const outcome = await diagnoser({
      model: 'llama3.1:8b-instruct-q4_K_M',
      numCtx: 16384,
      createModel: (settings) => {
        seen.push(settings);
        return createChatOllama(settings);
      },
    }).diagnose(oom.input);
    expect(outcome.status).toBe('ok');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ model: 'llama3.1:8b-instruct-q4_K_M', numCtx: 16384, temperature: 0 });
    expect(seen[0]?.signal).toBeInstanceOf(AbortSignal);
    expect(double.chatBodies()[0]).toMatchObject({
      model: 'llama3.1:8b-instruct-q4_K_M',
      options: { num_ctx: 16384 },
    });
  });

  it('accepts an answer wrapped in a Markdown fence', async () => {
    double.enqueue({ text: `\`\`\`json\n${JSON.stringify(oomAnswer())}\n\`\`\`` });
    const outcome = await diagnoser().diagnose(oom.input);
    expect(outcome.status).toBe('ok');
  });
});

describe('invalid answers', () => {
  it('retries once with the errors fed back, then falls back to the rules and says so', async () => {
    double.enqueue(
      { text: 'The pod ran out of memory, raise the limit.' },
      { text: '{"diagnosis": {"category": "oom' },
    );
    const outcome = await diagnoser().diagnose(oom.input);
    expect(outcome.status).toBe('invalid');
    if (outcome.status !== 'invalid') return;
    expect(outcome.meta.attempts).toBe(2);
    expect(outcome.meta.fallback).toMatch(
      /LLM answer invalid after 2 attempts: the answer is not valid JSON/,
    );
    expect(outcome.raw).toBe('{"diagnosis": {"category": "oom');
    expect(outcome.meta.promptVersion).toContain(`+retry@${prompts.retry.version}`);

    const [, second] = double.chatBodies();
    expect(second?.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(second?.messages[2]?.content).toBe('The pod ran out of memory, raise the limit.');
    expect(second?.messages[3]?.content).toMatch(/rejected[\s\S]*not valid JSON/);

    const combined = combineFindings(oom.rules.finding, outcome);
    expect(combined.finding).toEqual(oom.rules.finding);
    expect(combined.llm.fallback).toMatch(/invalid/);
  });

  it('feeds zod issues back as path: message lines and takes the corrected answer', async () => {
    const wrong = {
      ...oomAnswer(),
      diagnosis: { ...oomAnswer().diagnosis, category: 'memory-leak', confidence: 3 },
    };
    double.enqueue({ json: wrong }, { json: oomAnswer() });
    const outcome = await diagnoser().diagnose(oom.input);
    expect(outcome.status).toBe('ok');
    expect(outcome.meta.attempts).toBe(2);
    const feedback = double.chatBodies()[1]?.messages[3]?.content ?? '';
    expect(feedback).toContain('diagnosis.category:');
    expect(feedback).toContain('diagnosis.confidence:');
  });

  it('reports a long raw answer redacted and truncated', async () => {
    const raw = `password=hunter2-PLANTED ${'x'.repeat(5000)}`;
    double.enqueue({ text: raw }, { text: raw });
    const outcome = await diagnoser().diagnose(oom.input);
    expect(outcome.status).toBe('invalid');
    if (outcome.status !== 'invalid') return;
    expect(outcome.raw).not.toContain('hunter2-PLANTED');
    expect(outcome.raw.length).toBeLessThanOrEqual(500);
    expect(JSON.stringify(double.chatBodies())).not.toContain('hunter2-PLANTED');
  });
});

describe('guardrails apply to LLM plans', () => {
  it.each([
    [
      'set-env LD_PRELOAD (not an LLM operation)',
      patch({ type: 'set-env', container: 'renderer', name: 'LD_PRELOAD', value: '/tmp/x.so' }),
      /set-env is not allowed/,
    ],
    [
      'a container of another app',
      patch({ type: 'set-resources', container: 'api', limits: { memory: '1Gi' } }),
      /container api is not part of/,
    ],
    [
      'memory x10',
      patch({ type: 'set-resources', container: 'renderer', limits: { memory: '5Gi' } }),
      /more than x4/,
    ],
    [
      'an image it never ran',
      patch({ type: 'set-image', container: 'renderer', image: 'evil.example/renderer:pwn' }),
      /never ran/,
    ],
    [
      'a revert of an arbitrary commit',
      patch({ type: 'revert-commit', commit: 'deadbeef' }),
      /revert-commit is not allowed/,
    ],
  ])('%s: blocked after one retry, the rule plan kept', async (_name, plan, reason) => {
    double.enqueue({ json: oomAnswer({}, plan) }, { json: oomAnswer({}, plan) });
    const outcome = await diagnoser().diagnose(oom.input);
    expect(outcome.status).toBe('blocked');
    if (outcome.status !== 'blocked') return;
    expect(outcome.reason).toMatch(reason);
    expect(outcome.meta.attempts).toBe(2);
    expect(double.chatBodies()[1]?.messages[3]?.content).toMatch(reason);

    const combined = combineFindings(oom.rules.finding, outcome);
    expect(combined.finding.plan).toEqual(oom.rules.finding.plan);
    expect(combined.finding.diagnosis.source).toBe('rules');
    expect(combined.llm.fallback).toMatch(/blocked by a guardrail/);
    expect(combined.finding.diagnosis.hypotheses.at(-1)).toMatch(/Its plan was blocked/);
  });

  it('with set-env allowed, the caller guardrails still refuse LD_PRELOAD', async () => {
    const plan = patch({ type: 'set-env', container: 'renderer', name: 'LD_PRELOAD', value: '/tmp/x.so' });
    double.enqueue({ json: oomAnswer({}, plan) }, { json: oomAnswer({}, plan) });
    const outcome = await diagnoser({ allowedOperations: ['set-env', 'set-resources'] }).diagnose(oom.input);
    expect(outcome.status === 'blocked' && outcome.reason).toMatch(
      /does not write the environment variable LD_PRELOAD/,
    );
  });

  it('takes a corrected plan on the retry', async () => {
    const bad = patch({ type: 'set-resources', container: 'renderer', limits: { memory: '5Gi' } });
    double.enqueue({ json: oomAnswer({}, bad) }, { json: oomAnswer() });
    const outcome = await diagnoser().diagnose(oom.input);
    expect(outcome.status).toBe('ok');
    expect(outcome.meta.attempts).toBe(2);
  });
});

describe('Ollama down, slow or failing', () => {
  it('times out: rules fallback with the reason, and the HTTP request is cancelled', async () => {
    double.enqueue({ json: oomAnswer(), delayMs: 3_000 });
    const started = Date.now();
    const outcome = await diagnoser({ timeoutMs: 300 }).diagnose(oom.input);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(outcome.status).toBe('timeout');
    expect(outcome.meta.fallback).toBe('Ollama did not answer within 300 ms; using the rules');
    await expect.poll(() => double.requests[0]?.aborted).toBe(true);
    const combined = combineFindings(oom.rules.finding, outcome);
    expect(combined.finding).toEqual(oom.rules.finding);
  });

  it('times out when the stream stalls after the first chunk', async () => {
    double.enqueue({ json: oomAnswer(), stallMs: 3_000 });
    const outcome = await diagnoser({ timeoutMs: 1_000 }).diagnose(oom.input);
    expect(outcome.status).toBe('timeout');
    expect(outcome.meta.fallback).toMatch(/did not answer within 1 s/);
  });

  it('HTTP 500: no retry, rules fallback naming the status and Ollama message', async () => {
    double.enqueue({ status: 500, error: 'llama runner process has terminated: CUDA out of memory' });
    const outcome = await diagnoser().diagnose(oom.input);
    expect(outcome.status).toBe('unavailable');
    expect(outcome.meta.fallback).toBe(
      'Ollama answered HTTP 500: llama runner process has terminated: CUDA out of memory; using the rules',
    );
    expect(outcome.meta.attempts).toBe(1);
    expect(combineFindings(oom.rules.finding, outcome).finding).toEqual(oom.rules.finding);
  });

  it('HTTP 503 (queue full) is retried once', async () => {
    double.enqueue({
      status: 503,
      error: 'server busy, please try again.  maximum pending requests exceeded',
    });
    double.enqueue({ json: oomAnswer() });
    const outcome = await diagnoser().diagnose(oom.input);
    expect(outcome.status).toBe('ok');
    expect(outcome.meta.attempts).toBe(2);
  });

  it('never sends more than 2 chat requests per incident, whatever the mix of failures', async () => {
    double.enqueue({ status: 503, error: 'server busy' });
    double.enqueue({ text: 'not json at all' });
    double.enqueue({ json: oomAnswer() });
    const before = double.chatBodies().length;
    const outcome = await diagnoser().diagnose(oom.input);
    expect(double.chatBodies().length - before).toBe(2);
    expect(outcome.meta.attempts).toBe(2);
    expect(outcome.meta.fallback).toBeDefined();
    expect(double.pending()).toBe(1);
    await diagnoser().diagnose(oom.input); // consumes the answer left over, for the next test
  });

  it('a missing model says how to get it', async () => {
    const strict = await startOllamaDouble({ models: ['llama3.1:8b'] });
    try {
      const outcome = await diagnoser({ baseUrl: strict.url }).diagnose(oom.input);
      expect(outcome.meta.fallback).toMatch(/does not have model qwen2.5:7b-instruct \(run `ollama pull/);
    } finally {
      await strict.close();
    }
  });

  it('nothing listening: not reachable', async () => {
    const gone = await startOllamaDouble();
    const url = gone.url;
    await gone.close();
    const outcome = await diagnoser({ baseUrl: url, transientRetries: 0 }).diagnose(oom.input);
    expect(outcome.status).toBe('unavailable');
    expect(outcome.meta.fallback).toMatch(/is not reachable \(ECONNREFUSED\)/);
  });

  it('missing prompt templates: rules only, never an exception', async () => {
    const outcome = await createOllamaDiagnoser({ baseUrl: double.url, promptsDir: '/nonexistent' }).diagnose(
      oom.input,
    );
    expect(outcome.status).toBe('unavailable');
    expect(outcome.meta.fallback).toMatch(/prompt could not be built \(prompt template .*cannot be read/);
    expect(double.requests).toHaveLength(0);
  });

  it('a caller cancellation ends the call', async () => {
    double.enqueue({ json: oomAnswer(), delayMs: 3_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const outcome = await diagnoser().diagnose(oom.input, { signal: controller.signal });
    expect(outcome.status).toBe('unavailable');
    expect(outcome.meta.fallback).toMatch(/cancelled/);
  });
});
