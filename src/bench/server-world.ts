// The GitHub App server as deployed, for the server benchmarks: the real Probot server, queue and
// incident handler (evidence → route → installation token → cached checkout → diagnose → PR →
// aegis/verify check run), GitHub played by the HTTP double at zero latency, git pushing to a bare
// repository holding a generated GitOps repository, and a synthetic cluster in which the chosen
// workloads were OOMKilled. Wired like test/server/e2e-github.test.ts.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ServerConfig } from '../config/server-config.js';
import { createGit } from '../git/create-git.js';
import { createAppAuth } from '../github/app-auth.js';
import { UnthrottledOctokit } from '../github/app-octokit.js';
import { createCheckoutCache } from '../github/checkout-cache.js';
import { createPrAdmission } from '../github/pr-admission.js';
import { groupIncidents } from '../intake/incidents.js';
import { parseAlertJson } from '../intake/parse-alert.js';
import { createGitHubIncidentHandler } from '../server/github-handler.js';
import { type IncidentHandler, logOnlyIncidentHandler } from '../server/incident-handler.js';
import { createLogger } from '../server/logger.js';
import { createMetrics } from '../server/metrics.js';
import { type RunningServer, startServer } from '../server/start.js';
import { type DoublePull, startGitHubDouble } from '../testing/github-double.js';
import { type GeneratedTarget, generateGitopsRepo } from './generate-gitops-repo.js';
import { oomAlertPayload, syntheticCluster } from './synthetic-cluster.js';

const OWNER = 'acme';
const REPO = 'gitops';
const INSTALLATION_ID = 42;

export interface ServerWorldOptions {
  /** Workloads of the generated GitOps repository (and of the synthetic cluster). */
  workloads: number;
  /** OOMKilled workloads, spread over the repository (plain YAML and Kustomize overlays). */
  incidents: number;
  /** AEGIS_QUEUE_MAX_DEPTH; default enough for every incident waiting plus a rerun of each. */
  queueMaxDepth?: number;
  /** AEGIS_QUEUE_CONCURRENCY (default 4, as `aegis serve`). */
  queueConcurrency?: number;
}

export interface ServerWorld {
  /** The OOMKilled workloads, in the order the benchmarks fire them. */
  incidents: GeneratedTarget[];
  /** `POST /api/alerts` URL and the headers Alertmanager sends. */
  alertsUrl: string;
  alertHeaders: Record<string, string>;
  /** The Alertmanager payload of a workload's OOM alert. */
  alertFor(target: GeneratedTarget): string;
  post(body: string): Promise<Response>;
  /** The queue key of a payload's (single) incident. */
  incidentKey(body: string): string;
  /** Resolves when the next handler run of that incident ends, PR opened or not. */
  finished(fingerprint: string): Promise<void>;
  idle(): Promise<void>;
  /** PRs held by the GitHub double. */
  pulls(): DoublePull[];
  /** `aegis/…` branches of the bare repository. */
  branches(): Promise<string[]>;
  /** Error log lines (an incident that failed, a queue job that threw): empty when all went well. */
  failures: string[];
  close(): Promise<void>;
}

export async function startServerWorld(options: ServerWorldOptions): Promise<ServerWorld> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'aegis-server-bench-'));
  try {
    return await buildWorld(tmp, options);
  } catch (error: unknown) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

async function buildWorld(tmp: string, options: ServerWorldOptions): Promise<ServerWorld> {
  const source = path.join(tmp, 'source');
  const remotes = path.join(tmp, 'remotes');
  const bare = path.join(remotes, OWNER, `${REPO}.git`);
  const repo = await generateGitopsRepo(source, { workloads: options.workloads, seed: 42 });
  const git = createGit(source);
  await git.raw(['init', '--quiet', '--initial-branch=main']);
  await git.raw(['add', '-A']);
  await git.raw(['commit', '--quiet', '-m', 'GitOps repository']);
  await mkdir(path.dirname(bare), { recursive: true });
  // The remote plays GitHub's side of the push: its objects packed, as a network clone or GitHub
  // keeps them (a local clone would hardlink thousands of loose objects, which every receive's
  // connectivity check then opens one by one), and no `gc --auto` inside the push (GitHub's
  // housekeeping runs apart from it). Neither is AEGIS's latency.
  await git.raw(['clone', '--quiet', '--bare', '--no-local', source, bare]);
  await createGit(bare).raw(['config', 'receive.autogc', 'false']);

  const stride = Math.max(1, Math.floor(repo.targets.length / options.incidents));
  const incidents = Array.from({ length: options.incidents }, (_, i) => repo.targets[i * stride]).filter(
    (t): t is GeneratedTarget => t !== undefined,
  );
  const now = new Date();
  const cluster = syntheticCluster(repo.targets, { oomKilled: incidents, now });

  const privateKey = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  const github = await startGitHubDouble({
    privateKey,
    installations: { [`${OWNER}/${REPO}`]: INSTALLATION_ID },
    // A pushed branch is a loose ref: reading it keeps the double at ~zero latency, where
    // `git rev-parse` would block the shared event loop for milliseconds on every new PR.
    headSha: (_owner, _repo, branch) => {
      try {
        return readFileSync(path.join(bare, 'refs', 'heads', branch), 'utf8').trim();
      } catch {
        return '0'.repeat(40);
      }
    },
  });

  const alertToken = randomBytes(24).toString('hex');
  const failures: string[] = [];
  // Logged as `aegis serve` logs (JSON at info), then dropped; errors are kept for the report.
  // AEGIS_BENCH_TRACE=1 prints the server's debug log (each pipeline stage, timed) on stderr.
  const trace = process.env.AEGIS_BENCH_TRACE === '1';
  const log = createLogger(trace ? 'debug' : 'info', {
    write(line: string) {
      if (trace) process.stderr.write(line);
      if (line.includes('"level":50')) failures.push(errorLine(line));
    },
  });
  const config: ServerConfig = {
    appId: 1,
    privateKey,
    webhookSecret: randomBytes(16).toString('hex'),
    alertToken,
    logLevel: 'info',
    host: '127.0.0.1',
    port: 0,
    // Caps out of the way: the benchmarks open one PR per incident, many per hour.
    limits: { maxOpenPrs: 10_000, maxOpenPrsPerApp: 10_000, maxNewPrsPerHour: 10_000, silenceMs: 86_400_000 },
    queue: {
      concurrency: options.queueConcurrency ?? 4,
      maxDepth: options.queueMaxDepth ?? 2 * options.incidents + 1,
    },
    routes: {
      routes: [{ repo: `${OWNER}/${REPO}`, path: '.', base: 'main', match: {} }],
      argocd: { follow: false },
    },
    verifyWorkflow: 'aegis-verify.yml',
    githubApiUrl: github.url,
    gitBaseUrl: remotes,
    cacheDir: path.join(tmp, 'cache'),
  };

  const waiters = new Map<string, (() => void)[]>();
  const signalling =
    (inner: IncidentHandler): IncidentHandler =>
    async (draft, ctx) => {
      // A failure is logged by the alerts route ("incident failed") and lands in `failures`.
      try {
        await inner(draft, ctx);
      } finally {
        const resolvers = waiters.get(draft.fingerprint) ?? [];
        waiters.delete(draft.fingerprint);
        for (const resolve of resolvers) resolve();
      }
    };
  const metrics = createMetrics();
  let server: RunningServer;
  try {
    server = await startServer({
      config,
      metrics,
      log,
      // Probot's default throttling spaces GitHub writes by a second, as GitHub asks of real
      // clients; against the zero-latency double that would be all the benchmark measured.
      Octokit: UnthrottledOctokit,
      handleIncident: logOnlyIncidentHandler,
      incidentHandlerFor: (app) =>
        signalling(
          createGitHubIncidentHandler({
            auth: createAppAuth(app),
            reader: cluster.reader,
            routes: config.routes,
            checkouts: createCheckoutCache(config.cacheDir ?? path.join(tmp, 'cache')),
            admission: createPrAdmission(config.limits),
            gitBaseUrl: remotes,
            metrics,
          }),
        ),
    });
  } catch (error: unknown) {
    await github.close();
    throw error;
  }

  const alertsUrl = `${server.url}/api/alerts`;
  const alertHeaders = { 'content-type': 'application/json', authorization: `Bearer ${alertToken}` };
  return {
    incidents,
    alertsUrl,
    alertHeaders,
    alertFor: (target) => oomAlertPayload(target, cluster.podOf(target), now),
    post: (body) => fetch(alertsUrl, { method: 'POST', headers: alertHeaders, body }),
    incidentKey(body) {
      const parsed = parseAlertJson(body);
      const fingerprint = parsed.ok ? groupIncidents(parsed.payload)[0]?.fingerprint : undefined;
      if (!fingerprint) throw new Error('the benchmark alert does not parse into an incident');
      return fingerprint;
    },
    finished: (fingerprint) =>
      new Promise<void>((resolve) => {
        waiters.set(fingerprint, [...(waiters.get(fingerprint) ?? []), resolve]);
      }),
    idle: () => server.queue.idle(),
    pulls: () => github.repo(OWNER, REPO).pulls,
    async branches() {
      const refs = await createGit(bare).raw([
        'for-each-ref',
        '--format=%(refname:short)',
        'refs/heads/aegis',
      ]);
      return refs.split('\n').filter(Boolean);
    },
    failures,
    async close() {
      await server.stop(30_000);
      await github.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

function errorLine(line: string): string {
  try {
    const record = JSON.parse(line) as { msg?: string; err?: { message?: string } };
    return [record.msg, record.err?.message].filter(Boolean).join(': ');
  } catch {
    return line.slice(0, 200);
  }
}
