import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatIssues } from '../../src/core/errors.js';
import { defaultVerificationConfig, VerificationConfig } from '../../src/verify/verify-config.js';

describe('VerificationConfig (the verification: section of .github/aegis.yml)', () => {
  it('has the documented defaults', () => {
    expect(defaultVerificationConfig()).toEqual({
      load: { paths: ['/'], method: 'GET', connections: 10, durationSeconds: 20, warmupSeconds: 5 },
      rules: {
        maxRestarts: 0,
        maxOomKills: 0,
        errorRateMaxDelta: 0,
        p95Factor: 1.2,
        p95ToleranceMs: 5,
        failOn: { trivy: ['CRITICAL', 'HIGH'], zap: ['High'] },
      },
      scanners: { trivy: true, zap: true },
      sandbox: { readyTimeoutSeconds: 180 },
    });
  });

  it('fills what a partial YAML section leaves out', () => {
    const yaml = `
load:
  paths: [/api/orders, /healthz]
  rate: 200
rules:
  failOn:
    zap: [High, Medium]
scanners:
  zap: false
`;
    const config = VerificationConfig.parse(parse(yaml));
    expect(config.load).toMatchObject({ paths: ['/api/orders', '/healthz'], rate: 200, connections: 10 });
    expect(config.rules.failOn).toEqual({ trivy: ['CRITICAL', 'HIGH'], zap: ['High', 'Medium'] });
    expect(config.scanners).toEqual({ trivy: true, zap: false });
  });

  it.each([
    [{ rules: { p95factor: 2 } }, 'rules: Unrecognized key: "p95factor"'],
    [{ load: { paths: ['api'] } }, 'load.paths.0: a path starting with /'],
    [{ rules: { failOn: { trivy: ['SEVERE'] } } }, 'rules.failOn.trivy.0:'],
    [{ rules: { p95Factor: 0.5 } }, 'rules.p95Factor:'],
    [{ sandbox: { readyTimeoutSeconds: 1 } }, 'sandbox.readyTimeoutSeconds:'],
  ])('rejects %j with a path-named issue', (input, expected) => {
    const result = VerificationConfig.safeParse(input);
    expect(result.success).toBe(false);
    expect(formatIssues(result.error?.issues ?? []).join('\n')).toContain(expected);
  });
});
