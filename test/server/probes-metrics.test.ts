// /healthz, /readyz and /metrics over HTTP, and that the counters move with real traffic.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/server/metrics.js';
import { alertFixtureFiles } from '../intake/shared-fixtures.js';
import { blockNetwork, gate, restoreNetwork, startTestServer, type TestServer } from './harness.js';

const [, FIXTURE] = alertFixtureFiles().find(([name]) => name.includes('KubePodNotReady-2alerts'))!;

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('probes and metrics', () => {
  let server: TestServer | undefined;
  beforeEach(() => blockNetwork());
  afterEach(async () => {
    await server?.stop(1000);
    server = undefined;
    restoreNetwork();
  });

  it('GET /healthz answers while the process lives', async () => {
    server = await startTestServer(async () => {});
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is ready with the config loaded, and 503 once the queue is saturated', async () => {
    const hold = gate();
    server = await startTestServer(() => hold.promise, { queue: { concurrency: 1, maxDepth: 1 } });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', config: 'loaded', queueDepth: 0 });

    expect((await server.postAlert(readFileSync(FIXTURE, 'utf8'))).status).toBe(202);
    const saturated = await fetch(`${server.url}/readyz`);
    expect(saturated.status).toBe(503);
    expect(await saturated.json()).toMatchObject({ status: 'saturated', queueDepth: 1 });
    const refused = await server.postAlert(readFileSync(FIXTURE, 'utf8'));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');

    hold.open();
    await server.queue.idle();
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('GET /metrics exposes every AEGIS series and the counters move', async () => {
    const hold = gate();
    server = await startTestServer(() => hold.promise);
    const before = await (await fetch(`${server.url}/metrics`)).text();
    for (const name of [
      'aegis_incidents_detected_total',
      'aegis_fixes_proposed_total',
      'aegis_fixes_applied_total',
      'aegis_shadow_verifications_total',
      'aegis_alert_requests_total',
      'aegis_queue_depth',
      'aegis_incident_duration_seconds',
      'aegis_llm_latency_seconds',
    ]) {
      expect(before).toContain(`# TYPE ${name} `);
    }
    expect(sample(before, 'aegis_incidents_detected_total')).toBe(0);
    expect(sample(before, 'aegis_shadow_verifications_total{verdict="pass"}')).toBe(0);

    await server.postAlert(readFileSync(FIXTURE, 'utf8'));
    await server.postAlert('{}', { token: 'wrong-token-wrong-token' });
    await server.postAlert('not json');
    const during = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(during, 'aegis_incidents_detected_total')).toBe(1);
    expect(sample(during, 'aegis_alert_requests_total{code="202"}')).toBe(1);
    expect(sample(during, 'aegis_alert_requests_total{code="401"}')).toBe(1);
    expect(sample(during, 'aegis_alert_requests_total{code="400"}')).toBe(1);
    expect(sample(during, 'aegis_queue_depth')).toBe(1);

    hold.open();
    await server.queue.idle();
    const after = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(after, 'aegis_queue_depth')).toBe(0);
    expect(sample(after, 'aegis_incident_duration_seconds_count')).toBe(1);
  });

  it('gives each server its own registry', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.fixesProposed.inc();
    expect(await a.registry.getSingleMetricAsString('aegis_fixes_proposed_total')).toContain(
      'aegis_fixes_proposed_total 1',
    );
    expect(await b.registry.getSingleMetricAsString('aegis_fixes_proposed_total')).toContain(
      'aegis_fixes_proposed_total 0',
    );
  });

  it('leaves unknown paths to Probot (404) and keeps its /ping', async () => {
    server = await startTestServer(async () => {});
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect(await (await fetch(`${server.url}/ping`)).text()).toBe('PONG');
  });
});
