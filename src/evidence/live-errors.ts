// What the API server's refusals mean for evidence: a kind we may not read (403) or that the
// cluster does not serve (404) is partial evidence; bad credentials (401) are bad input; anything
// else is an error that names the API server, never a raw ApiException dump.
import { ApiException } from '@kubernetes/client-node';
import { UserError } from '../core/errors.js';
import { ClusterRequestError } from './live-http.js';
import type { LiveResource } from './live-resources.js';

/** One kind could not be listed; the live reader turns it into EvidenceUnavailable. */
export class ResourceUnavailable extends Error {
  constructor(
    readonly resource: LiveResource,
    readonly reason: string,
  ) {
    super(`${resource}: ${reason}`);
    this.name = 'ResourceUnavailable';
  }
}

export interface ApiStatus {
  code: number;
  reason?: string;
  message: string;
}

const HTTP_REASONS: Record<number, string> = {
  400: 'bad request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not found',
  429: 'too many requests',
  500: 'internal server error',
  503: 'service unavailable',
};

/** The Status object of an ApiException (client-node keeps the raw body text), if it is one. */
export function apiStatusOf(error: unknown): ApiStatus | undefined {
  if (!(error instanceof ApiException)) return undefined;
  const code = Number(error.code);
  const body: unknown = error.body;
  let status: { message?: unknown; reason?: unknown } | undefined;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body) as typeof status;
    } catch {
      status = body.trim() ? { message: body.trim().split('\n')[0] } : undefined;
    }
  } else if (typeof body === 'object' && body !== null) {
    status = body as typeof status;
  }
  const message =
    typeof status?.message === 'string' && status.message
      ? status.message
      : (HTTP_REASONS[code] ?? `HTTP ${code}`);
  return { code, message, ...(typeof status?.reason === 'string' ? { reason: status.reason } : {}) };
}

export function unauthorized(server: string, context: string): UserError {
  return new UserError(
    `the Kubernetes API server ${server} rejected the credentials of context ${context} (401 Unauthorized)`,
    'check the user or token in the kubeconfig',
  );
}

/** Network failures pass through (they already name the server); anything else gets named. */
export function unexpectedError(server: string, what: string, error: unknown): Error {
  if (error instanceof ClusterRequestError || error instanceof UserError) return error;
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
  return new Error(`cannot ${what} from the Kubernetes API server ${server}: ${message}`);
}
