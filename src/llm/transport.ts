// Talking to Ollama over HTTP: bounded retries for transient failures (502/503/504, dropped
// connections), and every failure turned into one line that says what happened and what to do.
import { promptLine, scrub } from './prompt-text.js';
import type { LlmMeta } from './types.js';

export interface TransportSettings {
  baseUrl: string;
  model: string;
  /** Extra tries for 502/503/504 and dropped connections, within the timeout. */
  transientRetries: number;
  /** Chat requests allowed per question in all (answers plus transport retries). */
  maxRequests: number;
}

export class Timeout extends Error {
  constructor(ms: number) {
    super(`Ollama did not answer within ${ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`}`);
    this.name = 'Timeout';
  }
}

export async function invokeWithRetries<T>(
  call: () => Promise<T>,
  settings: TransportSettings,
  meta: LlmMeta,
  signal: AbortSignal,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    meta.attempts++;
    try {
      return await call();
    } catch (error: unknown) {
      // A transport retry spends the same budget as the answer retry: at most maxRequests calls
      // reach Ollama per incident, however the failures mix.
      const spent = meta.attempts >= settings.maxRequests;
      if (signal.aborted || spent || retry >= settings.transientRetries || !isTransient(error)) throw error;
      await sleep(250 * (retry + 1), signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status_code?: unknown } | null)?.status_code;
  return typeof status === 'number' ? status : undefined;
}

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isTransient(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status === 502 || status === 503 || status === 504;
  const code = causeCode(error);
  return code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'UND_ERR_SOCKET' || code === 'EPIPE';
}

export function describeFailure(
  error: unknown,
  signal: AbortSignal,
  settings: TransportSettings,
): { status: 'unavailable' | 'timeout'; reason: string } {
  if (signal.aborted) {
    const reason = signal.reason;
    if (reason instanceof Timeout) return { status: 'timeout', reason: `${reason.message}; using the rules` };
    return { status: 'unavailable', reason: 'the LLM call was cancelled; using the rules' };
  }
  const message = promptLine(error instanceof Error ? error.message : String(error), 200);
  const status = statusOf(error);
  if (status === 404 && /not found/i.test(message)) {
    return {
      status: 'unavailable',
      reason: `Ollama at ${scrub(settings.baseUrl)} does not have model ${settings.model} (run \`ollama pull ${settings.model}\`); using the rules`,
    };
  }
  if (status !== undefined)
    return { status: 'unavailable', reason: `Ollama answered HTTP ${status}: ${message}; using the rules` };
  const code = causeCode(error);
  if (code)
    return {
      status: 'unavailable',
      reason: `Ollama at ${scrub(settings.baseUrl)} is not reachable (${code}); using the rules`,
    };
  return { status: 'unavailable', reason: `the LLM call failed: ${message}; using the rules` };
}
