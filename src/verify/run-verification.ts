// Shadow verification of one change (DESIGN.md §7): render base and head, run control (base) and
// candidate (head) in two sandboxes, drive the same load at both, observe, scan, decide, report.
// Sandboxes start side by side (podman/cluster-bound work), but the load runs one side after the
// other: autocannon drives both from this one Node event loop, and on a small host two concurrent
// runs would each measure the other's CPU contention. Sequential gives each side the same whole
// machine, at the cost of the load duration twice. Cleanup always runs, whatever happened.

import { describeError, UserError } from '../core/errors.js';
import type { Category } from '../core/types.js';
import { execRenderer, type Renderer } from '../gitops/renderer.js';
import { newRunId } from '../sandbox/labels.js';
import type { Observation, Sandbox, SandboxBackend } from '../sandbox/sandbox.js';
import { assembleReport } from './assemble-report.js';
import { type PreparedPr, preparePr } from './prepare-pr.js';
import { runScans, type ScanInput, type ScannerDeps } from './run-scans.js';
import {
  describeStart,
  type Measured,
  measureSide,
  type StartedSide,
  sideResult,
  startSide,
} from './run-side.js';
import type { ScanResult, SideResult, VerificationReport } from './types.js';
import type { VerdictContext } from './verdict.js';
import type { VerificationConfig } from './verify-config.js';

export interface RunVerificationInput {
  repoDir: string;
  base: string;
  head: string;
  backend: SandboxBackend;
  config: VerificationConfig;
  category?: Category;
  progress: (message: string) => void;
  /** Epoch ms; timings and waits read it. */
  clock?: () => number;
  renderer?: Renderer;
  scanners?: ScannerDeps;
  /** Scanners left out by the caller, each shown as skipped with this reason (never a pass). */
  skipScanners?: ScanInput['skip'];
  /** Shared by both sandboxes (their `aegis.run` label); generated when absent. */
  runId?: string;
  /** Memory sampling period during the load. */
  sampleEveryMs?: number;
}

/** After the load, before the final observation: a kill during the last requests is reported by
 * the runtime a moment later. */
const SETTLE_MS = 1000;

interface Outcome {
  control?: SideResult;
  candidate?: SideResult;
  scans: ScanResult[];
  context: VerdictContext;
}

export async function runVerification(input: RunVerificationInput): Promise<VerificationReport> {
  const now = input.clock ?? Date.now;
  const startedAt = now();
  const runId = input.runId ?? newRunId();
  const phases: Record<string, number> = {};
  const timed = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = now();
    try {
      return await fn();
    } finally {
      phases[phase] = (phases[phase] ?? 0) + (now() - t0);
    }
  };
  const context: VerdictContext = { readyTimeoutSeconds: input.config.sandbox.readyTimeoutSeconds };
  if (input.category) context.category = input.category;

  const prepared = await timed('render', () =>
    preparePr({ ...input, renderer: input.renderer ?? execRenderer() }).catch((error: unknown) => {
      if (error instanceof UserError) throw error; // a ref that does not exist: the caller's input
      return { failed: oneLine(error) };
    }),
  );
  const cleanupProblems: string[] = [];
  let outcome: Outcome;
  if ('failed' in prepared) {
    outcome = { scans: [], context: { ...context, setupError: `render failed: ${prepared.failed}` } };
  } else if (prepared.unverifiable || !prepared.selection) {
    input.progress(`not verifiable: ${prepared.unverifiable}`);
    outcome = { scans: [], context: { ...context, unverifiable: prepared.unverifiable ?? 'nothing to run' } };
  } else {
    const sandboxes: Sandbox[] = [];
    try {
      outcome = await runSandboxes(input, runId, prepared, sandboxes, context, timed, now);
    } catch (error: unknown) {
      input.progress(`sandbox failed: ${oneLine(error)}`);
      outcome = { scans: [], context: { ...context, sandboxError: oneLine(error) } };
    } finally {
      await timed('cleanup', async () => {
        const results = await Promise.allSettled(sandboxes.map((sandbox) => sandbox.destroy()));
        results.forEach((result, i) => {
          if (result.status === 'rejected') {
            cleanupProblems.push(
              `cleanup of sandbox ${sandboxes[i]?.name} failed: ${oneLine(result.reason)}; run \`aegis shadow delete --older-than 0s\``,
            );
          }
        });
      });
      input.progress(`removed ${sandboxes.length} sandboxes`);
    }
  }

  const report = assembleReport({
    ...(outcome.control ? { control: outcome.control } : {}),
    ...(outcome.candidate ? { candidate: outcome.candidate } : {}),
    scans: outcome.scans,
    rules: input.config.rules,
    context: outcome.context,
    startedAt: new Date(startedAt),
    finishedAt: new Date(now()),
    phases,
    sandbox: { backend: input.backend.kind, name: runId },
    refs: { base: input.base, head: input.head },
  });
  for (const problem of cleanupProblems) input.progress(problem);
  // A leftover sandbox does not change what was measured, but whoever reads the report must know.
  return cleanupProblems.length ? { ...report, reasons: [...report.reasons, ...cleanupProblems] } : report;
}

async function runSandboxes(
  input: RunVerificationInput,
  runId: string,
  prepared: PreparedPr,
  sandboxes: Sandbox[],
  context: VerdictContext,
  timed: <T>(phase: string, fn: () => Promise<T>) => Promise<T>,
  now: () => number,
): Promise<Outcome> {
  const selection = prepared.selection!;
  const readyTimeoutMs = input.config.sandbox.readyTimeoutSeconds * 1000;
  input.progress(
    `starting control (${prepared.commits.base.slice(0, 7)}) and candidate (${prepared.commits.head.slice(0, 7)}) of ${selection.deployments.join(', ')} on ${input.backend.kind} (run ${runId})`,
  );
  const starts = await timed('sandbox', () =>
    Promise.allSettled(
      (['control', 'candidate'] as const).map((side) =>
        startSide(input.backend, {
          side,
          runId,
          manifests: side === 'control' ? selection.control : selection.candidate,
          readyTimeoutMs,
          onCreated: (sandbox) => sandboxes.push(sandbox),
          progress: input.progress,
          now,
        }),
      ),
    ),
  );
  const failed = starts.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const [control, candidate] = starts.map((s) => (s as PromiseFulfilledResult<StartedSide>).value) as [
    StartedSide,
    StartedSide,
  ];
  const timedOut = [control, candidate].filter((s) => s.start.status === 'timed_out');
  if (timedOut.length > 0) {
    // Nothing was compared; the measurements so far are not a verdict on the change.
    const which = timedOut.map((s) => `${s.side} ${describeStart(s.start)}`).join('; ');
    input.progress(`timed out: ${which}`);
    return { scans: [], context: { ...context, timedOut: true } };
  }

  const service = sharedService(control, candidate);
  const measured = new Map<StartedSide, Measured>();
  await timed('load', async () => {
    for (const side of [control, candidate]) {
      if (side.start.status !== 'ready' || !service) continue;
      const url = side.sandbox.endpoint(service);
      input.progress(
        `${side.side}: ${input.config.load.warmupSeconds} s warm-up, then ${input.config.load.durationSeconds} s of load at ${url}`,
      );
      measured.set(
        side,
        await measureSide(side.sandbox, url, input.config.load, input.sampleEveryMs ?? 1000),
      );
    }
  });
  if (!service)
    input.progress('no Service selects the changed Deployments in both trees: no load was driven');
  const finals = await timed('observe', async () => {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return Promise.all([control.sandbox.observe(), candidate.sandbox.observe()]);
  });
  const sides = [control, candidate].map((side, i) =>
    sideResult(side, measured.get(side), finals[i] as Observation),
  ) as [SideResult, SideResult];
  const bothReady = control.start.status === 'ready' && candidate.start.status === 'ready';
  const scans = await timed('scans', () =>
    runScans({
      config: input.config,
      images: selection.images,
      ...(bothReady && service
        ? {
            endpoints: {
              control: control.sandbox.endpoint(service),
              candidate: candidate.sandbox.endpoint(service),
            },
          }
        : {}),
      noEndpointsReason: bothReady
        ? 'no Service reaches the changed Deployments'
        : 'a side never became ready',
      ...(input.scanners ? { deps: input.scanners } : {}),
      ...(input.skipScanners ? { skip: input.skipScanners } : {}),
    }),
  );
  return { control: sides[0], candidate: sides[1], scans, context };
}

/** The Service load goes through: one both sides have, so they are reached the same way. */
function sharedService(control: StartedSide, candidate: StartedSide): string | undefined {
  return candidate.services.find((name) => control.services.includes(name));
}

function oneLine(error: unknown): string {
  return describeError(error);
}
