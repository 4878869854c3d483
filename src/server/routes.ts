// The HTTP routes AEGIS adds beside Probot's webhook endpoint, as one node:http handler for
// Probot's `addHandler`. It answers only its own paths and returns false for the rest, so Probot's
// ping and 404 handlers still apply.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AlertRouteDeps, createAlertsRoute } from './alerts-route.js';
import { type ArgocdRouteDeps, createArgocdRoute } from './argocd-route.js';
import { healthz, metricsRoute, readyz } from './health-routes.js';
import { pathOf, sendJson } from './http-io.js';

export const ROUTES = {
  alerts: '/api/alerts',
  argocd: '/api/argocd',
  healthz: '/healthz',
  readyz: '/readyz',
  metrics: '/metrics',
} as const;

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export type HttpHandlerDeps = AlertRouteDeps & Omit<ArgocdRouteDeps, 'metrics' | 'queue'>;

export function createHttpHandler(deps: HttpHandlerDeps): HttpHandler {
  const alerts = createAlertsRoute(deps);
  const argocd = createArgocdRoute(deps);
  return async (req, res) => {
    const path = pathOf(req);
    const isGet = req.method === 'GET' || req.method === 'HEAD';
    try {
      if (path === ROUTES.alerts) {
        await alerts(req, res, deps.log.child({ route: ROUTES.alerts, requestId: requestIdOf(req) }));
      } else if (path === ROUTES.argocd) {
        await argocd(req, res, deps.log.child({ route: ROUTES.argocd, requestId: requestIdOf(req) }));
      } else if (isGet && path === ROUTES.healthz) {
        healthz(res);
      } else if (isGet && path === ROUTES.readyz) {
        readyz(res, deps.queue);
      } else if (isGet && path === ROUTES.metrics) {
        await metricsRoute(res, deps.metrics, deps.queue);
      } else {
        return false;
      }
    } catch (error: unknown) {
      deps.log.error({ err: error, path }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    }
    return true;
  };
}

/** Probot's request logger stores its id (X-Request-Id or a UUID) on req.id; reuse it. */
function requestIdOf(req: IncomingMessage): string {
  const id: unknown = (req as IncomingMessage & { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : randomUUID();
}
