// Measurements in, the VerificationReport (the JSON artifact) out: the verdict is decided here
// and nowhere else, and the result is validated against the artifact schema before it is used.
import { redact } from '../evidence/redact.js';
import type { ScanResult, SideResult, VerificationReport } from './types.js';
import { VerificationReport as ReportSchema } from './types.js';
import { decideVerdict, type VerdictContext } from './verdict.js';
import type { VerifyRules } from './verify-config.js';

export interface ReportInput {
  control?: SideResult;
  candidate?: SideResult;
  scans: readonly ScanResult[];
  rules: VerifyRules;
  context?: VerdictContext;
  startedAt: Date;
  finishedAt: Date;
  phases?: Record<string, number>;
  sandbox: VerificationReport['sandbox'];
  refs?: { base: string; head: string };
}

export function assembleReport(input: ReportInput): VerificationReport {
  const context = input.context ?? {};
  const decided = decideVerdict(input.control, input.candidate, input.scans, input.rules, context);
  return ReportSchema.parse({
    schemaVersion: 1,
    ...decided,
    sides: { control: input.control, candidate: input.candidate },
    scans: input.scans,
    timings: {
      startedAt: input.startedAt.toISOString(),
      finishedAt: input.finishedAt.toISOString(),
      durationMs: Math.max(0, input.finishedAt.getTime() - input.startedAt.getTime()),
      phases: input.phases ?? {},
    },
    sandbox: input.sandbox,
    ...(input.refs ? { refs: input.refs } : {}),
    ...(context.timedOut ? { timedOut: true } : {}),
    ...(decided.verdict === 'error' ? { error: redact(decided.reasons[0] ?? 'the sandbox failed') } : {}),
  });
}
