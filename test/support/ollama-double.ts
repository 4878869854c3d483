// An Ollama server double on loopback that speaks the real wire protocol, so the real
// @langchain/ollama client (and the `ollama` package under it) runs in tests: POST /api/chat
// streaming NDJSON (`application/x-ndjson`, one `done: false` chunk per piece of content, then a
// `done: true` chunk with the timing and token counts) or one JSON object with `stream: false`;
// GET /api/tags, POST /api/show, GET /api/version and GET / as a client may probe them. Replies are
// scripted in a queue; every request is recorded with its parsed body.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Timing {
  /** Wait this long before answering at all (no headers): a slow or hung Ollama. */
  delayMs?: number;
  /** Send the first chunk, then wait this long before the rest (streaming only). */
  stallMs?: number;
  /** Override the counts Ollama reports; default: estimated from the request and the content. */
  promptEvalCount?: number;
  evalCount?: number;
}

export type ScriptedReply =
  /** Assistant content = JSON.stringify(json). */
  | ({ json: unknown } & Timing)
  /** Assistant content as is (invalid JSON, prose, a fenced block). */
  | ({ text: string } & Timing)
  /** An HTTP error with Ollama's `{"error": ...}` body. */
  | ({ status: number; error: string } & Timing);

export interface RecordedRequest {
  method: string;
  path: string;
  /** Parsed JSON body (undefined for GET or unparseable bodies). */
  body: unknown;
  rawBody: string;
  /** The client went away before the reply was complete (timeout, abort). */
  aborted: boolean;
}

export interface OllamaDouble {
  url: string;
  requests: RecordedRequest[];
  /** Bodies of POST /api/chat requests, in order. */
  chatBodies(): ChatBody[];
  enqueue(...replies: ScriptedReply[]): void;
  /** Scripted replies not consumed yet. */
  pending(): number;
  close(): Promise<void>;
}

export interface ChatBody {
  model: string;
  stream?: boolean;
  format?: unknown;
  keep_alive?: string | number;
  options?: Record<string, unknown>;
  messages: { role: string; content: string }[];
}

export interface DoubleOptions {
  /** Models the server "has"; a chat for another model gets Ollama's 404. Default: any model. */
  models?: string[];
  /** Characters per streamed chunk. Default 16. */
  chunkSize?: number;
  version?: string;
}

export async function startOllamaDouble(options: DoubleOptions = {}): Promise<OllamaDouble> {
  const queue: ScriptedReply[] = [];
  const requests: RecordedRequest[] = [];
  const chunkSize = options.chunkSize ?? 16;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        path: new URL(req.url ?? '/', 'http://double').pathname,
        body,
        rawBody,
        aborted: false,
      };
      requests.push(record);
      res.on('close', () => {
        if (!res.writableFinished) record.aborted = true;
      });
      route(record, req, res).catch(() => {
        if (!res.headersSent) sendJson(res, 500, { error: 'ollama double failed' });
        else res.destroy();
      });
    });
  });

  async function route(record: RecordedRequest, _req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { method, path } = record;
    if ((method === 'GET' || method === 'HEAD') && path === '/') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Ollama is running');
      return;
    }
    if (method === 'GET' && path === '/api/version')
      return sendJson(res, 200, { version: options.version ?? '0.12.6' });
    if (method === 'GET' && path === '/api/tags') {
      return sendJson(res, 200, { models: (options.models ?? ['qwen2.5:7b-instruct']).map(modelEntry) });
    }
    if (method === 'POST' && path === '/api/show') {
      const name = (record.body as { model?: string; name?: string } | undefined)?.model ?? '';
      if (options.models && !options.models.includes(name)) return notFound(res, name);
      return sendJson(res, 200, {
        modelfile: `FROM ${name}`,
        parameters: 'temperature 0',
        template: '{{ .Prompt }}',
        details: modelEntry(name).details,
        model_info: { 'general.architecture': 'qwen2', 'qwen2.context_length': 32768 },
        capabilities: ['completion', 'tools'],
      });
    }
    if (method === 'POST' && path === '/api/chat') return chat(record, res);
    sendJson(res, 404, { error: `ollama double: no route ${method} ${path}` });
  }

  async function chat(record: RecordedRequest, res: ServerResponse): Promise<void> {
    const body = record.body as ChatBody | undefined;
    if (!body || !Array.isArray(body.messages)) return sendJson(res, 400, { error: 'invalid request body' });
    if (options.models && !options.models.includes(body.model)) return notFound(res, body.model);
    const reply = queue.shift();
    if (!reply) return sendJson(res, 500, { error: 'ollama double: no scripted reply left' });
    if (reply.delayMs) {
      const completed = await wait(reply.delayMs, res);
      if (!completed) return;
    }
    if ('status' in reply) return sendJson(res, reply.status, { error: reply.error });
    const content = 'json' in reply ? JSON.stringify(reply.json) : reply.text;
    const promptChars = body.messages.reduce((n, m) => n + String(m.content ?? '').length, 0);
    const stats = {
      done_reason: 'stop',
      done: true,
      total_duration: 1_234_000_000,
      load_duration: 12_000_000,
      prompt_eval_count: reply.promptEvalCount ?? Math.ceil(promptChars / 4),
      prompt_eval_duration: 400_000_000,
      eval_count: reply.evalCount ?? Math.max(1, Math.ceil(content.length / 4)),
      eval_duration: 800_000_000,
    };
    const head = () => ({ model: body.model, created_at: new Date().toISOString() });
    if (body.stream === false) {
      return sendJson(res, 200, { ...head(), message: { role: 'assistant', content }, ...stats });
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const pieces = content.match(new RegExp(`[\\s\\S]{1,${chunkSize}}`, 'g')) ?? [];
    for (const [i, piece] of pieces.entries()) {
      if (res.destroyed) return;
      res.write(
        `${JSON.stringify({ ...head(), message: { role: 'assistant', content: piece }, done: false })}\n`,
      );
      if (i === 0 && reply.stallMs) {
        const completed = await wait(reply.stallMs, res);
        if (!completed) return;
      }
    }
    res.end(`${JSON.stringify({ ...head(), message: { role: 'assistant', content: '' }, ...stats })}\n`);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    chatBodies: () =>
      requests.filter((r) => r.method === 'POST' && r.path === '/api/chat').map((r) => r.body as ChatBody),
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    pending: () => queue.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

function notFound(res: ServerResponse, model: string): void {
  sendJson(res, 404, { error: `model "${model}" not found, try pulling it first` });
}

/** Resolves true after `ms`, or false as soon as the client disconnects. */
function wait(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    res.once('close', onClose);
  });
}

function modelEntry(name: string) {
  return {
    name,
    model: name,
    modified_at: '2025-01-01T00:00:00Z',
    size: 4_683_087_332,
    digest: 'sha256:845dbda0ea48ed749caafd9e6037047aa19acfcfd82e704d7ca97d631a0b697e'.slice(7),
    details: {
      parent_model: '',
      format: 'gguf',
      family: 'qwen2',
      families: ['qwen2'],
      parameter_size: '7.6B',
      quantization_level: 'Q4_K_M',
    },
  };
}
