// The security scans of one verification, as the repo config asks: Trivy on the images the PR
// changes (head vs base) and a ZAP baseline of both endpoints while the sandboxes still run.
// Disabled, missing or without a target, a scanner is `skipped` with the reason, never a pass.

import { disabledScan } from './scanners/skipped-scan.js';
import { type ImageChange, runTrivyScan, type TrivyDeps } from './scanners/trivy.js';
import { runZapScan, type ZapDeps } from './scanners/zap.js';
import type { ScanResult } from './types.js';
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
}

export async function runScans(input: ScanInput): Promise<ScanResult[]> {
  const { config, deps = {} } = input;
  const trivy = config.scanners.trivy
    ? runTrivyScan(input.images, config.rules.failOn.trivy, {
        timeoutMs: SCANNER_TIMEOUTS_MS.trivy,
        ...deps.trivy,
      })
    : Promise.resolve(disabledScan('trivy'));
  const zap = !config.scanners.zap
    ? Promise.resolve(disabledScan('zap'))
    : input.endpoints
      ? runZapScan(input.endpoints, config.rules.failOn.zap, {
          timeoutMs: SCANNER_TIMEOUTS_MS.zap,
          ...deps.zap,
        })
      : Promise.resolve<ScanResult>({
          scanner: 'zap',
          status: 'skipped',
          reason: input.noEndpointsReason ?? 'no endpoint to scan',
          targets: [],
          newFindings: [],
        });
  // Independent tools on different targets: side by side.
  return Promise.all([trivy, zap]);
}
