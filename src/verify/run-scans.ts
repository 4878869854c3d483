// The security scans of one verification, as the repo config asks: Trivy on the images the PR
// changes (head vs base) and a ZAP baseline of both endpoints while the sandboxes still run.
// Disabled, missing or without a target, a scanner is `skipped` with the reason, never a pass.

import { disabledScan, skippedScan } from './scanners/skipped-scan.js';
import { type ImageChange, runTrivyScan, type TrivyDeps } from './scanners/trivy.js';
import { runZapScan, type ZapDeps } from './scanners/zap.js';
import type { ScannerName, ScanResult } from './types.js';
import type { VerificationConfig } from './verify-config.js';

/** Defaults: Trivy's vulnerability DB download on a cold cache dominates; ZAP spiders a minute. */
export const SCANNER_TIMEOUTS_MS = { trivy: 600_000, zap: 300_000 } as const;

export interface ScannerDeps {
  trivy?: Partial<TrivyDeps>;
  zap?: Partial<ZapDeps>;
}

export interface ScanInput {
  config: VerificationConfig;
  images: readonly ImageChange[];
  /** Absent when a side never became ready or no Service reaches the app. */
  endpoints?: { control: string; candidate: string };
  /** Why there are no endpoints, for the skipped ZAP check. */
  noEndpointsReason?: string;
  deps?: ScannerDeps;
  /** Scanners the caller leaves out (e.g. the Action's `scanners` input), with the reason shown. */
  skip?: Partial<Record<ScannerName, string>>;
}

export async function runScans(input: ScanInput): Promise<ScanResult[]> {
  const { config, deps = {}, skip = {} } = input;
  const trivy = (): Promise<ScanResult> =>
    config.scanners.trivy
      ? runTrivyScan(input.images, config.rules.failOn.trivy, {
          timeoutMs: SCANNER_TIMEOUTS_MS.trivy,
          ...deps.trivy,
        })
      : Promise.resolve(disabledScan('trivy'));
  const zap = (): Promise<ScanResult> =>
    !config.scanners.zap
      ? Promise.resolve(disabledScan('zap'))
      : input.endpoints
        ? runZapScan(input.endpoints, config.rules.failOn.zap, {
            timeoutMs: SCANNER_TIMEOUTS_MS.zap,
            ...deps.zap,
          })
        : Promise.resolve(skippedScan('zap', input.noEndpointsReason ?? 'no endpoint to scan'));
  const unlessSkipped = (scanner: ScannerName, run: () => Promise<ScanResult>): Promise<ScanResult> => {
    const reason = skip[scanner];
    return reason === undefined ? run() : Promise.resolve(skippedScan(scanner, reason));
  };
  // Independent tools on different targets: side by side.
  return Promise.all([unlessSkipped('trivy', trivy), unlessSkipped('zap', zap)]);
}
