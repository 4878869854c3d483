import { describe, expect, it } from 'vitest';
import type { Category } from '../../src/core/types.js';
import type { ScanResult } from '../../src/verify/types.js';
import { decideVerdict, type VerdictContext } from '../../src/verify/verdict.js';
import { defaultVerificationConfig, VerifyRules } from '../../src/verify/verify-config.js';
import { type SideOverrides, side, TRIVY_CLEAN, ZAP_CLEAN } from './helpers/sides.js';

const RULES = defaultVerificationConfig().rules;
const CLEAN_SCANS = [TRIVY_CLEAN, ZAP_CLEAN];

function decide(
  control: SideOverrides,
  candidate: SideOverrides,
  scans: ScanResult[] = CLEAN_SCANS,
  context: VerdictContext = {},
  rules = RULES,
) {
  return decideVerdict(side('control', control), side('candidate', candidate), scans, rules, context);
}

function check(result: ReturnType<typeof decide>, name: string) {
  const found = result.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name} in ${result.checks.map((c) => c.name).join(', ')}`);
  return found;
}

describe('decideVerdict: one rule at a time (defaults)', () => {
  it.each<[string, SideOverrides, SideOverrides, string, 'pass' | 'fail' | 'skipped', RegExp]>([
    ['identical sides', {}, {}, 'p95 latency', 'pass', /candidate 20 ms vs control 20 ms; allowed ≤ 25 ms/],
    [
      'candidate restarted once',
      {},
      { restarts: 1 },
      'restarts',
      'fail',
      /candidate 1 restart \(allowed 0; control 0\)/,
    ],
    [
      'candidate OOM killed',
      { oomKills: 2 },
      { oomKills: 1 },
      'OOM kills',
      'fail',
      /candidate 1 OOM kill \(allowed 0; control 2\)/,
    ],
    [
      'candidate never ready',
      {},
      { ready: false, readyAfterMs: undefined },
      'candidate ready',
      'fail',
      /never became ready/,
    ],
    ['candidate ready', {}, {}, 'candidate ready', 'pass', /ready after 2\.5 s/],
    // zero baselines: 0 errors on both sides is a tie, and a tie passes
    [
      'error rate 0 vs 0',
      {},
      {},
      'error rate',
      'pass',
      /candidate 0\.00% \(0\/1000\) vs control 0\.00% \(0\/1000\)/,
    ],
    [
      'error rate tie',
      { load: { errors: 25 } },
      { load: { errors: 25 } },
      'error rate',
      'pass',
      /2\.50%.*2\.50%/,
    ],
    [
      'error rate above control',
      { load: { errors: 10 } },
      { load: { errors: 11 } },
      'error rate',
      'fail',
      /candidate 1\.10% \(11\/1000\) vs control 1\.00%/,
    ],
    [
      'error rate below control',
      { load: { errors: 300 } },
      { load: { errors: 0 } },
      'error rate',
      'pass',
      /0\.00%.*30\.00%/,
    ],
    // p95: × 1.2, and never tighter than control + 5 ms
    [
      'p95 exactly control × 1.2',
      { load: { latencyMs: { p95: 100 } } },
      { load: { latencyMs: { p95: 120 } } },
      'p95 latency',
      'pass',
      /allowed ≤ 120 ms/,
    ],
    [
      'p95 just above control × 1.2',
      { load: { latencyMs: { p95: 100 } } },
      { load: { latencyMs: { p95: 121 } } },
      'p95 latency',
      'fail',
      /candidate 121 ms vs control 100 ms/,
    ],
    [
      'p95 on a 0 ms control, within the tolerance',
      { load: { latencyMs: { p95: 0 } } },
      { load: { latencyMs: { p95: 3 } } },
      'p95 latency',
      'pass',
      /allowed ≤ 5 ms/,
    ],
    [
      'p95 on a 0 ms control, past the tolerance',
      { load: { latencyMs: { p95: 0 } } },
      { load: { latencyMs: { p95: 6 } } },
      'p95 latency',
      'fail',
      /candidate 6 ms vs control 0 ms/,
    ],
    [
      'control never ready: no baseline',
      { ready: false },
      {},
      'p95 latency',
      'skipped',
      /control never became ready, so there is no baseline/,
    ],
    [
      'control got no load',
      { load: { requests: 0 } },
      {},
      'error rate',
      'skipped',
      /control received no load/,
    ],
    [
      'candidate got no load',
      {},
      { load: { requests: 0 } },
      'error rate',
      'skipped',
      /no load reached the candidate/,
    ],
  ])('%s → %s is %s', (_case, control, candidate, name, status, detail) => {
    const found = check(decide(control, candidate), name);
    expect(found.status).toBe(status);
    expect(found.detail).toMatch(detail);
  });
});

describe('decideVerdict: the overall verdict', () => {
  it('passes when every rule holds, and says how many checks passed', () => {
    const result = decide({}, {});
    expect(result.verdict).toBe('pass');
    expect(result.reasons[0]).toBe('7 of 7 checks passed');
  });

  it('fails and names each failed rule with its numbers', () => {
    const result = decide({}, { restarts: 3, load: { errors: 50 } });
    expect(result.verdict).toBe('fail');
    expect(result.reasons).toEqual(
      expect.arrayContaining([
        'restarts failed: candidate 3 restarts (allowed 0; control 0)',
        expect.stringMatching(/^error rate failed: candidate 5\.00% \(50\/1000\)/),
      ]),
    );
  });

  it('fails on a candidate that never became ready, even when control did not either', () => {
    const result = decide({ ready: false }, { ready: false });
    expect(result.verdict).toBe('fail');
  });

  it('is inconclusive, never pass, without a control baseline', () => {
    const result = decide({ ready: false }, {});
    expect(result.verdict).toBe('inconclusive');
    expect(result.reasons.join('\n')).toMatch(/p95 latency skipped: control never became ready/);
  });

  it('is inconclusive when no load reached the candidate', () => {
    expect(decide({}, { load: { requests: 0 } }).verdict).toBe('inconclusive');
  });

  it('uses the rules from the config: a looser error-rate delta and p95 factor', () => {
    const rules = VerifyRules.parse({ errorRateMaxDelta: 0.01, p95Factor: 2, maxRestarts: 1 });
    const result = decide(
      { load: { errors: 10, latencyMs: { p95: 100 } } },
      { restarts: 1, load: { errors: 19, latencyMs: { p95: 199 } } },
      CLEAN_SCANS,
      {},
      rules,
    );
    expect(result.verdict).toBe('pass');
  });
});

describe('decideVerdict: sandbox failures are errors, never fail or pass', () => {
  it('a sandbox start past its timeout is error / timed out, whatever was measured', () => {
    const result = decide({}, { restarts: 5 }, CLEAN_SCANS, { timedOut: true, readyTimeoutSeconds: 180 });
    expect(result.verdict).toBe('error');
    expect(result.reasons).toEqual([
      'timed out: the sandbox did not start within 180 s; nothing was compared',
    ]);
    expect(result.checks).toEqual([{ name: 'sandbox', status: 'error', detail: result.reasons[0] }]);
    expect(result.redGreen.outcome).toBe('not-evaluated');
  });

  it('a sandbox error is error with its one line', () => {
    const result = decide({}, {}, CLEAN_SCANS, { sandboxError: 'podman kube play exited 125' });
    expect(result).toMatchObject({
      verdict: 'error',
      reasons: ['sandbox error: podman kube play exited 125'],
    });
  });

  it('missing measurements for one side are an error', () => {
    const result = decideVerdict(side('control'), undefined, CLEAN_SCANS, RULES);
    expect(result).toMatchObject({
      verdict: 'error',
      reasons: ['sandbox error: no measurements for candidate'],
    });
  });
});

describe('decideVerdict: scanners', () => {
  const trivySkipped: ScanResult = {
    scanner: 'trivy',
    status: 'skipped',
    reason: 'trivy was not found on PATH',
    targets: [],
    newFindings: [],
  };

  it('a skipped scanner is a visible skipped check, not a pass, and does not by itself block the verdict', () => {
    const result = decide({}, {}, [trivySkipped, ZAP_CLEAN]);
    expect(check(result, 'Trivy')).toEqual({
      name: 'Trivy',
      status: 'skipped',
      detail: 'trivy was not found on PATH',
    });
    expect(result.verdict).toBe('pass');
    expect(result.reasons).toEqual([
      '6 of 7 checks passed',
      'Trivy skipped: trivy was not found on PATH',
      expect.stringMatching(/^Not reproduced:/),
    ]);
  });

  it('a scanner that was not run at all is skipped as well', () => {
    const result = decide({}, {}, []);
    expect(check(result, 'ZAP baseline')).toMatchObject({ status: 'skipped', detail: 'not run' });
  });

  it('a crashed scanner makes the run inconclusive', () => {
    const crashed: ScanResult = {
      scanner: 'zap',
      status: 'error',
      reason: 'ZAP exited 3',
      targets: [],
      newFindings: [],
    };
    const result = decide({}, {}, [TRIVY_CLEAN, crashed]);
    expect(result.verdict).toBe('inconclusive');
    expect(result.reasons).toContain('ZAP baseline could not run: ZAP exited 3');
  });

  it.each([
    ['trivy', 'CRITICAL', 'fail'],
    ['trivy', 'HIGH', 'fail'],
    ['trivy', 'MEDIUM', 'pass'],
    ['zap', 'High', 'fail'],
    ['zap', 'Medium', 'pass'],
  ] as const)('a new %s finding at %s → %s (default gate)', (scanner, severity, verdict) => {
    const scan: ScanResult = {
      scanner,
      status: 'ran',
      targets: [],
      newFindings: [{ id: 'X-1', severity, title: 'x' }],
    };
    const other = scanner === 'trivy' ? ZAP_CLEAN : TRIVY_CLEAN;
    expect(decide({}, {}, [scan, other]).verdict).toBe(verdict);
  });

  it('lists at most five finding ids and counts the rest', () => {
    const newFindings = Array.from({ length: 7 }, (_, i) => ({
      id: `CVE-${i}`,
      severity: 'HIGH',
      title: 't',
    }));
    const result = decide({}, {}, [{ scanner: 'trivy', status: 'ran', targets: [], newFindings }, ZAP_CLEAN]);
    expect(check(result, 'Trivy').detail).toBe(
      '7 new CRITICAL/HIGH findings: CVE-0, CVE-1, CVE-2, CVE-3, CVE-4, +2 more',
    );
  });
});

describe('decideVerdict: red → green', () => {
  it.each<[Category | undefined, SideOverrides, SideOverrides, string, RegExp]>([
    [
      'oom-killed',
      { oomKills: 3, restarts: 3 },
      {},
      'red-green',
      /^Red → green: control \(base\) reproduced the incident \(it had 3 OOM kills\) and candidate \(head\) did not \(it had 0 OOM kills\)\.$/,
    ],
    [
      'oom-killed',
      { oomKills: 3 },
      { oomKills: 1 },
      'still-red',
      /^Still red: .*it had 3 OOM kills.*it had 1 OOM kill\)/,
    ],
    [
      'oom-killed',
      {},
      {},
      'not-reproduced',
      /^Not reproduced: control \(base\) had 0 OOM kills under this load/,
    ],
    ['oom-killed', {}, { oomKills: 2 }, 'not-reproduced', /The candidate \(head\) had 2 OOM kills, though\./],
    ['crash-loop', { restarts: 4 }, {}, 'red-green', /it had 4 restarts/],
    [
      'image-pull',
      { ready: false },
      {},
      'red-green',
      /it never became ready\) and candidate \(head\) did not \(it became ready\)/,
    ],
    [undefined, { restarts: 1, oomKills: 1 }, {}, 'red-green', /it had 2 restarts and OOM kills/],
  ])('%s: control %j, candidate %j → %s', (category, control, candidate, outcome, statement) => {
    const result = decide(control, candidate, CLEAN_SCANS, { category });
    expect(result.redGreen.outcome).toBe(outcome);
    expect(result.redGreen.statement).toMatch(statement);
  });

  it('a run that passes without reproducing the incident still passes, and says it did not reproduce', () => {
    const result = decide({}, {}, CLEAN_SCANS, { category: 'oom-killed' });
    expect(result.verdict).toBe('pass');
    expect(result.reasons.at(-1)).toMatch(/^Not reproduced:/);
  });

  it('a red → green run puts the numbers of both sides in the record', () => {
    const result = decide({ oomKills: 2 }, {}, CLEAN_SCANS, { category: 'oom-killed' });
    expect(result.redGreen).toMatchObject({ signal: 'OOM kills', control: 2, candidate: 0 });
    expect(result.verdict).toBe('pass');
  });
});
