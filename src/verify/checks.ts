// One function per verdict rule. Each returns a check with its numbers in the detail; `needsBaseline`
// marks a check that was skipped for want of a control measurement, which makes the run inconclusive.
import { count, ms, percent, seconds } from './format.js';
import type { CheckResult, ScannerName, ScanResult, SideResult } from './types.js';
import type { VerifyRules } from './verify-config.js';

export type RuleCheck = CheckResult & { needsBaseline?: boolean };

// Rates are ratios of integers; equal rates can differ in the last bit.
const EPSILON = 1e-9;

export function readinessCheck(candidate: SideResult): RuleCheck {
  return candidate.ready
    ? {
        name: 'candidate ready',
        status: 'pass',
        detail:
          candidate.readyAfterMs === undefined ? 'ready' : `ready after ${seconds(candidate.readyAfterMs)}`,
      }
    : { name: 'candidate ready', status: 'fail', detail: 'candidate never became ready' };
}

export function restartsCheck(control: SideResult, candidate: SideResult, rules: VerifyRules): RuleCheck {
  const ok = candidate.restarts <= rules.maxRestarts;
  return {
    name: 'restarts',
    status: ok ? 'pass' : 'fail',
    detail: `candidate ${count(candidate.restarts, 'restart')} (allowed ${rules.maxRestarts}; control ${control.restarts})`,
  };
}

export function oomCheck(control: SideResult, candidate: SideResult, rules: VerifyRules): RuleCheck {
  const ok = candidate.oomKills <= rules.maxOomKills;
  return {
    name: 'OOM kills',
    status: ok ? 'pass' : 'fail',
    detail: `candidate ${count(candidate.oomKills, 'OOM kill')} (allowed ${rules.maxOomKills}; control ${control.oomKills})`,
  };
}

/** Why the load comparison cannot be made, if it cannot. */
function missingLoad(name: string, control: SideResult, candidate: SideResult): RuleCheck | undefined {
  if (candidate.load.requests === 0) {
    return { name, status: 'skipped', detail: 'no load reached the candidate', needsBaseline: true };
  }
  if (!control.ready || control.load.requests === 0) {
    const why = control.ready ? 'control received no load' : 'control never became ready';
    return { name, status: 'skipped', detail: `${why}, so there is no baseline`, needsBaseline: true };
  }
  return undefined;
}

export function errorRateCheck(control: SideResult, candidate: SideResult, rules: VerifyRules): RuleCheck {
  const name = 'error rate';
  const missing = missingLoad(name, control, candidate);
  if (missing) return missing;
  const allowed = control.load.errorRate + rules.errorRateMaxDelta;
  const ok = candidate.load.errorRate <= allowed + EPSILON;
  return {
    name,
    status: ok ? 'pass' : 'fail',
    detail: `candidate ${percent(candidate.load.errorRate)} (${candidate.load.errors}/${candidate.load.requests}) vs control ${percent(control.load.errorRate)} (${control.load.errors}/${control.load.requests}); allowed ≤ ${percent(Math.min(1, allowed))}`,
  };
}

export function p95Check(control: SideResult, candidate: SideResult, rules: VerifyRules): RuleCheck {
  const name = 'p95 latency';
  const missing = missingLoad(name, control, candidate);
  if (missing) return missing;
  const base = control.load.latencyMs.p95;
  const allowed = Math.max(base * rules.p95Factor, base + rules.p95ToleranceMs);
  const ok = candidate.load.latencyMs.p95 <= allowed + EPSILON;
  return {
    name,
    status: ok ? 'pass' : 'fail',
    detail: `candidate ${ms(candidate.load.latencyMs.p95)} vs control ${ms(base)}; allowed ≤ ${ms(allowed)} (× ${rules.p95Factor}, at least + ${ms(rules.p95ToleranceMs)})`,
  };
}

const SCANNER_LABEL: Record<ScannerName, string> = { trivy: 'Trivy', zap: 'ZAP baseline' };

/** Re-filters by the rules so the gate is the repo's config, whatever the runner was given. */
export function scannerCheck(
  scanner: ScannerName,
  scan: ScanResult | undefined,
  rules: VerifyRules,
): RuleCheck {
  const name = SCANNER_LABEL[scanner];
  if (!scan) return { name, status: 'skipped', detail: 'not run' };
  if (scan.status === 'skipped') return { name, status: 'skipped', detail: scan.reason ?? 'skipped' };
  if (scan.status === 'error') return { name, status: 'error', detail: scan.reason ?? 'the scanner failed' };
  const gate = new Set(rules.failOn[scanner].map((s) => s.toLowerCase()));
  const gated = scan.newFindings.filter((f) => gate.has(f.severity.toLowerCase()));
  const levels = rules.failOn[scanner].join('/');
  if (gated.length === 0) return { name, status: 'pass', detail: `no new ${levels} findings` };
  const ids = gated.slice(0, 5).map((f) => f.id);
  const more = gated.length > ids.length ? `, +${gated.length - ids.length} more` : '';
  return {
    name,
    status: 'fail',
    detail: `${count(gated.length, `new ${levels} finding`)}: ${ids.join(', ')}${more}`,
  };
}
