// runLoad against a real local HTTP server: autocannon's real client, real sockets.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/verify/load.js';
import type { Sample } from '../../src/verify/types.js';
import { LoadProfile } from '../../src/verify/verify-config.js';

const SLOW_MS = 60;

interface Seen {
  count: number;
  methods: Set<string>;
}

function startServer(): Promise<{ server: Server; url: string; seen: Seen }> {
  const seen: Seen = { count: 0, methods: new Set() };
  const server = createServer((req, res) => {
    seen.count += 1;
    seen.methods.add(req.method ?? '');
    if (req.url === '/gone') {
      res.writeHead(404).end('not here');
    } else if (req.url === '/fail') {
      res.writeHead(500).end('boom');
    } else if (req.url === '/slow') {
      setTimeout(() => res.writeHead(200).end('slow'), SLOW_MS);
    } else {
      res.writeHead(200).end('ok');
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}`, seen });
    }),
  );
}

function profile(overrides: Partial<LoadProfile>): LoadProfile {
  return LoadProfile.parse({ durationSeconds: 1, warmupSeconds: 0, connections: 4, ...overrides });
}

describe('runLoad', () => {
  let server: Server;
  let url: string;
  let seen: Seen;

  beforeAll(async () => {
    ({ server, url, seen } = await startServer());
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('counts 5xx answers as errors, requests as what the server answered', async () => {
    const before = seen.count;
    const { load } = await runLoad(url, profile({ paths: ['/ok', '/fail'] }));
    const served = seen.count - before;
    expect(load.requests).toBeGreaterThan(20);
    // in-flight requests at the stop reach the server but are not answered to autocannon
    expect(load.requests).toBeLessThanOrEqual(served);
    expect(load.requests).toBeGreaterThanOrEqual(served - 4);
    // each connection walks the paths in turn, so about half fail
    expect(load.errorRate).toBeGreaterThan(0.4);
    expect(load.errorRate).toBeLessThan(0.6);
    expect(load.errors / load.requests).toBeCloseTo(load.errorRate, 10);
    expect(load.throughputRps).toBeGreaterThan(0);
  });

  it.each([
    ['every path answers 2xx', '/ok', 0],
    ['a profile path answers 404', '/gone', 1],
  ])('error rate when %s: %s', async (_case, path, rate) => {
    const { load } = await runLoad(url, profile({ paths: [path] }));
    expect(load.errorRate).toBe(rate);
    expect(load.errors).toBe(rate * load.requests);
  });

  it('says what could not start when autocannon rejects its options', async () => {
    await expect(runLoad('', profile({}))).rejects.toThrow(
      'load against  could not start: url or socketPath option required',
    );
  });

  it('reflects a slow path in the latency percentiles', async () => {
    const fast = await runLoad(url, profile({ paths: ['/ok'] }));
    const slow = await runLoad(url, profile({ paths: ['/slow'] }));
    expect(slow.load.latencyMs.p50).toBeGreaterThanOrEqual(SLOW_MS - 1);
    expect(slow.load.latencyMs.p95).toBeGreaterThanOrEqual(slow.load.latencyMs.p50);
    expect(slow.load.latencyMs.p99).toBeGreaterThanOrEqual(slow.load.latencyMs.p95);
    expect(slow.load.latencyMs.max).toBeGreaterThanOrEqual(slow.load.latencyMs.p99);
    expect(fast.load.latencyMs.p95).toBeLessThan(SLOW_MS);
  });

  it('samples p95 once a second, live and in the result', async () => {
    const live: Sample[] = [];
    const run = await runLoad(url, profile({ paths: ['/slow'], durationSeconds: 2 }), {
      onSample: (s) => live.push(s),
    });
    expect(run.samples).toEqual(live);
    // One a second while the load runs; a loaded machine may let the 2-s run end late and add a
    // third tick, which is a real sample too.
    const ticks = run.samples.map((s) => Math.round(s.tSec));
    expect(ticks.slice(0, 2)).toEqual([1, 2]);
    expect(ticks.every((t, i) => t === i + 1)).toBe(true);
    expect(ticks.length).toBeLessThanOrEqual(3);
    for (const sample of run.samples) expect(sample.latencyP95Ms).toBeGreaterThanOrEqual(SLOW_MS - 1);
    expect(run.startedAtMs).toBeLessThanOrEqual(Date.now() - 2000);
  });

  it('throws the warm-up away and keeps the method and the rate of the profile', async () => {
    const before = seen.count;
    seen.methods.clear();
    const { load } = await runLoad(
      url,
      profile({ paths: ['/ok'], method: 'POST', rate: 40, warmupSeconds: 1 }),
    );
    const served = seen.count - before;
    expect([...seen.methods]).toEqual(['POST']);
    // 40 req/s for one measured second, after one second of warm-up at the same rate
    expect(load.requests).toBeGreaterThan(20);
    expect(load.requests).toBeLessThan(60);
    expect(served).toBeGreaterThan(load.requests + 20);
  });

  it('counts refused connections as errors: a dead side is all errors, not zero requests', async () => {
    const dead = await startServer();
    await new Promise<void>((resolve) => dead.server.close(() => resolve()));
    const { load, samples } = await runLoad(dead.url, profile({ paths: ['/ok'], connections: 2 }));
    expect(load.requests).toBeGreaterThan(0);
    expect(load.errorRate).toBe(1);
    expect(samples.every((s) => s.latencyP95Ms === undefined)).toBe(true);
  });
});
