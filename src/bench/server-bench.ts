// GitHub App server benchmarks (issue 4), on the real server wired as `aegis serve` runs it (see
// server-world.ts), GitHub faked at zero latency and Octokit unthrottled (Probot's default
// throttling spaces GitHub writes by a second, as GitHub asks; that wait is not the server's):
// - alert → PR: after one warm-up incident (clone + index), sequential OOM incidents on distinct
//   workloads of a 2,000-workload repository, each timed from the POST until its handler run
//   ended (PR opened, aegis/verify check queued); p95 target 300 ms.
// - alert storm: 10,000 POSTs in about 10 s over 100 incidents, bounded client concurrency; every
//   answer must be a 2xx in under a second, 100 PRs must follow, peak RSS at most 300 MB.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { processHelperPid } from '../process/process-helper.js';
import type { GeneratedTarget } from './generate-gitops-repo.js';
import { type BenchResult, withMemoryPeaks } from './gitops-bench.js';
import { type ServerWorld, startServerWorld } from './server-world.js';
import { percentile } from './stats.js';

const MB = 1024 * 1024;

const execFileAsync = promisify(execFile);

export interface AlertToPrOptions {
  workloads?: number;
  /** Measured incidents, after the warm-up one. */
  incidents?: number;
}

export interface StormOptions {
  workloads?: number;
  requests?: number;
  incidents?: number;
  seconds?: number;
  /** Client connections (Alertmanager replicas and their retries, in effect). */
  connections?: number;
}

/**
 * Both benchmarks at the sizes, for `npm run bench -- --only server`, each in a child
 * process so that its memory peak is its own (see server-bench-child.ts).
 */
export async function benchServer(): Promise<BenchResult[]> {
  return [...(await inChild('alert-to-pr')), ...(await inChild('storm'))];
}

async function inChild(name: 'alert-to-pr' | 'storm'): Promise<BenchResult[]> {
  const script = fileURLToPath(new URL('./server-bench-child.js', import.meta.url));
  const { stdout } = await execFileAsync(process.execPath, ['--expose-gc', script, name], {
    maxBuffer: 16 * 1024 * 1024,
    // Progress and the child's errors go straight to this process's stderr.
    ...({ stdio: ['ignore', 'pipe', 'inherit'] } as object),
  });
  const rows = JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as BenchResult[];
  if (rows.length === 0) throw new Error(`server bench ${name} printed no results`);
  return rows;
}

export async function benchAlertToPr(opts: AlertToPrOptions = {}): Promise<BenchResult[]> {
  const measured = opts.incidents ?? 30;
  const world = await startServerWorld({ workloads: opts.workloads ?? 2000, incidents: measured + 1 });
  try {
    const [warmup, ...targets] = world.incidents;
    if (!warmup) throw new Error('the generated repository has no workload to alert on');
    const coldMs = await timeIncident(world, warmup);
    const times: number[] = [];
    for (const target of targets) times.push(await timeIncident(world, target));
    await world.idle();
    times.sort((a, b) => a - b);
    const p95 = percentile(times, 95);
    const { proposed, branches } = await countFixes(world, world.incidents);
    reportFailures('alert_to_pr', world);
    const expected = world.incidents.length;
    return [
      {
        name: 'server.alert_to_pr.first (clone+index)',
        value: Math.round(coldMs),
        unit: 'ms',
        target: '-',
        ok: true,
      },
      {
        name: 'server.alert_to_pr.p50',
        value: Math.round(percentile(times, 50)),
        unit: 'ms',
        target: '-',
        ok: true,
      },
      {
        name: 'server.alert_to_pr.p95',
        value: Math.round(p95),
        unit: 'ms',
        target: '<= 300',
        ok: p95 <= 300,
      },
      {
        name: 'server.alert_to_pr.prs',
        value: proposed,
        unit: 'PRs',
        target: `= ${expected} (and branches)`,
        ok: proposed === expected && branches === expected && world.failures.length === 0,
      },
    ];
  } finally {
    await world.close();
  }
}

export async function benchAlertStorm(opts: StormOptions = {}): Promise<BenchResult[]> {
  const requests = opts.requests ?? 10_000;
  const seconds = opts.seconds ?? 10;
  const world = await startServerWorld({
    workloads: opts.workloads ?? 2000,
    incidents: opts.incidents ?? 100,
  });
  try {
    const bodies = world.incidents.map((t) => world.alertFor(t));
    const expected = bodies.length;
    (globalThis as { gc?: () => void }).gc?.();
    const { result, rss } = await withMemoryPeaks(async () => {
      const started = performance.now();
      const load = await storm(world, bodies, {
        requests,
        rate: Math.ceil(requests / seconds),
        connections: opts.connections ?? 20,
      });
      const sentMs = performance.now() - started;
      await world.idle();
      return { load, sentMs, drainMs: performance.now() - started - sentMs };
    }, helperMemory);
    const { load, sentMs, drainMs } = result;
    const { proposed, branches } = await countFixes(world, world.incidents);
    reportFailures('storm', world);
    const allAnswered = load.answered2xx === requests && load.other === 0;
    return [
      {
        name: 'server.storm.answered_2xx',
        value: load.answered2xx,
        unit: 'requests',
        target: `= ${requests} in ~${seconds} s`,
        ok: allAnswered,
      },
      {
        name: 'server.storm.send_time',
        value: Number((sentMs / 1000).toFixed(1)),
        unit: 's',
        target: '-',
        ok: true,
      },
      {
        name: 'server.storm.latency.p99',
        value: Math.round(percentile(load.latencies, 99)),
        unit: 'ms',
        target: '-',
        ok: true,
      },
      {
        name: 'server.storm.latency.max',
        value: Math.round(load.latencies.at(-1) ?? 0),
        unit: 'ms',
        target: '< 1000',
        ok: (load.latencies.at(-1) ?? 0) < 1000,
      },
      {
        name: 'server.storm.drain (last answer → idle)',
        value: Number((drainMs / 1000).toFixed(1)),
        unit: 's',
        target: '-',
        ok: true,
      },
      {
        name: 'server.storm.prs',
        value: proposed,
        unit: 'PRs',
        target: `= ${expected} (and branches)`,
        ok: proposed === expected && branches === expected && world.failures.length === 0,
      },
      {
        name: 'server.storm.peak_rss',
        value: Math.round(rss / MB),
        unit: 'MB',
        target: '<= 300',
        ok: rss <= 300 * MB,
      },
    ];
  } finally {
    await world.close();
  }
}

/**
 * The process helper's own memory (its anonymous pages; the Node binary's pages it maps are
 * shared with the server and already in its RSS): the server's footprint includes it.
 */
export function helperMemory(): number {
  const pid = processHelperPid();
  if (pid === undefined) return 0;
  try {
    const kb = /^RssAnon:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0; // between a helper's exit and its replacement
  }
}

/** Milliseconds from the POST until the incident's handler run ended. */
async function timeIncident(world: ServerWorld, target: GeneratedTarget): Promise<number> {
  const body = world.alertFor(target);
  const finished = world.finished(world.incidentKey(body));
  const started = performance.now();
  const answer = await world.post(body);
  const text = await answer.text();
  if (answer.status !== 202) throw new Error(`POST /api/alerts answered ${answer.status}: ${text}`);
  await finished;
  return performance.now() - started;
}

interface StormLoad {
  answered2xx: number;
  /** Non-2xx answers, connection errors and timeouts. */
  other: number;
  /** Every response time, ascending. */
  latencies: number[];
}

/** `requests` POSTs at `rate` per second over `connections`, cycling through the incidents. */
function storm(
  world: ServerWorld,
  bodies: readonly string[],
  load: { requests: number; rate: number; connections: number },
): Promise<StormLoad> {
  let sent = 0;
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: world.alertsUrl,
        method: 'POST',
        headers: world.alertHeaders,
        amount: load.requests,
        overallRate: load.rate,
        connections: load.connections,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => ({ ...request, body: bodies[sent++ % bodies.length] ?? '' }),
          },
        ],
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) {
          reject(new Error(`the alert storm could not start: ${String(error)}`));
          return;
        }
        latencies.sort((a, b) => a - b);
        resolve({
          answered2xx: result['2xx'],
          other: result['1xx'] + result['3xx'] + result['4xx'] + result['5xx'] + result.errors,
          latencies,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
  });
}

/** Incidents whose OOM fix PR is in the double, and the fix branches in the bare repository. */
async function countFixes(
  world: ServerWorld,
  targets: readonly GeneratedTarget[],
): Promise<{ proposed: number; branches: number }> {
  const heads = world.pulls().map((p) => p.head);
  const prefixes = targets.map((t) => `aegis/${t.namespace}/${t.name}/oom-killed-`);
  const proposed = prefixes.filter((prefix) => heads.some((head) => head.startsWith(prefix))).length;
  const branches = (await world.branches()).filter((b) => prefixes.some((p) => b.startsWith(p))).length;
  return { proposed, branches };
}

function reportFailures(bench: string, world: ServerWorld): void {
  for (const failure of world.failures.slice(0, 3))
    process.stderr.write(`bench: server.${bench}: ${failure}\n`);
  if (world.failures.length > 3)
    process.stderr.write(`bench: server.${bench}: ${world.failures.length - 3} more errors\n`);
}
