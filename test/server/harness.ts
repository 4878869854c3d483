// Starts the real AEGIS server (Probot's Server, the real app, real queue and metrics) on
// 127.0.0.1 with a free port, logs captured in memory, and GitHub unreachable.
import { generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import type { Logger } from 'pino';
import type { ServerConfig } from '../../src/config/server-config.js';
import { UnthrottledOctokit } from '../../src/github/app-octokit.js';
import type { IncidentHandler } from '../../src/server/incident-handler.js';
import { createLogger } from '../../src/server/logger.js';
import { type RunningServer, startServer } from '../../src/server/start.js';

export const ALERT_TOKEN = 'alert-token-0123456789-abcdef';
export const WEBHOOK_SECRET = 'webhook-secret-for-tests';

let cachedKey: string | undefined;
export function testPrivateKey(): string {
  cachedKey ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  return cachedKey;
}

export function testConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    appId: 12345,
    privateKey: testPrivateKey(),
    webhookSecret: WEBHOOK_SECRET,
    alertToken: ALERT_TOKEN,
    logLevel: 'debug',
    host: '127.0.0.1',
    port: 0,
    limits: { maxOpenPrs: 5, maxOpenPrsPerApp: 20, maxNewPrsPerHour: 3, silenceMs: 24 * 3_600_000 },
    queue: { concurrency: 4, maxDepth: 100 },
    routes: { routes: [], argocd: { follow: true } },
    verifyWorkflow: 'aegis-verify.yml',
    ...overrides,
  };
}

export interface CapturedLog {
  log: Logger;
  lines: string[];
  records(): Record<string, unknown>[];
}

export function captureLog(level: ServerConfig['logLevel'] = 'debug'): CapturedLog {
  const lines: string[] = [];
  const log = createLogger(level, { write: (line: string) => void lines.push(line) });
  return { log, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** Octokit as Probot's testing guide sets it up: no retries, no throttling. */
export const TestOctokit = UnthrottledOctokit;

export interface TestServer extends RunningServer {
  logs: CapturedLog;
  postAlert(
    body: string,
    init?: { token?: string | null; headers?: Record<string, string> },
  ): Promise<Response>;
}

export async function startTestServer(
  handleIncident: IncidentHandler,
  overrides: Partial<ServerConfig> = {},
): Promise<TestServer> {
  const logs = captureLog();
  const running = await startServer({
    config: testConfig(overrides),
    handleIncident,
    log: logs.log,
    Octokit: TestOctokit,
  });
  return {
    ...running,
    logs,
    postAlert: (body, init = {}) => {
      const token = init.token === undefined ? ALERT_TOKEN : init.token;
      return fetch(`${running.url}/api/alerts`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...init.headers,
        },
        body,
      });
    },
  };
}

/** No request may leave the machine; the server under test is on loopback. */
export function blockNetwork(): void {
  nock.disableNetConnect();
  nock.enableNetConnect((host: string) => host.startsWith('127.0.0.1'));
}

export function restoreNetwork(): void {
  nock.cleanAll();
  nock.enableNetConnect();
}

/** A promise plus its resolver, to hold a handler until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
