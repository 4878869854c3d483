// Inputs as the runner passes them (INPUT_<NAME> with dashes kept, trimmed, empty = default) and
// one-line errors that name the input and never echo a value.
import { describe, expect, it } from 'vitest';
import { inputVariable, readInputs, readRunnerEnv } from '../../src/action/inputs.js';
import { readAction } from '../helpers/action-yml.js';

const TOKEN = 'ghs_secretvalue1234567890';
const env = (inputs: Record<string, string>): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries({ 'github-token': TOKEN, ...inputs }).map(([k, v]) => [inputVariable(k), v]),
  );

describe('Action inputs', () => {
  it('names variables as the runner does', () => {
    expect(inputVariable('github-token')).toBe('INPUT_GITHUB-TOKEN');
    expect(inputVariable('vcluster-driver')).toBe('INPUT_VCLUSTER-DRIVER');
    expect(inputVariable('some input')).toBe('INPUT_SOME_INPUT');
  });

  it('applies the defaults action.yml documents when a value is empty', () => {
    const inputs = readInputs(env({ sandbox: '', pr: ' ' }));
    const yml = readAction().inputs ?? {};
    expect(inputs).toMatchObject({
      sandbox: yml.sandbox?.default,
      'vcluster-version': yml['vcluster-version']?.default,
      'vcluster-driver': yml['vcluster-driver']?.default,
      scanners: String(yml.scanners?.default).split(','),
      'fail-on': String(yml['fail-on']?.default).split(','),
      'report-path': yml['report-path']?.default,
    });
    expect(inputs.pr).toBeUndefined();
    expect(inputs['load-duration']).toBeUndefined();
  });

  it('parses numbers and lists', () => {
    const inputs = readInputs(
      env({
        pr: '12',
        'load-duration': '2.5',
        'load-connections': '4',
        'load-rate': '50',
        scanners: ' zap , zap',
        'fail-on': 'fail,inconclusive,error',
        'run-id': '1234567890',
      }),
    );
    expect(inputs).toMatchObject({
      pr: 12,
      'load-duration': 2.5,
      'load-connections': 4,
      'load-rate': 50,
      scanners: ['zap'],
      'fail-on': ['fail', 'inconclusive', 'error'],
      'run-id': '1234567890',
    });
    expect(readInputs(env({ scanners: ',' })).scanners).toEqual([]);
  });

  it.each([
    [{ 'github-token': '' }, 'input github-token: is required'],
    [{ pr: 'seven' }, 'input pr: expected a number'],
    [{ pr: '-1' }, 'input pr: expected a positive number'],
    [{ sandbox: 'docker' }, 'input sandbox: expected one of podman, vcluster'],
    [{ 'vcluster-driver': 'kind' }, 'input vcluster-driver: expected one of helm, docker'],
    [{ 'vcluster-version': 'latest' }, 'input vcluster-version: a version such as v0.32.1'],
    [{ 'run-id': 'Run_1' }, 'input run-id: lowercase letters, digits and dashes'],
    [{ 'load-connections': '1.5' }, 'input load-connections: expected a whole number'],
    [{ scanners: 'trivy,nmap' }, 'input scanners: expected one of trivy, zap'],
    [{ 'fail-on': 'pass' }, 'input fail-on: expected one of fail, inconclusive, error'],
  ])('%j → %s', (inputs, message) => {
    expect(() => readInputs(env(inputs))).toThrow(message);
    try {
      readInputs(env(inputs));
    } catch (error: unknown) {
      const text = (error as Error).message;
      expect(text.split('\n')).toHaveLength(1);
      expect(text).not.toContain(TOKEN);
    }
  });

  it('reads the runner environment', () => {
    expect(readRunnerEnv({ GITHUB_REPOSITORY: 'acme/gitops' })).toMatchObject({
      GITHUB_REPOSITORY: 'acme/gitops',
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_SERVER_URL: 'https://github.com',
    });
    expect(() => readRunnerEnv({})).toThrow('GITHUB_REPOSITORY: is not set');
    expect(() => readRunnerEnv({ GITHUB_REPOSITORY: 'acme' })).toThrow(
      'GITHUB_REPOSITORY: expected the format OWNER/REPO',
    );
    expect(() => readRunnerEnv({ GITHUB_REPOSITORY: 'a/b', GITHUB_API_URL: 'nope' })).toThrow(
      /^GITHUB_API_URL: /,
    );
  });
});
