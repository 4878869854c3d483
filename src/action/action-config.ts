// The verification config the Action runs with: `.github/aegis.yml` at the PR's base (never the
// head: a change must not set the rules that judge it), with the workflow's load inputs layered
// over its load profile. The repo config's limits apply to the inputs too; an input out of range
// is reported under its own name.
import { UserError } from '../core/errors.js';
import { SCANNERS, type ScannerName } from '../verify/types.js';
import { LoadProfile, type VerificationConfig } from '../verify/verify-config.js';
import type { ActionInputs } from './inputs.js';

const LOAD_INPUTS = {
  durationSeconds: 'load-duration',
  connections: 'load-connections',
  rate: 'load-rate',
} as const satisfies Partial<Record<keyof LoadProfile, keyof ActionInputs>>;

export function withLoadInputs(config: VerificationConfig, inputs: ActionInputs): VerificationConfig {
  const overrides: Partial<LoadProfile> = {};
  for (const field of Object.keys(LOAD_INPUTS) as (keyof typeof LOAD_INPUTS)[]) {
    const value = inputs[LOAD_INPUTS[field]];
    if (value !== undefined) overrides[field] = value;
  }
  const parsed = LoadProfile.safeParse({ ...config.load, ...overrides });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0]) as keyof typeof LOAD_INPUTS;
    throw new UserError(`input ${LOAD_INPUTS[field] ?? field}: ${issue.message}`);
  }
  return { ...config, load: parsed.data };
}

/** Scanners the `scanners` input leaves out: reported as skipped with this reason, never passed. */
export function skippedScanners(inputs: ActionInputs): Partial<Record<ScannerName, string>> {
  return Object.fromEntries(
    SCANNERS.filter((s) => !inputs.scanners.includes(s)).map((s) => [
      s,
      `not in the Action's scanners input (${inputs.scanners.join(',') || 'empty'})`,
    ]),
  );
}
