// action/action.yml is the Action's contract with every workflow that uses it: a node20 entry and
// documented inputs and outputs. An undocumented or renamed input breaks users silently.
import { describe, expect, it } from 'vitest';
import { readAction } from '../helpers/action-yml.js';

describe('action/action.yml', () => {
  const action = readAction();

  it('runs the bundled entry on node20', () => {
    expect(action.runs).toEqual({ using: 'node20', main: 'dist/index.js' });
    expect(action.name).toBeTruthy();
    expect(action.description).toBeTruthy();
  });

  it('declares the inputs workflows rely on', () => {
    expect(Object.keys(action.inputs ?? {}).sort()).toEqual(
      [
        'github-token',
        'pr',
        'sandbox',
        'kubeconfig',
        'vcluster-version',
        'vcluster-driver',
        'run-id',
        'load-duration',
        'load-connections',
        'load-rate',
        'scanners',
        'fail-on',
        'report-path',
      ].sort(),
    );
    expect(Object.keys(action.outputs ?? {}).sort()).toEqual(['report-path', 'verdict']);
  });

  it.each(Object.entries(readAction().inputs ?? {}))('input %s is documented', (_name, input) => {
    expect(input.description?.trim().length ?? 0).toBeGreaterThan(20);
  });

  it.each(Object.entries(readAction().outputs ?? {}))('output %s is documented', (_name, output) => {
    expect(output.description?.trim().length ?? 0).toBeGreaterThan(10);
  });

  it('defaults to a sandbox that needs no host cluster', () => {
    const inputs = action.inputs ?? {};
    expect(inputs.sandbox?.default).toBe('vcluster');
    expect(inputs['vcluster-driver']?.default).toBe('docker');
    expect(inputs['vcluster-version']?.default).toMatch(/^v0\.(3[1-9]|[4-9]\d)\.\d+$/); // docker driver: ≥ v0.31
    expect(inputs['github-token']?.default).toBe(`\${{ github.token }}`);
  });
});
