// The double itself speaks Ollama's wire protocol: checked with plain fetch and with the `ollama`
// client that @langchain/ollama uses, so tests built on it exercise real client code.
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OllamaDouble, startOllamaDouble } from '../support/ollama-double.js';

let double: OllamaDouble;
beforeAll(async () => {
  double = await startOllamaDouble({ models: ['qwen2.5:7b-instruct'] });
});
afterAll(() => double.close());

const chat = { model: 'qwen2.5:7b-instruct', messages: [{ role: 'user', content: 'hello' }] };

describe('ollama double', () => {
  it('streams NDJSON chunks and a final done chunk with the counts', async () => {
    double.enqueue({
      json: { a: 1, text: 'a longer answer than one chunk' },
      promptEvalCount: 11,
      evalCount: 7,
    });
    const res = await fetch(`${double.url}/api/chat`, { method: 'POST', body: JSON.stringify(chat) });
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { done: boolean; message: { content: string }; prompt_eval_count?: number },
      );
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(0, -1).every((l) => !l.done)).toBe(true);
    expect(lines.at(-1)).toMatchObject({
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 11,
      eval_count: 7,
    });
    expect(JSON.parse(lines.map((l) => l.message.content).join(''))).toEqual({
      a: 1,
      text: 'a longer answer than one chunk',
    });
  });

  it('answers stream: false with one JSON object', async () => {
    double.enqueue({ text: 'plain' });
    const client = new Ollama({ host: double.url });
    const response = await client.chat({ ...chat, stream: false });
    expect(response.message.content).toBe('plain');
    expect(response.done).toBe(true);
    expect(response.eval_count).toBeGreaterThan(0);
  });

  it('serves the probes: /, /api/version, /api/tags, /api/show', async () => {
    const client = new Ollama({ host: double.url });
    expect(await (await fetch(double.url)).text()).toBe('Ollama is running');
    expect((await client.version()).version).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await client.list()).models.map((m) => m.name)).toEqual(['qwen2.5:7b-instruct']);
    expect((await client.show({ model: 'qwen2.5:7b-instruct' })).details.family).toBe('qwen2');
    await expect(client.show({ model: 'llama3.1:8b' })).rejects.toThrow(/not found/);
  });

  it('scripted HTTP errors, unknown models and an empty queue use Ollama error bodies', async () => {
    const client = new Ollama({ host: double.url });
    double.enqueue({ status: 500, error: 'boom' });
    await expect(client.chat({ ...chat, stream: false })).rejects.toMatchObject({
      status_code: 500,
      error: 'boom',
    });
    await expect(client.chat({ ...chat, model: 'other', stream: false })).rejects.toMatchObject({
      status_code: 404,
    });
    await expect(client.chat({ ...chat, stream: false })).rejects.toThrow(/no scripted reply left/);
  });

  it('records every request with its parsed body', async () => {
    const before = double.requests.length;
    double.enqueue({ text: 'x' });
    await new Ollama({ host: double.url }).chat({ ...chat, stream: false, options: { num_ctx: 1024 } });
    const recorded = double.requests.slice(before);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ method: 'POST', path: '/api/chat', aborted: false });
    expect(recorded[0]?.body).toMatchObject({ model: 'qwen2.5:7b-instruct', options: { num_ctx: 1024 } });
  });
});
