// The shapes of one shadow verification (DESIGN.md §7). VerificationReport is also the JSON
// artifact the Action uploads, so machines read exactly what the check run and comment show.
import { z } from 'zod';

export const SIDES = ['control', 'candidate'] as const;
export const Side = z.enum(SIDES);
export type Side = z.infer<typeof Side>;

export const LatencyMs = z.object({
  p50: z.number().nonnegative(),
  p95: z.number().nonnegative(),
  p99: z.number().nonnegative(),
  max: z.number().nonnegative(),
});
export type LatencyMs = z.infer<typeof LatencyMs>;

/** What the load generator saw. `requests` counts attempts, so refused connections are errors too. */
export const LoadStats = z.object({
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** errors / requests, 0 when nothing was sent. */
  errorRate: z.number().min(0).max(1),
  throughputRps: z.number().nonnegative(),
  latencyMs: LatencyMs,
});
export type LoadStats = z.infer<typeof LoadStats>;

/** One point of the time series; a source that had nothing at that second leaves its field out. */
export const Sample = z.object({
  tSec: z.number().nonnegative(),
  latencyP95Ms: z.number().nonnegative().optional(),
  memoryBytes: z.number().nonnegative().optional(),
});
export type Sample = z.infer<typeof Sample>;

export const SideResult = z.object({
  side: Side,
  load: LoadStats,
  restarts: z.number().int().nonnegative(),
  oomKills: z.number().int().nonnegative(),
  ready: z.boolean(),
  readyAfterMs: z.number().nonnegative().optional(),
  samples: z.array(Sample),
});
export type SideResult = z.infer<typeof SideResult>;

export const SCANNERS = ['trivy', 'zap'] as const;
export const ScannerName = z.enum(SCANNERS);
export type ScannerName = z.infer<typeof ScannerName>;

/** A finding present on the head/candidate side and absent from the base/control side. */
export const Finding = z.object({
  /** CVE id for Trivy, `pluginid` (or alertRef) for ZAP. */
  id: z.string(),
  /** Trivy: CRITICAL, HIGH, …; ZAP: High, Medium, Low, Informational. */
  severity: z.string(),
  title: z.string(),
  /** Trivy: `image pkg@version`; ZAP: the alert name's first instance URI. */
  where: z.string().optional(),
});
export type Finding = z.infer<typeof Finding>;

export const ScanResult = z.object({
  scanner: ScannerName,
  /** `skipped` (not installed, disabled, nothing to scan) and `error` are never a pass. */
  status: z.enum(['ran', 'skipped', 'error']),
  reason: z.string().optional(),
  /** What was scanned: images for Trivy, URLs for ZAP. */
  targets: z.array(z.string()).default([]),
  newFindings: z.array(Finding).default([]),
});
export type ScanResult = z.infer<typeof ScanResult>;

export const VERDICTS = ['pass', 'fail', 'inconclusive', 'error'] as const;
export const Verdict = z.enum(VERDICTS);
export type Verdict = z.infer<typeof Verdict>;

export const CheckResult = z.object({
  name: z.string(),
  /** `error`: the check could not run (a scanner crashed); it counts against a pass like `fail` does not. */
  status: z.enum(['pass', 'fail', 'skipped', 'error']),
  detail: z.string(),
});
export type CheckResult = z.infer<typeof CheckResult>;

export const RedGreen = z.object({
  /**
   * `red-green`: control showed the incident and candidate did not; `still-red`: both did;
   * `not-reproduced`: control did not show it; `not-evaluated`: the run did not get that far.
   */
  outcome: z.enum(['red-green', 'still-red', 'not-reproduced', 'not-evaluated']),
  /** The signal compared, e.g. `OOM kills`. */
  signal: z.string(),
  control: z.number().optional(),
  candidate: z.number().optional(),
  statement: z.string(),
});
export type RedGreen = z.infer<typeof RedGreen>;

export const VerificationReport = z.object({
  schemaVersion: z.literal(1),
  verdict: Verdict,
  reasons: z.array(z.string()),
  checks: z.array(CheckResult),
  redGreen: RedGreen,
  /** Absent when the sandbox failed before any load ran. */
  sides: z.object({ control: SideResult.optional(), candidate: SideResult.optional() }),
  scans: z.array(ScanResult),
  timings: z.object({
    startedAt: z.string(),
    finishedAt: z.string(),
    durationMs: z.number().nonnegative(),
    /** Per phase (render, sandbox, load, scans…) in ms, as the orchestrator measured them. */
    phases: z.record(z.string(), z.number().nonnegative()).default({}),
  }),
  sandbox: z.object({ backend: z.enum(['podman', 'vcluster']), name: z.string().optional() }),
  refs: z.object({ base: z.string(), head: z.string() }).optional(),
  timedOut: z.boolean().optional(),
  /** One line, redacted, when the verdict is `error`. */
  error: z.string().optional(),
});
export type VerificationReport = z.infer<typeof VerificationReport>;
