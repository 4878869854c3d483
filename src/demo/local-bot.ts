// The bot of the demo, in this process and exactly as `aegis serve --repo CLONE --snapshot DIR`
// builds it: the real server (Probot's Server, alert route, queue, metrics) with the propose
// handler and the local forge, on a free loopback port, behind a bearer token made for this run.
import { randomBytes } from 'node:crypto';
import { loadServerConfig } from '../config/server-config.js';
import { describeError } from '../core/errors.js';
import { openSnapshotReader } from '../evidence/snapshot-reader.js';
import { createLocalForge, type LocalForge } from '../forge/local-forge.js';
import type { DiagnoseDeps } from '../pipeline/diagnose.js';
import { createLogger } from '../server/logger.js';
import { createMetrics } from '../server/metrics.js';
import { createProposeHandler } from '../server/propose-handler.js';
import { idleWithin } from '../server/queue.js';
import { type RunningServer, startServer } from '../server/start.js';

export interface LocalBotOptions {
  clone: string;
  origin: string;
  baseBranch: string;
  snapshotDir: string;
  stateDir: string;
  llm: Pick<DiagnoseDeps, 'llm' | 'runbook'>;
}

export interface LocalBot {
  server: RunningServer;
  forge: LocalForge;
  /** The server's log, one JSON line each (authorization headers redacted by the logger). */
  logLines: string[];
  /** POSTs an Alertmanager payload to /api/alerts with the bearer token; the HTTP status. */
  postAlert(payload: unknown): Promise<number>;
  stop(): Promise<void>;
}

export async function startLocalBot(options: LocalBotOptions): Promise<LocalBot> {
  // Only what the demo sets: a user's AEGIS_* variables must not change the demo's server.
  const token = randomBytes(24).toString('hex');
  const config = loadServerConfig(
    { AEGIS_ALERT_TOKEN: token, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' },
    undefined,
    { githubAppOptional: true },
  );
  const logLines: string[] = [];
  const log = createLogger(config.logLevel, { write: (line: string) => void logLines.push(line) });
  const forge = createLocalForge({ stateDir: options.stateDir, remoteUrl: options.origin });
  const metrics = createMetrics();
  const server = await startServer({
    config,
    metrics,
    log,
    handleIncident: createProposeHandler({
      reader: await openSnapshotReader(options.snapshotDir),
      repoDir: options.clone,
      baseBranch: options.baseBranch,
      forge,
      metrics,
      ...options.llm,
    }),
  });
  return {
    server,
    forge,
    logLines,
    postAlert: async (payload) => {
      const response = await fetch(`${server.url}/api/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(10_000),
      });
      await response.body?.cancel();
      return response.status;
    },
    stop: () => server.stop(5_000),
  };
}

/** Waits until the queue has handled every incident, or `timeoutMs`; false on timeout. */
export function waitForIdle(bot: LocalBot, timeoutMs: number): Promise<boolean> {
  return idleWithin(bot.server.queue, timeoutMs);
}

/** The reason the server logged for a failed incident (its `err` message), if any. */
export function incidentFailure(logLines: readonly string[]): string | undefined {
  for (const line of logLines) {
    try {
      const record = JSON.parse(line) as { msg?: string; err?: { message?: string }; stage?: string };
      if (/^incident \w+ failed$/.test(record.msg ?? ''))
        return `${record.msg}: ${record.err?.message ?? 'no reason logged'}`;
    } catch (error: unknown) {
      return `unreadable server log line (${describeError(error)})`;
    }
  }
  return undefined;
}
