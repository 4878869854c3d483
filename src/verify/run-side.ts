// One side (control or candidate) of a verification: start it and wait for readiness, drive the
// load at it while sampling memory, and turn what was seen into a SideResult.
import type { Observation, Sandbox, SandboxBackend } from '../sandbox/sandbox.js';
import { runLoad } from './load.js';
import { startMemorySampler } from './sample-memory.js';
import { mergeSamples } from './samples.js';
import type { LoadStats, Side, SideResult } from './types.js';
import type { LoadProfile } from './verify-config.js';

/**
 * How a side's start ended. `crashed`: its containers restart (or were OOM-killed) before they
 * ever became ready — a result about the manifests, measured like any other. `timed_out`: still
 * starting (or running but never passing its probe) at the deadline; the run cannot judge it.
 */
export type StartOutcome =
  | { status: 'ready'; elapsedMs: number }
  | { status: 'crashed'; elapsedMs: number; restarts: number }
  | { status: 'timed_out'; elapsedMs: number; waitingFor: string[] };

/** Restarts that make a never-ready side a crash loop rather than a slow start. */
export const CRASH_LOOP_RESTARTS = 2;
/** waitReady is called in slices this long, so that a crash loop is seen before the deadline. */
const WAIT_SLICE_MS = 3000;

export interface StartedSide {
  side: Side;
  sandbox: Sandbox;
  services: string[];
  start: StartOutcome;
}

export async function startSide(
  backend: SandboxBackend,
  options: {
    side: Side;
    runId: string;
    manifests: readonly unknown[];
    readyTimeoutMs: number;
    /** Called as soon as the sandbox exists, so cleanup finds it even if apply fails. */
    onCreated: (sandbox: Sandbox) => void;
    progress: (message: string) => void;
    now: () => number;
  },
): Promise<StartedSide> {
  const { side, progress } = options;
  const sandbox = await backend.create({ role: side, runId: options.runId });
  options.onCreated(sandbox);
  const applied = await sandbox.apply(options.manifests);
  for (const line of [...applied.skipped, ...applied.notes]) progress(`${side}: ${line}`);
  const start = await waitForStart(sandbox, options.readyTimeoutMs, options.now);
  progress(`${side}: ${describeStart(start)}`);
  return { side, sandbox, services: applied.services, start };
}

export async function waitForStart(
  sandbox: Pick<Sandbox, 'waitReady' | 'observe'>,
  timeoutMs: number,
  now: () => number,
): Promise<StartOutcome> {
  const started = now();
  for (;;) {
    const remaining = timeoutMs - (now() - started);
    const outcome = await sandbox.waitReady(Math.max(1, Math.min(WAIT_SLICE_MS, remaining)));
    const elapsedMs = now() - started;
    if (outcome.status === 'ready') return { status: 'ready', elapsedMs };
    const { totals } = await sandbox.observe();
    const restarts = Math.max(totals.restarts, totals.oomKills);
    if (restarts >= CRASH_LOOP_RESTARTS) return { status: 'crashed', elapsedMs, restarts };
    if (elapsedMs >= timeoutMs) return { status: 'timed_out', elapsedMs, waitingFor: outcome.waitingFor };
  }
}

export function describeStart(start: StartOutcome): string {
  const secs = `${Math.round(start.elapsedMs / 100) / 10} s`;
  if (start.status === 'ready') return `ready after ${secs}`;
  if (start.status === 'crashed')
    return `crash-looping (${start.restarts} restarts) after ${secs}, never ready`;
  return `not ready after ${secs} (waiting for ${start.waitingFor.join(', ')})`;
}

export interface Measured {
  load: LoadStats;
  samples: SideResult['samples'];
}

/** The load profile at `url`, memory sampled meanwhile; both on one time axis. */
export async function measureSide(
  sandbox: Pick<Sandbox, 'observe'>,
  url: string,
  profile: LoadProfile,
  sampleEveryMs: number,
): Promise<Measured> {
  const sampler = startMemorySampler(sandbox, sampleEveryMs);
  const run = await runLoad(url, profile).catch(async (error: unknown) => {
    // Stopped on failure too: a sampler left running would keep polling a destroyed sandbox.
    await sampler.stop();
    throw error;
  });
  const memory = await sampler.stop();
  return { load: run.load, samples: mergeSamples(run.samples, memory, run.startedAtMs) };
}

export const NO_LOAD: LoadStats = {
  requests: 0,
  errors: 0,
  errorRate: 0,
  throughputRps: 0,
  latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 },
};

export function sideResult(
  started: StartedSide,
  measured: Measured | undefined,
  final: Observation,
): SideResult {
  const ready = started.start.status === 'ready';
  return {
    side: started.side,
    load: measured?.load ?? NO_LOAD,
    restarts: final.totals.restarts,
    oomKills: final.totals.oomKills,
    ready,
    ...(ready ? { readyAfterMs: started.start.elapsedMs } : {}),
    samples: measured?.samples ?? [],
  };
}
