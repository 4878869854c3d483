// The server benchmarks at a tiny size: every row is there with a sane value and the incidents
// really ended in PRs and branches. No timing assertions (a shared 2-core machine); `npm run bench`
// checks the targets.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BenchResult } from '../../src/bench/gitops-bench.js';
import { benchAlertStorm, benchAlertToPr } from '../../src/bench/server-bench.js';
import { blockNetwork, restoreNetwork } from '../server/harness.js';

const row = (rows: BenchResult[], name: string) => {
  const found = rows.find((r) => r.name.startsWith(name));
  if (!found) throw new Error(`no row ${name} in ${rows.map((r) => r.name).join(', ')}`);
  return found;
};

beforeEach(() => blockNetwork());
afterEach(() => restoreNetwork());

describe('server benchmarks', () => {
  it('times alert → PR on a small repository, one PR and branch per incident', async () => {
    const rows = await benchAlertToPr({ workloads: 20, incidents: 3 });

    expect(rows.map((r) => r.name)).toEqual([
      'server.alert_to_pr.first (clone+index)',
      'server.alert_to_pr.p50',
      'server.alert_to_pr.p95',
      'server.alert_to_pr.prs',
    ]);
    expect(row(rows, 'server.alert_to_pr.prs')).toMatchObject({ value: 4, ok: true });
    for (const name of ['server.alert_to_pr.first', 'server.alert_to_pr.p50', 'server.alert_to_pr.p95'])
      expect(row(rows, name).value).toBeGreaterThan(0);
    expect(row(rows, 'server.alert_to_pr.p95').value).toBeGreaterThanOrEqual(
      row(rows, 'server.alert_to_pr.p50').value,
    );
  });

  it('answers a small storm with 2xx only and opens one PR per incident', async () => {
    const rows = await benchAlertStorm({
      workloads: 20,
      requests: 200,
      incidents: 5,
      seconds: 1,
      connections: 4,
    });

    expect(row(rows, 'server.storm.answered_2xx')).toMatchObject({ value: 200, ok: true });
    expect(row(rows, 'server.storm.prs')).toMatchObject({ value: 5, ok: true });
    expect(row(rows, 'server.storm.latency.max').value).toBeGreaterThan(0);
    expect(row(rows, 'server.storm.latency.max').value).toBeGreaterThanOrEqual(
      row(rows, 'server.storm.latency.p99').value,
    );
    expect(row(rows, 'server.storm.send_time').value).toBeGreaterThan(0);
    expect(row(rows, 'server.storm.peak_rss').value).toBeGreaterThan(0);
  });
});
