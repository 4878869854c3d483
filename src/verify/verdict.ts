// The verdict of one shadow verification: rules are data (VerifyRules from the repo config), and
// only a run where every measured rule held is a `pass`. A sandbox that failed or timed out is an
// `error`, a missing baseline or a crashed scanner `inconclusive`; neither is ever a pass.
import type { Category } from '../core/types.js';
import {
  errorRateCheck,
  oomCheck,
  p95Check,
  type RuleCheck,
  readinessCheck,
  restartsCheck,
  scannerCheck,
} from './checks.js';
import { notEvaluated, redGreen } from './red-green.js';
import {
  type CheckResult,
  type RedGreen,
  SCANNERS,
  type ScanResult,
  type SideResult,
  type Verdict,
} from './types.js';
import type { VerifyRules } from './verify-config.js';

export interface VerdictContext {
  /**
   * The sandbox itself (cluster, pods of both sides) did not start within its timeout. A
   * candidate that never became ready while the sandbox worked is a `fail`, not a timeout.
   */
  timedOut?: boolean;
  readyTimeoutSeconds?: number;
  /** One line: the sandbox failed for reasons unrelated to the change. */
  sandboxError?: string;
  /** The diagnosis category, which picks the red → green signal. */
  category?: Category;
  /**
   * One line: the comparison could not be set up for a reason that says nothing about the change
   * (no helm to render it, nothing runnable changed, no control to compare with): inconclusive.
   */
  unverifiable?: string;
  /** One line: rendering or deploying failed before anything was measured; an `error`. */
  setupError?: string;
}

export interface VerdictResult {
  verdict: Verdict;
  reasons: string[];
  checks: CheckResult[];
  redGreen: RedGreen;
}

export function decideVerdict(
  control: SideResult | undefined,
  candidate: SideResult | undefined,
  scans: readonly ScanResult[],
  rules: VerifyRules,
  context: VerdictContext = {},
): VerdictResult {
  const aborted = abortReason(context);
  if (aborted) return errorResult(aborted, context.category);
  if (context.unverifiable) return inconclusiveResult(context.unverifiable, context.category);
  if (!control || !candidate) {
    return errorResult(
      `sandbox error: no measurements for ${control ? 'candidate' : 'control'}`,
      context.category,
    );
  }
  const ruleChecks: RuleCheck[] = [
    readinessCheck(candidate),
    restartsCheck(control, candidate, rules),
    oomCheck(control, candidate, rules),
    errorRateCheck(control, candidate, rules),
    p95Check(control, candidate, rules),
    ...SCANNERS.map((scanner) =>
      scannerCheck(
        scanner,
        scans.find((s) => s.scanner === scanner),
        rules,
      ),
    ),
  ];
  const story = redGreen(control, candidate, context.category);
  const checks = ruleChecks.map(({ needsBaseline: _, ...check }) => check);
  return { verdict: verdictOf(ruleChecks), reasons: reasonsOf(ruleChecks, story), checks, redGreen: story };
}

function abortReason(context: VerdictContext): string | undefined {
  if (context.timedOut) {
    const limit = context.readyTimeoutSeconds ? ` within ${context.readyTimeoutSeconds} s` : '';
    return `timed out: the sandbox did not start${limit}; nothing was compared`;
  }
  if (context.sandboxError) return `sandbox error: ${context.sandboxError}`;
  if (context.setupError) return context.setupError;
  return undefined;
}

function inconclusiveResult(reason: string, category: Category | undefined): VerdictResult {
  return {
    verdict: 'inconclusive',
    reasons: [`not verified: ${reason}`],
    checks: [{ name: 'comparison', status: 'skipped', detail: reason }],
    redGreen: notEvaluated('control and candidate were not run', category),
  };
}

function errorResult(reason: string, category: Category | undefined): VerdictResult {
  return {
    verdict: 'error',
    reasons: [reason],
    checks: [{ name: 'sandbox', status: 'error', detail: reason }],
    redGreen: notEvaluated('the sandbox did not run both sides', category),
  };
}

function verdictOf(checks: readonly RuleCheck[]): Verdict {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.some((c) => c.status === 'error' || c.needsBaseline)) return 'inconclusive';
  return 'pass';
}

function reasonsOf(checks: readonly RuleCheck[], story: RedGreen): string[] {
  const order: Record<CheckResult['status'], number> = { fail: 0, error: 1, skipped: 2, pass: 3 };
  const notable = checks
    .filter((c) => c.status !== 'pass')
    .sort((a, b) => order[a.status] - order[b.status])
    .map(
      (c) =>
        `${c.name} ${c.status === 'skipped' ? 'skipped' : c.status === 'error' ? 'could not run' : 'failed'}: ${c.detail}`,
    );
  const passed = checks.filter((c) => c.status === 'pass').length;
  const decided = checks.some((c) => c.status === 'fail' || c.status === 'error');
  const reasons = decided ? notable : [`${passed} of ${checks.length} checks passed`, ...notable];
  if (story.outcome !== 'red-green') reasons.push(story.statement);
  return reasons;
}
