// `aegis serve` configuration: every problem on its own line, naming the variable.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServerConfig, ServerConfigError } from '../../src/config/server-config.js';
import { testPrivateKey } from './harness.js';

const VALID = {
  APP_ID: '12345',
  PRIVATE_KEY: testPrivateKey(),
  WEBHOOK_SECRET: 'secret',
  AEGIS_ALERT_TOKEN: 'alert-token-0123456789',
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadServerConfig(env);
  } catch (error: unknown) {
    if (error instanceof ServerConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ServerConfigError');
}

describe('loadServerConfig', () => {
  it('applies defaults to a minimal environment', () => {
    expect(loadServerConfig(VALID)).toEqual({
      appId: 12345,
      privateKey: VALID.PRIVATE_KEY,
      webhookSecret: 'secret',
      alertToken: VALID.AEGIS_ALERT_TOKEN,
      logLevel: 'info',
      host: 'localhost',
      port: 3000,
      limits: { maxOpenPrs: 5, maxOpenPrsPerApp: 20, maxNewPrsPerHour: 3, silenceMs: 86_400_000 },
      queue: { concurrency: 4, maxDepth: 100 },
      routes: { routes: [], argocd: { follow: true } },
      verifyWorkflow: 'aegis-verify.yml',
    });
  });

  it('reads every optional variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aegis-config-'));
    const routes = join(dir, 'routes.yml');
    writeFileSync(
      routes,
      'routes:\n  - repo: acme/gitops\n    path: clusters/prod\n    match: { namespaces: [shop-*] }\nargocd: { follow: false }\n',
    );
    const config = loadServerConfig({
      ...VALID,
      AEGIS_ARGOCD_TOKEN: 'argocd-token-0123456789',
      LOG_LEVEL: 'debug',
      HOST: '0.0.0.0',
      PORT: '8080',
      AEGIS_MAX_OPEN_PRS: '10',
      AEGIS_MAX_NEW_PRS_PER_HOUR: '2',
      AEGIS_QUEUE_CONCURRENCY: '8',
      AEGIS_QUEUE_MAX_DEPTH: '50',
      AEGIS_ROUTES: routes,
      AEGIS_MAX_OPEN_PRS_PER_APP: '40',
      AEGIS_SILENCE_HOURS: '1.5',
      AEGIS_VERIFY_WORKFLOW: 'verify.yaml',
      AEGIS_CACHE_DIR: '/var/cache/aegis',
      AEGIS_ARGOCD_NAMESPACE: 'argocd',
      AEGIS_GIT_BASE_URL: 'https://ghe.example.com',
      GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
    });
    expect(config).toMatchObject({
      routes: {
        routes: [
          { repo: 'acme/gitops', path: 'clusters/prod', base: 'main', match: { namespaces: ['shop-*'] } },
        ],
        argocd: { follow: false },
      },
      verifyWorkflow: 'verify.yaml',
      cacheDir: '/var/cache/aegis',
      argocdNamespace: 'argocd',
      gitBaseUrl: 'https://ghe.example.com',
      githubApiUrl: 'https://ghe.example.com/api/v3',
      argocdToken: 'argocd-token-0123456789',
      logLevel: 'debug',
      host: '0.0.0.0',
      port: 8080,
      limits: { maxOpenPrs: 10, maxOpenPrsPerApp: 40, maxNewPrsPerHour: 2, silenceMs: 5_400_000 },
      queue: { concurrency: 8, maxDepth: 50 },
      routesPath: routes,
    });
  });

  it('lists one line per missing variable', () => {
    expect(problemsOf({})).toEqual([
      "APP_ID: required: the GitHub App's numeric id",
      "WEBHOOK_SECRET: required: the GitHub App's webhook secret",
      'AEGIS_ALERT_TOKEN: required: the bearer token Alertmanager sends to POST /api/alerts',
      "PRIVATE_KEY or PRIVATE_KEY_PATH: required: the GitHub App's private key (PEM)",
    ]);
  });

  it('treats empty variables as missing', () => {
    expect(problemsOf({ ...VALID, WEBHOOK_SECRET: '' })).toEqual([
      "WEBHOOK_SECRET: required: the GitHub App's webhook secret",
    ]);
  });

  it.each([
    [{ APP_ID: 'my-app' }, "APP_ID: expected the GitHub App's numeric id"],
    [{ AEGIS_ALERT_TOKEN: 'short' }, 'AEGIS_ALERT_TOKEN: expected at least 16 characters'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: expected one of trace, debug, info, warn, error, fatal, silent'],
    [{ PORT: 'eighty' }, 'PORT: expected a TCP port'],
    [{ PORT: '70000' }, 'PORT: expected a TCP port (at most 65535)'],
    [
      { AEGIS_MAX_OPEN_PRS: '0' },
      'AEGIS_MAX_OPEN_PRS: expected a whole number of pull requests (at least 1)',
    ],
    [{ AEGIS_QUEUE_CONCURRENCY: '1.5' }, 'AEGIS_QUEUE_CONCURRENCY: expected a whole number of incidents'],
    [
      { PRIVATE_KEY: 'not a key' },
      'PRIVATE_KEY: expected a PEM private key (-----BEGIN … PRIVATE KEY-----) or its base64',
    ],
    [
      { AEGIS_VERIFY_WORKFLOW: 'verify' },
      'AEGIS_VERIFY_WORKFLOW: expected a workflow file name such as aegis-verify.yml',
    ],
    [
      { AEGIS_ARGOCD_NAMESPACE: 'Argo CD' },
      "AEGIS_ARGOCD_NAMESPACE: expected Argo CD's namespace, e.g. argocd",
    ],
    [{ AEGIS_SILENCE_HOURS: '-1' }, 'AEGIS_SILENCE_HOURS: expected a number of hours (0 or more)'],
    [{ GITHUB_API_URL: 'ghe' }, 'GITHUB_API_URL: expected a URL such as https://ghe.example.com/api/v3'],
    [
      { AEGIS_ROUTES: '/nonexistent/routes.yml' },
      /^AEGIS_ROUTES: cannot read \/nonexistent\/routes\.yml: ENOENT/,
    ],
  ])('reports %j in one line', (override, expected) => {
    const problems = problemsOf({ ...VALID, ...override });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it('names the routes file and the key at fault when the routes are wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aegis-routes-'));
    const file = join(dir, 'routes.yml');
    writeFileSync(file, 'routes:\n  - repo: not-a-slug\n    mach: {}\n');
    const problems = problemsOf({ ...VALID, AEGIS_ROUTES: file });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`AEGIS_ROUTES: ${file}: `);
    expect(problems[0]).toMatch(/routes\.0\.repo: expected OWNER\/REPO/);
    expect(problems[0]).toMatch(/mach/);
  });

  it('accepts the key as base64, with escaped newlines, or from PRIVATE_KEY_PATH', () => {
    const pem = testPrivateKey();
    const base64 = Buffer.from(pem).toString('base64');
    expect(loadServerConfig({ ...VALID, PRIVATE_KEY: base64 }).privateKey).toBe(pem);
    expect(loadServerConfig({ ...VALID, PRIVATE_KEY: pem.replace(/\n/g, '\\n') }).privateKey).toBe(pem);
    const dir = mkdtempSync(join(tmpdir(), 'aegis-key-'));
    writeFileSync(join(dir, 'key.pem'), pem);
    const { PRIVATE_KEY: _unused, ...withoutKey } = VALID;
    expect(loadServerConfig({ ...withoutKey, PRIVATE_KEY_PATH: join(dir, 'key.pem') }).privateKey).toBe(pem);
    expect(problemsOf({ ...withoutKey, PRIVATE_KEY_PATH: join(dir, 'missing.pem') })[0]).toMatch(
      /^PRIVATE_KEY_PATH: cannot read .*missing\.pem: ENOENT/,
    );
  });

  it('puts every problem on its own line of the error message, never a secret', () => {
    const error = (() => {
      try {
        loadServerConfig({ WEBHOOK_SECRET: 'super-secret-value', AEGIS_ALERT_TOKEN: 'tiny' });
      } catch (e: unknown) {
        return e as Error;
      }
      throw new Error('expected an error');
    })();
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('invalid environment for aegis serve (3 problems):');
    expect(lines.slice(1).map((l) => l.trim().split(':')[0])).toEqual([
      'APP_ID',
      'AEGIS_ALERT_TOKEN',
      'PRIVATE_KEY or PRIVATE_KEY_PATH',
    ]);
    expect(error.message).not.toContain('super-secret-value');
    expect(error.message).not.toContain('tiny');
  });

  describe('local mode (aegis serve --repo)', () => {
    const local = (env: Record<string, string | undefined>) =>
      loadServerConfig(env, undefined, { githubAppOptional: true });

    it('accepts the absence of every GitHub App variable, but not of the alert token', () => {
      const config = local({ AEGIS_ALERT_TOKEN: VALID.AEGIS_ALERT_TOKEN });
      expect(config).toEqual({
        alertToken: VALID.AEGIS_ALERT_TOKEN,
        logLevel: 'info',
        host: 'localhost',
        port: 3000,
        limits: { maxOpenPrs: 5, maxOpenPrsPerApp: 20, maxNewPrsPerHour: 3, silenceMs: 86_400_000 },
        queue: { concurrency: 4, maxDepth: 100 },
        routes: { routes: [], argocd: { follow: true } },
        verifyWorkflow: 'aegis-verify.yml',
      });
      expect(() => local({})).toThrow(
        /AEGIS_ALERT_TOKEN: required: the bearer token Alertmanager sends to POST \/api\/alerts/,
      );
    });

    it('still validates a GitHub App that is half configured', () => {
      expect(() => local({ AEGIS_ALERT_TOKEN: VALID.AEGIS_ALERT_TOKEN, APP_ID: '12345' })).toThrow(
        ServerConfigError,
      );
      expect(local(VALID)).toMatchObject({ appId: 12345, webhookSecret: 'secret' });
    });
  });
});
