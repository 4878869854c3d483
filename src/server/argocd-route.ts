// POST /api/argocd: Argo CD notifications (manifests/argocd/notifications-snippet.yaml). Like
// /api/alerts: authenticate, bound, validate, answer 202 at once and leave the work to the queue
// (Argo CD retries a slow webhook, and a revert runs git). Events of one revision are keyed
// together in the queue, so Argo CD's duplicates run one after another, never side by side.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { parseNotification, type RolloutEvent } from '../guard/rollout-event.js';
import type { RolloutGuard } from '../guard/rollout-guard.js';
import { checkBearer } from './auth.js';
import { readBody, sendJson } from './http-io.js';
import type { Metrics } from './metrics.js';
import type { IncidentQueue } from './queue.js';

/** Notification bodies are a few hundred bytes (a long history list stays well under this). */
export const ARGOCD_BODY_LIMIT_BYTES = 64 * 1024;

export interface ArgocdRouteDeps {
  /** AEGIS_ARGOCD_TOKEN; without it the route answers 404 (the guard is off). */
  argocdToken?: string;
  /** Absent in local mode (no GitHub App): the route answers 503. */
  guard?: RolloutGuard;
  metrics: Metrics;
  queue: IncidentQueue;
}

export function createArgocdRoute(deps: ArgocdRouteDeps) {
  const { metrics, queue } = deps;
  return async (req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> => {
    const reply = (status: number, body: unknown, headers?: Record<string, string>) => {
      metrics.argocdRequests.inc({ code: String(status) });
      sendJson(res, status, body, headers);
    };
    if (req.method !== 'POST') {
      req.resume();
      return reply(405, { error: '(method): use POST' }, { allow: 'POST' });
    }
    if (!deps.argocdToken) {
      req.resume();
      return reply(404, {
        error: 'argocd: the rollout guard is off; set AEGIS_ARGOCD_TOKEN to enable POST /api/argocd',
      });
    }
    const auth = checkBearer(req.headers.authorization, deps.argocdToken);
    if (auth !== 'ok') {
      req.resume();
      log.warn({ reason: auth }, 'argocd request unauthorized');
      const error = auth === 'missing' ? 'missing bearer token' : 'invalid bearer token';
      return reply(401, { error: `authorization: ${error}` }, { 'www-authenticate': 'Bearer realm="aegis"' });
    }
    const body = await readBody(req, ARGOCD_BODY_LIMIT_BYTES);
    if (!body.ok)
      return reply(
        413,
        { error: `(body): larger than ${ARGOCD_BODY_LIMIT_BYTES} bytes` },
        { connection: 'close' },
      );
    const parsed = parseNotification(body.text);
    if (!parsed.ok) {
      log.warn({ error: parsed.error }, 'argocd notification rejected');
      return reply(400, { error: parsed.error });
    }
    const { guard } = deps;
    if (!guard)
      return reply(503, { error: 'argocd: the rollout guard needs the GitHub App (APP_ID, PRIVATE_KEY)' });
    if (queue.saturated())
      return reply(503, { error: 'queue: saturated, retry later' }, { 'retry-after': '30' });
    const { event } = parsed;
    const fields = eventFields(event);
    const outcome = queue.enqueue(`argocd:${event.revision}`, () =>
      runEvent(guard, event, deps, log.child(fields)),
    );
    log.info({ ...fields, outcome }, 'argocd event queued');
    metrics.queueDepth.set(queue.depth);
    reply(202, { accepted: 1, application: event.application, revision: event.revision });
  };
}

async function runEvent(
  guard: RolloutGuard,
  event: RolloutEvent,
  deps: ArgocdRouteDeps,
  log: Logger,
): Promise<void> {
  try {
    const outcome = await guard.handleEvent(event, log);
    deps.metrics.rolloutEvents.inc({ trigger: event.trigger, outcome });
    log.info({ outcome }, 'argocd event handled');
  } catch (error: unknown) {
    deps.metrics.rolloutEvents.inc({ trigger: event.trigger, outcome: 'error' });
    log.error({ err: error }, 'argocd event failed');
  }
}

function eventFields(event: RolloutEvent) {
  return {
    trigger: event.trigger,
    application: event.application,
    revision: event.revision,
    ...(event.healthStatus ? { health: event.healthStatus } : {}),
    ...(event.operationPhase ? { phase: event.operationPhase } : {}),
  };
}
