// The transport under client-node's generated API clients. client-node builds each request (URL,
// query, Accept, the auth headers and the TLS/proxy agent from the kubeconfig); this sends it with
// node:http(s) and adds what the default transport lacks: a deadline on every request, a bounded
// retry of transient failures, GET only (the cluster is read-only to AEGIS), and a response body
// that can be read twice, so the reader gets the API server's own JSON, not a re-serialization.
import http from 'node:http';
import https from 'node:https';
import {
  type HttpLibrary,
  type RequestContext,
  ResponseContext,
  SelfDecodingBody,
  wrapHttpLibrary,
} from '@kubernetes/client-node';

/** The API server could not be reached or did not answer in time: retryable, not a user error. */
export class ClusterRequestError extends Error {
  constructor(
    message: string,
    readonly server: string,
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'ClusterRequestError';
  }
}

export interface TransportOptions {
  /** The API server as the kubeconfig names it (for messages). */
  server: string;
  timeoutMs: number;
  /** Extra attempts after 429/502/503/504 or a reset connection. Default 1. */
  retries?: number;
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);
const RETRY_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const MAX_BODY_BYTES = 256 * 1024 * 1024;

export function readOnlyTransport(options: TransportOptions): HttpLibrary {
  return wrapHttpLibrary({ send: (request) => sendWithRetry(request, options) });
}

async function sendWithRetry(request: RequestContext, options: TransportOptions): Promise<ResponseContext> {
  const attempts = 1 + (options.retries ?? 1);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await sendOnce(request, options);
      if (attempt < attempts && RETRY_STATUS.has(response.httpStatusCode)) {
        await sleep(retryDelay(response.headers['retry-after'], attempt));
        continue;
      }
      return response;
    } catch (error: unknown) {
      const code = (error as { cause?: NodeJS.ErrnoException }).cause?.code;
      if (attempt < attempts && code && RETRY_CODES.has(code)) {
        await sleep(retryDelay(undefined, attempt));
        continue;
      }
      throw error;
    }
  }
}

function sendOnce(request: RequestContext, options: TransportOptions): Promise<ResponseContext> {
  const method = request.getHttpMethod().toString();
  const url = new URL(request.getUrl());
  const what = `${method} ${url.pathname}${url.search}`;
  if (method !== 'GET') {
    // Defense in depth: no code path asks for more, and RBAC should forbid it anyway.
    return Promise.reject(new Error(`refused ${what}: AEGIS only reads the cluster`));
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error & { code?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      if (error instanceof ClusterRequestError) return reject(error);
      const message = `cannot reach the Kubernetes API server ${options.server} (${what}): ${error.code ?? error.message}`;
      reject(Object.assign(new ClusterRequestError(message, options.server), { cause: error }));
    };
    const timer = setTimeout(() => {
      const message = `the Kubernetes API server ${options.server} did not answer ${what} within ${options.timeoutMs} ms`;
      fail(new ClusterRequestError(message, options.server, true));
    }, options.timeoutMs);
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(
      url,
      { method, headers: request.getHeaders(), agent: request.getAgent() },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES)
            fail(new ClusterRequestError(`${what}: response larger than 256 MiB`, options.server));
          else chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          const body = new SelfDecodingBody(Promise.resolve(Buffer.concat(chunks)));
          resolve(new ResponseContext(res.statusCode ?? 0, headers, body));
        });
      },
    );
    req.on('error', fail);
    req.end();
  });
}

function retryDelay(retryAfter: string | undefined, attempt: number): number {
  const seconds = retryAfter ? Number(retryAfter) : Number.NaN;
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 2000);
  return 200 * attempt;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
