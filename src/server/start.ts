// Wires the real server for `aegis serve`: logger, metrics, queue, Probot's Server with the AEGIS
// app loaded, listening on HOST:PORT.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import type { Logger } from 'pino';
import { Probot, type ProbotOctokit, Server } from 'probot';
import type { ChatOpsOptions } from '../chatops/chatops-deps.js';
import type { ServerConfig } from '../config/server-config.js';
import { AegisOctokit } from '../github/app-octokit.js';
import type { RolloutGuard } from '../guard/rollout-guard.js';
import { startProcessHelper } from '../process/process-helper.js';
import { createAegisApp } from './app.js';
import type { IncidentHandler } from './incident-handler.js';
import { createLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createIncidentQueue, type IncidentQueue, idleWithin } from './queue.js';

export interface StartOptions {
  config: ServerConfig;
  handleIncident: IncidentHandler;
  /** ChatOps: the revise step (LLM); the verify workflow defaults to config.verifyWorkflow. */
  chatops?: ChatOpsOptions;
  /** GitHub mode: the handler is built from the loaded Probot app (for installation tokens). */
  incidentHandlerFor?: (app: Probot) => IncidentHandler;
  /** GitHub mode: the rollout guard, built from the loaded Probot app; its timers stop with the server. */
  rolloutGuardFor?: (app: Probot) => RolloutGuard;
  /** Defaults to a JSON logger at config.logLevel on stdout. */
  log?: Logger;
  /** Tests pass an Octokit with retries and throttling off. */
  Octokit?: typeof ProbotOctokit;
  /** Export Node.js process metrics too (on for `aegis serve`). */
  processMetrics?: boolean;
  /** A registry built beforehand, shared with the incident handler; built here otherwise. */
  metrics?: Metrics;
}

export interface RunningServer {
  /** `http://host:port` as bound. */
  url: string;
  port: number;
  metrics: Metrics;
  queue: IncidentQueue;
  log: Logger;
  /** The rollout guard, when rolloutGuardFor was given. */
  guard?: RolloutGuard;
  /** Stops listening, then waits up to drainMs for queued incidents to finish. */
  stop(drainMs?: number): Promise<void>;
}

const DEFAULT_DRAIN_MS = 25_000;

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config } = options;
  // git and kubectl run from a small helper process: forking this one blocks its event loop.
  startProcessHelper();
  const log = options.log ?? createLogger(config.logLevel);
  const metrics = options.metrics ?? createMetrics({ processMetrics: options.processMetrics ?? false });
  const queue = createIncidentQueue({ ...config.queue, log: log.child({ component: 'queue' }) });
  // Probot's Server treats port 0 as "unset" (`port || 3000`): pick a free port ourselves.
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const server = new Server({
    host: config.host,
    port,
    log,
    enableStaticFiles: false,
    // Given to the Server, which passes it on to its Probot (it would override a Probot default).
    ...(config.githubApiUrl ? { request: { fetch: enterpriseFetch(config.githubApiUrl) } } : {}),
    Probot: Probot.defaults({
      ...probotCredentials(config),
      ...(config.githubApiUrl ? { baseUrl: config.githubApiUrl } : {}),
      log,
      Octokit: options.Octokit ?? AegisOctokit,
    }),
  });
  const { rolloutGuardFor } = options;
  let guard: RolloutGuard | undefined;
  const webhooks = config.appId !== undefined && config.privateKey !== undefined;
  if (!webhooks) log.info('no GitHub App configured (local mode): GitHub webhooks are disabled');
  await server.load(
    createAegisApp({
      config,
      metrics,
      handleIncident: options.handleIncident,
      ...(options.incidentHandlerFor ? { incidentHandlerFor: options.incidentHandlerFor } : {}),
      ...(rolloutGuardFor ? { rolloutGuardFor: (app: Probot) => (guard = rolloutGuardFor(app)) } : {}),
      queue,
      webhooks,
      chatops: { verifyWorkflow: config.verifyWorkflow, ...options.chatops },
    }),
  );
  const http = await server.start();
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    metrics,
    queue,
    log,
    ...(guard ? { guard } : {}),
    async stop(drainMs = DEFAULT_DRAIN_MS) {
      guard?.stop();
      await server.stop();
      const drained = await idleWithin(queue, drainMs);
      if (!drained) log.warn({ queueDepth: queue.depth, drainMs }, 'stopped with incidents still queued');
    },
  };
}

/**
 * The GitHub App's credentials, or in local mode none: Probot insists on an app id or a token, so
 * it gets a placeholder token that is never sent (no webhook handler is registered and nothing
 * calls GitHub) and a random webhook secret, so that no delivery ever verifies.
 */
function probotCredentials(config: ServerConfig) {
  if (config.appId !== undefined && config.privateKey !== undefined)
    return { appId: config.appId, privateKey: config.privateKey, secret: config.webhookSecret };
  return {
    githubToken: 'aegis-local-mode-no-github-app',
    secret: randomBytes(32).toString('hex'),
  };
}

const PUBLIC_API = 'https://api.github.com';

/**
 * Probot 14 builds the request of its app authentication without the baseUrl, so installation
 * tokens would be asked of api.github.com even on GitHub Enterprise (probot/metadata#24). Its
 * custom fetch reaches that request too: absolute public-API URLs are sent to GITHUB_API_URL.
 */
export function enterpriseFetch(apiUrl: string): typeof fetch {
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(PUBLIC_API)) return fetch(input, init);
    const moved = `${apiUrl}${url.slice(PUBLIC_API.length)}`;
    return fetch(typeof input === 'string' || input instanceof URL ? moved : new Request(moved, input), init);
  };
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0 }, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
