// Prometheus metrics of one server instance. Each call builds its own registry (never prom-client's
// global one), so two servers in one process, or two tests, never share counters.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const VERDICTS = ['pass', 'fail', 'inconclusive', 'error'] as const;

export interface Metrics {
  registry: Registry;
  incidentsDetected: Counter;
  fixesProposed: Counter;
  fixesApplied: Counter;
  reverts: Counter;
  argocdRequests: Counter<'code'>;
  rolloutEvents: Counter<'trigger' | 'outcome'>;
  rolloutsVerified: Counter;
  revertRefusals: Counter<'rail'>;
  shadowVerifications: Counter<'verdict'>;
  alertRequests: Counter<'code'>;
  queueDepth: Gauge;
  incidentDuration: Histogram;
  llmLatency: Histogram;
}

export interface MetricsOptions {
  /** Also export Node.js process metrics (heap, event loop lag, …) under `aegis_`. */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'aegis_' });
  const shadowVerifications = new Counter({
    name: 'aegis_shadow_verifications_total',
    help: 'Shadow verifications finished, by verdict.',
    labelNames: ['verdict'] as const,
    registers,
  });
  // Zero-valued series from the start, so rate() and alerts see every verdict.
  for (const verdict of VERDICTS) shadowVerifications.inc({ verdict }, 0);
  return {
    registry,
    incidentsDetected: new Counter({
      name: 'aegis_incidents_detected_total',
      help: 'Incidents accepted from Alertmanager (after grouping alerts by fingerprint).',
      registers,
    }),
    fixesProposed: new Counter({
      name: 'aegis_fixes_proposed_total',
      help: 'Fix pull requests opened or updated.',
      registers,
    }),
    fixesApplied: new Counter({
      name: 'aegis_fixes_applied_total',
      help: 'Fix pull requests merged and synced.',
      registers,
    }),
    reverts: new Counter({
      name: 'aegis_reverts_total',
      help: 'Revert pull requests opened by the rollout guard.',
      registers,
    }),
    argocdRequests: new Counter({
      name: 'aegis_argocd_requests_total',
      help: 'Requests to POST /api/argocd (Argo CD notifications), by HTTP status code.',
      labelNames: ['code'] as const,
      registers,
    }),
    rolloutEvents: new Counter({
      name: 'aegis_rollout_events_total',
      help: 'Argo CD events handled by the rollout guard, by trigger and outcome.',
      labelNames: ['trigger', 'outcome'] as const,
      registers,
    }),
    rolloutsVerified: new Counter({
      name: 'aegis_rollouts_verified_total',
      help: 'Merged fixes labelled aegis/verified-in-prod after a healthy watch window.',
      registers,
    }),
    revertRefusals: new Counter({
      name: 'aegis_revert_refusals_total',
      help: 'Failed rollouts the guard did not revert, by the guard rail that stopped it.',
      labelNames: ['rail'] as const,
      registers,
    }),
    shadowVerifications,
    alertRequests: new Counter({
      name: 'aegis_alert_requests_total',
      help: 'Requests to POST /api/alerts, by HTTP status code.',
      labelNames: ['code'] as const,
      registers,
    }),
    queueDepth: new Gauge({
      name: 'aegis_queue_depth',
      help: 'Incidents waiting or running in the in-process queue.',
      registers,
    }),
    incidentDuration: new Histogram({
      name: 'aegis_incident_duration_seconds',
      help: 'Time spent handling one incident, from dequeue to done.',
      buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    }),
    llmLatency: new Histogram({
      name: 'aegis_llm_latency_seconds',
      help: 'Latency of one LLM request.',
      buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120],
      registers,
    }),
  };
}
