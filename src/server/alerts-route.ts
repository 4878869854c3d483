// POST /api/alerts: Alertmanager's webhook receiver. Authenticate, bound, validate, answer 202 at
// once and leave the work to the queue (Alertmanager times out and retries slow receivers).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { groupIncidents, type IncidentDraft } from '../intake/incidents.js';
import { parseAlertJson } from '../intake/parse-alert.js';
import { checkBearer } from './auth.js';
import { readBody, sendJson } from './http-io.js';
import type { IncidentHandler } from './incident-handler.js';
import type { Metrics } from './metrics.js';
import type { IncidentQueue } from './queue.js';

/** Largest accepted alert body (Alertmanager's own groups are far smaller). */
export const ALERT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Seconds Alertmanager is asked to wait when the queue is full. */
const RETRY_AFTER_SECONDS = 30;

export interface AlertRouteDeps {
  alertToken: string;
  metrics: Metrics;
  queue: IncidentQueue;
  handleIncident: IncidentHandler;
  log: Logger;
}

export function createAlertsRoute(deps: AlertRouteDeps) {
  const { metrics, queue } = deps;
  return async (req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> => {
    const reply = (status: number, body: unknown, headers?: Record<string, string>) => {
      metrics.alertRequests.inc({ code: String(status) });
      sendJson(res, status, body, headers);
    };
    if (req.method !== 'POST') {
      req.resume();
      return reply(405, { error: '(method): use POST' }, { allow: 'POST' });
    }
    const auth = checkBearer(req.headers.authorization, deps.alertToken);
    if (auth !== 'ok') {
      req.resume();
      log.warn({ reason: auth }, 'alert request unauthorized');
      const error = auth === 'missing' ? 'missing bearer token' : 'invalid bearer token';
      return reply(401, { error: `authorization: ${error}` }, { 'www-authenticate': 'Bearer realm="aegis"' });
    }
    const body = await readBody(req, ALERT_BODY_LIMIT_BYTES);
    if (!body.ok) {
      log.warn({ limitBytes: ALERT_BODY_LIMIT_BYTES }, 'alert request too large');
      return reply(
        413,
        { error: `(body): larger than ${ALERT_BODY_LIMIT_BYTES} bytes` },
        { connection: 'close' },
      );
    }
    const parsed = parseAlertJson(body.text);
    if (!parsed.ok) {
      log.warn({ error: parsed.error }, 'alert payload rejected');
      return reply(400, { error: parsed.error });
    }
    if (queue.saturated()) {
      log.warn({ queueDepth: queue.depth }, 'alert request refused: queue saturated');
      return reply(
        503,
        { error: 'queue: saturated, retry later' },
        { 'retry-after': String(RETRY_AFTER_SECONDS) },
      );
    }
    const drafts = groupIncidents(parsed.payload);
    for (const draft of drafts) {
      metrics.incidentsDetected.inc();
      const outcome = queue.enqueue(draft.fingerprint, () => runIncident(draft, deps));
      log.info({ ...incidentFields(draft), outcome }, 'incident queued');
    }
    metrics.queueDepth.set(queue.depth);
    const fingerprints = [...new Set(drafts.map((d) => d.fingerprint))];
    reply(202, { accepted: drafts.length, fingerprints });
  };
}

async function runIncident(draft: IncidentDraft, deps: AlertRouteDeps): Promise<void> {
  const log = deps.log.child(incidentFields(draft));
  const stopTimer = deps.metrics.incidentDuration.startTimer();
  log.info('incident started');
  try {
    await deps.handleIncident(draft, { log });
    log.info('incident finished');
  } catch (error: unknown) {
    log.error({ err: error }, 'incident failed');
  } finally {
    stopTimer();
  }
}

function incidentFields(draft: IncidentDraft) {
  return {
    fingerprint: draft.fingerprint,
    alertname: draft.alertname,
    status: draft.status,
    ...(draft.namespace ? { namespace: draft.namespace } : {}),
    ...(draft.workloadGuess ? { workload: `${draft.workloadGuess.kind}/${draft.workloadGuess.name}` } : {}),
  };
}
