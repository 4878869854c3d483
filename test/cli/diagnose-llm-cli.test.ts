// `aegis diagnose --llm ollama` end to end: the built CLI, the real @langchain/ollama client and
// an HTTP double of Ollama. The LLM adds words and a second opinion; the rules' patch stands, and
// when Ollama fails the output says that the rules decided alone.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedDir } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { oomAnswer } from '../llm/helpers.js';
import { type OllamaDouble, startOllamaDouble } from '../support/ollama-double.js';

const oom = path.join(sharedDir(), 'scenarios', 'oom-invoice-renderer');
const work = mkdtempSync(path.join(tmpdir(), 'aegis-llm-cli-'));
let ollama: OllamaDouble;

beforeAll(async () => {
  ollama = await startOllamaDouble();
});
afterAll(async () => {
  await ollama.close();
  rmSync(work, { recursive: true, force: true });
});

const args = (url: string, extra: string[] = []) => [
  'diagnose',
  '--alert',
  path.join(oom, 'alert.json'),
  '--snapshot',
  path.join(oom, 'snapshot'),
  '--repo',
  path.join(oom, 'gitops'),
  '--llm',
  'ollama',
  '--ollama-url',
  url,
  '--model',
  'qwen2.5:7b-instruct',
  '--json',
  '-q',
  ...extra,
];

interface Output {
  diagnosis: { category: string; source: string };
  remediation: { action: string; operations: unknown[] };
  llm: { model: string; promptVersion: string; attempts: number; fallback?: string; promptTokens: number };
  explanation?: string;
}

describe('aegis diagnose --llm ollama', () => {
  it('agreement: rules+llm, the rule patch, the model and prompt version recorded', async () => {
    ollama.enqueue({ json: oomAnswer() });
    const runbook = path.join(work, 'runbook.jsonl');
    writeFileSync(
      runbook,
      `${JSON.stringify({ category: 'oom-killed', workload: 'billing/pdf-worker', alertname: 'KubeContainerOOMKilled', summary: 'pdf-worker OOM at 256Mi', fix: 'limit 256Mi -> 384Mi', outcome: 'verified-in-prod' })}\n`,
    );
    const run = await runCli(args(ollama.url, ['--runbook', runbook]));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Output;
    expect(out.diagnosis).toMatchObject({ category: 'oom-killed', source: 'rules+llm' });
    expect(out.remediation.operations).toEqual([
      { type: 'set-resources', container: 'renderer', limits: { memory: '768Mi' } },
    ]);
    expect(out.llm).toMatchObject({ model: 'qwen2.5:7b-instruct', attempts: 1 });
    expect(out.llm.promptVersion).toMatch(/^system@[0-9a-f]+\+diagnose@[0-9a-f]+/);
    expect(out.llm.fallback).toBeUndefined();
    const prompt = JSON.stringify(ollama.chatBodies().at(-1));
    expect(prompt).toContain('pdf-worker OOM at 256Mi');
    expect(prompt).toContain('invoice-renderer');
  });

  it('Ollama answering 500: the rules decide and the output says so', async () => {
    ollama.enqueue({ status: 500, error: 'CUDA error: out of memory' });
    const run = await runCli(args(ollama.url));
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Output;
    expect(out.diagnosis).toMatchObject({ category: 'oom-killed', source: 'rules' });
    expect(out.remediation.action).toBe('patch');
    expect(out.llm.fallback).toMatch(/500|CUDA/);
  });

  it('nothing listening: the rules decide, and the readable report names the fallback', async () => {
    const run = await runCli(args('http://127.0.0.1:9', []).filter((a) => a !== '--json'));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Diagnosis +oom-killed, confidence [\d.]+, source rules/);
    expect(run.stdout).toMatch(/LLM +qwen2\.5:7b-instruct: not used, rules decided/);
  });

  it('rejects a bad --llm-timeout with one line', async () => {
    const run = await runCli(args(ollama.url, ['--llm-timeout', 'soon']));
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(/^aegis: invalid --llm-timeout soon/);
  });
});
