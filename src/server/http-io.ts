// Small helpers for the plain node:http handlers that Probot's addHandler takes.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type ReadBodyResult = { ok: true; text: string } | { ok: false; reason: 'too-large' };

/**
 * Reads the body up to `limit` bytes. A larger body (by Content-Length or by counting) is drained
 * without being kept, so the client still receives the 413 instead of a reset connection.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<ReadBodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return { ok: false, reason: 'too-large' };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // destroyOnReturn: false keeps the socket open to drain the rest and still answer.
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) {
      req.resume();
      return { ok: false, reason: 'too-large' };
    }
    chunks.push(buffer);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      'cache-control': 'no-store',
      ...headers,
    })
    .end(text);
}

/** The path without the query string. */
export function pathOf(req: IncomingMessage): string {
  return (req.url ?? '').split('?')[0] ?? '';
}
