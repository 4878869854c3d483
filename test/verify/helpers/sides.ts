// Measurements for verdict and report tests: a healthy side by default, overridden per case.
import type { LoadStats, ScanResult, SideResult } from '../../../src/verify/types.js';

export type SideOverrides = Omit<Partial<SideResult>, 'load'> & {
  load?: Omit<Partial<LoadStats>, 'latencyMs'> & { latencyMs?: Partial<LoadStats['latencyMs']> };
};

export function side(which: SideResult['side'], overrides: SideOverrides = {}): SideResult {
  const { load = {}, ...rest } = overrides;
  const { latencyMs = {}, ...loadRest } = load;
  const requests = loadRest.requests ?? 1000;
  const errors = loadRest.errors ?? 0;
  return {
    side: which,
    restarts: 0,
    oomKills: 0,
    ready: true,
    readyAfterMs: 2500,
    samples: [],
    ...rest,
    load: {
      requests,
      errors,
      errorRate: requests === 0 ? 0 : errors / requests,
      throughputRps: 50,
      ...loadRest,
      latencyMs: { p50: 5, p95: 20, p99: 40, max: 80, ...latencyMs },
    },
  };
}

export const TRIVY_CLEAN: ScanResult = {
  scanner: 'trivy',
  status: 'ran',
  targets: ['app:2'],
  newFindings: [],
};
export const ZAP_CLEAN: ScanResult = {
  scanner: 'zap',
  status: 'ran',
  targets: ['http://control', 'http://candidate'],
  newFindings: [],
};
