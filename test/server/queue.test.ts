// Queue semantics: per-fingerprint serialization and coalescing, driven over HTTP as Alertmanager
// would during an alert storm, plus the bounds checked directly on the queue.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentDraft } from '../../src/intake/incidents.js';
import { createIncidentQueue } from '../../src/server/queue.js';
import { alertFixtureFiles } from '../intake/shared-fixtures.js';
import {
  blockNetwork,
  captureLog,
  gate,
  restoreNetwork,
  startTestServer,
  type TestServer,
} from './harness.js';

const fixture = (part: string) =>
  readFileSync(alertFixtureFiles().find(([n]) => n.includes(part))![1], 'utf8');

/** Records how many handler runs overlap, per fingerprint and overall. */
function concurrencyProbe(hold: Promise<void>) {
  const active = new Map<string, number>();
  const runs: string[] = [];
  let maxPerKey = 0;
  let maxOverall = 0;
  let overall = 0;
  const handler = async (draft: IncidentDraft) => {
    const key = draft.fingerprint;
    runs.push(key);
    active.set(key, (active.get(key) ?? 0) + 1);
    overall += 1;
    maxPerKey = Math.max(maxPerKey, active.get(key)!);
    maxOverall = Math.max(maxOverall, overall);
    await hold;
    await new Promise((resolve) => setTimeout(resolve, 5));
    active.set(key, active.get(key)! - 1);
    overall -= 1;
  };
  return { handler, runs, stats: () => ({ maxPerKey, maxOverall }) };
}

describe('incident queue over HTTP', () => {
  let server: TestServer | undefined;
  beforeEach(() => blockNetwork());
  afterEach(async () => {
    await server?.stop(1000);
    server = undefined;
    restoreNetwork();
  });

  it('50 concurrent POSTs of one alert: never concurrent, once plus one coalesced rerun', async () => {
    const hold = gate();
    const probe = concurrencyProbe(hold.promise);
    server = await startTestServer(probe.handler);
    const body = fixture('KubePodCrashLooping');

    const responses = await Promise.all(Array.from({ length: 50 }, () => server!.postAlert(body)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(202));
    hold.open();
    await server.queue.idle();

    expect(probe.runs).toHaveLength(2);
    expect(new Set(probe.runs).size).toBe(1);
    expect(probe.stats().maxPerKey).toBe(1);
  });

  it('runs different fingerprints in parallel', async () => {
    const hold = gate();
    const probe = concurrencyProbe(hold.promise);
    server = await startTestServer(probe.handler, { queue: { concurrency: 4, maxDepth: 100 } });

    // Three fixtures about three different workloads, posted at once.
    const bodies = ['KubePodCrashLooping', 'KubeJobFailed', 'KubeContainerWaiting'].map(fixture);
    await Promise.all(bodies.map((b) => server!.postAlert(b)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(probe.stats().maxOverall).toBe(3);
    hold.open();
    await server.queue.idle();
    expect(new Set(probe.runs).size).toBe(3);
    expect(probe.stats().maxPerKey).toBe(1);
  });
});

describe('createIncidentQueue', () => {
  const log = captureLog().log;

  it('bounds concurrency across keys', async () => {
    const hold = gate();
    const queue = createIncidentQueue({ concurrency: 2, maxDepth: 10, log });
    let active = 0;
    let peak = 0;
    const job = async () => {
      active += 1;
      peak = Math.max(peak, active);
      await hold.promise;
      active -= 1;
    };
    for (const key of ['a', 'b', 'c', 'd']) expect(queue.enqueue(key, job)).toBe('queued');
    expect(queue.depth).toBe(4);
    hold.open();
    await queue.idle();
    expect(peak).toBe(2);
    expect(queue.depth).toBe(0);
  });

  it('coalesces a waiting key to its latest job', async () => {
    const hold = gate();
    const queue = createIncidentQueue({ concurrency: 1, maxDepth: 10, log });
    const ran: string[] = [];
    queue.enqueue('busy', () => hold.promise);
    expect(queue.enqueue('k', async () => void ran.push('first'))).toBe('queued');
    expect(queue.enqueue('k', async () => void ran.push('second'))).toBe('coalesced');
    hold.open();
    await queue.idle();
    expect(ran).toEqual(['second']);
  });

  it('reruns a running key once, with the latest job', async () => {
    const hold = gate();
    const queue = createIncidentQueue({ concurrency: 1, maxDepth: 10, log });
    const ran: string[] = [];
    queue.enqueue('k', async () => {
      ran.push('1');
      await hold.promise;
    });
    expect(queue.enqueue('k', async () => void ran.push('2'))).toBe('queued');
    expect(queue.enqueue('k', async () => void ran.push('3'))).toBe('coalesced');
    expect(queue.depth).toBe(2);
    hold.open();
    await queue.idle();
    expect(ran).toEqual(['1', '3']);
  });

  it('keeps going after a job throws and reports saturation', async () => {
    const logs = captureLog();
    const queue = createIncidentQueue({ concurrency: 1, maxDepth: 2, log: logs.log });
    const ran: string[] = [];
    queue.enqueue('bad', async () => {
      throw new Error('boom');
    });
    queue.enqueue('good', async () => void ran.push('good'));
    expect(queue.saturated()).toBe(true);
    await queue.idle();
    expect(ran).toEqual(['good']);
    expect(queue.saturated()).toBe(false);
    expect(logs.records().map((r) => r.msg)).toContain('incident job failed');
  });
});
