import { describe, expect, it } from 'vitest';
import { mergeSamples } from '../../src/verify/samples.js';
import { disabledScan } from '../../src/verify/scanners/skipped-scan.js';
import { decideVerdict } from '../../src/verify/verdict.js';
import { defaultVerificationConfig } from '../../src/verify/verify-config.js';
import { side, TRIVY_CLEAN } from './helpers/sides.js';

const START = 1_700_000_000_000;

describe('mergeSamples', () => {
  it('lines memory readings up with latency samples by whole seconds since the measured start', () => {
    const merged = mergeSamples(
      [{ tSec: 1.02, latencyP95Ms: 12 }, { tSec: 2.01, latencyP95Ms: 15 }, { tSec: 3 }],
      [
        { atMs: START - 4000, bytes: 50 }, // warm-up: not on this axis
        { atMs: START + 980, bytes: 100 },
        { atMs: START + 1100, bytes: 140 }, // same second: the peak is kept
        { atMs: START + 4000, bytes: 160 },
      ],
      START,
    );
    expect(merged).toEqual([
      { tSec: 1, latencyP95Ms: 12, memoryBytes: 140 },
      { tSec: 2, latencyP95Ms: 15 },
      { tSec: 3 },
      { tSec: 4, memoryBytes: 160 },
    ]);
  });

  it('is empty when nothing was sampled', () => {
    expect(mergeSamples([], [], START)).toEqual([]);
  });
});

describe('disabledScan', () => {
  it('shows a scanner the repo switched off as a skipped check naming the key', () => {
    const result = decideVerdict(
      side('control'),
      side('candidate'),
      [TRIVY_CLEAN, disabledScan('zap')],
      defaultVerificationConfig().rules,
    );
    expect(result.checks.find((c) => c.name === 'ZAP baseline')).toEqual({
      name: 'ZAP baseline',
      status: 'skipped',
      detail: 'disabled by verification.scanners.zap: false in .github/aegis.yml',
    });
  });
});
