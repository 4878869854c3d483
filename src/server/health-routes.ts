// Probes and metrics: /healthz (the process answers), /readyz (configured and able to take
// alerts), /metrics (this instance's Prometheus registry).
import type { ServerResponse } from 'node:http';
import { sendJson } from './http-io.js';
import type { Metrics } from './metrics.js';
import type { IncidentQueue } from './queue.js';

export function healthz(res: ServerResponse): void {
  sendJson(res, 200, { status: 'ok' });
}

/** The app function only runs with a validated config, so "loaded" is a given once it answers. */
export function readyz(res: ServerResponse, queue: IncidentQueue): void {
  const saturated = queue.saturated();
  sendJson(res, saturated ? 503 : 200, {
    status: saturated ? 'saturated' : 'ready',
    config: 'loaded',
    queueDepth: queue.depth,
  });
}

export async function metricsRoute(
  res: ServerResponse,
  metrics: Metrics,
  queue: IncidentQueue,
): Promise<void> {
  metrics.queueDepth.set(queue.depth);
  const text = await metrics.registry.metrics();
  res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }).end(text);
}
