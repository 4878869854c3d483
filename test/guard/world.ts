// The rollout guard's world: a real bare GitOps repository whose main holds a merged AEGIS fix
// (a real merge commit), GitHub played by the stateful double with that PR merged, the real AEGIS
// server (Probot, routes, queue) with the guard wired in, and Argo CD notification bodies rendered
// from the shared Application fixtures through the shipped notifications template.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { createAppAuth } from '../../src/github/app-auth.js';
import { createCheckoutCache } from '../../src/github/checkout-cache.js';
import { createRolloutGuard } from '../../src/guard/rollout-guard.js';
import type { Scheduler, Task } from '../../src/guard/scheduler.js';
import { LABELS } from '../../src/propose/naming.js';
import { type PrMeta, renderPrMeta } from '../../src/propose/pr-meta.js';
import { logOnlyIncidentHandler } from '../../src/server/incident-handler.js';
import { createMetrics, type Metrics } from '../../src/server/metrics.js';
import { type RunningServer, startServer } from '../../src/server/start.js';
import { type DoublePull, type GitHubDouble, startGitHubDouble } from '../../src/testing/github-double.js';
import { sharedDir } from '../helpers/paths.js';
import { renderFieldTemplate } from '../manifests/go-template.js';
import { parseManifest } from '../manifests/render.js';
import { git } from '../propose/git-fixture.js';
import { type CapturedLog, captureLog, TestOctokit, testConfig, testPrivateKey } from '../server/harness.js';

export const OWNER = 'acme';
export const REPO = 'gitops';
export const REPO_URL = `https://github.com/${OWNER}/${REPO}.git`;
export const ARGOCD_TOKEN = 'argocd-token-0123456789-abcdef';
/** An installation token the double accepts, for tests that call GitHub as the app would. */
export const INSTALLATION_TOKEN = 'ghs_guardtesttoken0000000000000000000';
export const APPLICATION = 'invoice-renderer';
export const FIX_BRANCH = 'aegis/billing/invoice-renderer/oom-killed-1a2b3c4d';
export const START = new Date('2026-03-02T10:00:00Z');

export const META: PrMeta = {
  version: 1,
  fingerprint: '1a2b3c4d5e6f7a8b',
  alertname: 'KubePodOOMKilled',
  category: 'oom-killed',
  namespace: 'billing',
  workload: { kind: 'Deployment', name: 'invoice-renderer' },
  subject: 'invoice-renderer',
  branch: FIX_BRANCH,
  files: ['apps/invoice-renderer/deployment.yaml'],
  phase: 'verified',
};

const DEPLOYMENT = (memory: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: invoice-renderer
  namespace: billing
spec:
  template:
    spec:
      containers:
        - name: renderer
          image: ghcr.io/acme/renderer:1.4.2
          resources:
            limits:
              memory: ${memory}
`;

/** Runs tasks when the test says the time has come (the guard's clock is the test's too). */
export interface ManualScheduler extends Scheduler {
  runDue(now: Date): Promise<number>;
}

export function manualScheduler(): ManualScheduler {
  const tasks = new Map<string, { when: Date; task: Task }>();
  return {
    at: (key, when, task) => void tasks.set(key, { when, task }),
    pending: () => [...tasks.keys()],
    cancelAll: () => tasks.clear(),
    async runDue(now) {
      const due = [...tasks.entries()].filter(([, t]) => t.when.getTime() <= now.getTime());
      for (const [key] of due) tasks.delete(key);
      for (const [, t] of due) await t.task();
      return due.length;
    },
  };
}

export interface GuardWorld {
  work: string;
  origin: string;
  clone: string;
  /** main before the merge: the revision Argo CD ran before the fix. */
  knownGood: string;
  mergeSha: string;
  github: GitHubDouble;
  server: RunningServer;
  metrics: Metrics;
  logs: CapturedLog;
  scheduler: ManualScheduler;
  clock: { now: Date };
  pull(): DoublePull;
  post(body: string, token?: string | null): Promise<Response>;
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** `.github/aegis.yml` committed on main before the fix. */
  repoConfig?: string;
  /** Head branch of the merged PR (a revert branch for the never-revert-a-revert rail). */
  branch?: string;
  labels?: string[];
  meta?: Partial<PrMeta>;
  /** Squash-merge instead of a merge commit. */
  squash?: boolean;
}

export async function startGuardWorld(options: WorldOptions = {}): Promise<GuardWorld> {
  const work = mkdtempSync(path.join(tmpdir(), 'aegis-guard-'));
  const origin = path.join(work, 'remotes', OWNER, `${REPO}.git`);
  const clone = path.join(work, 'clone');
  mkdirSync(path.dirname(origin), { recursive: true });
  git(work, 'init', '-q', '--bare', '-b', 'main', origin);
  git(work, 'clone', '-q', origin, clone);
  git(clone, 'checkout', '-q', '-b', 'main');
  const file = path.join(clone, 'apps/invoice-renderer/deployment.yaml');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, DEPLOYMENT('512Mi'));
  if (options.repoConfig) {
    mkdirSync(path.join(clone, '.github'), { recursive: true });
    writeFileSync(path.join(clone, '.github/aegis.yml'), options.repoConfig);
  }
  git(clone, 'add', '-A');
  git(clone, 'commit', '-q', '-m', 'invoice-renderer at 512Mi');
  const knownGood = git(clone, 'rev-parse', 'HEAD');
  const branch = options.branch ?? FIX_BRANCH;
  git(clone, 'checkout', '-q', '-b', branch);
  writeFileSync(file, DEPLOYMENT('768Mi'));
  git(
    clone,
    '-c',
    'user.name=aegis[bot]',
    'commit',
    '-q',
    '-am',
    'fix(invoice-renderer): set renderer memory limit 768Mi',
  );
  git(clone, 'checkout', '-q', 'main');
  if (options.squash) {
    git(clone, 'merge', '-q', '--squash', branch);
    git(clone, 'commit', '-q', '-m', 'fix(invoice-renderer): set renderer memory limit 768Mi (#1)');
  } else git(clone, 'merge', '-q', '--no-ff', '-m', `Merge pull request #1 from ${OWNER}/${branch}`, branch);
  const mergeSha = git(clone, 'rev-parse', 'HEAD');
  git(clone, 'push', '-q', 'origin', 'main', branch);

  const github = await startGitHubDouble({
    privateKey: testPrivateKey(),
    installations: { [`${OWNER}/${REPO}`]: 42 },
    headSha: (_o, _r, head) => git(origin, 'rev-parse', `refs/heads/${head}`),
    tokens: [INSTALLATION_TOKEN],
    roles: { 'maya-maintainer': 'maintain', 'walt-writer': 'write' },
    merge: (_o, _r, pull) => mergeInOrigin(work, origin, pull.head, pull.number),
  });
  github.repo(OWNER, REPO).pulls.push({
    number: 1,
    title: 'fix(invoice-renderer): set renderer memory limit 768Mi [aegis]',
    body: `## Summary\n\nOOM kills of invoice-renderer.\n\n${renderPrMeta({ ...META, branch, ...options.meta })}`,
    head: branch,
    headSha: git(origin, 'rev-parse', `refs/heads/${branch}`),
    base: 'main',
    state: 'open',
    merged: false,
    labels: options.labels ?? [LABELS.aegis, 'aegis/oom-killed', LABELS.verifyPassed],
    createdAt: START.toISOString(),
    reviews: 1,
  });
  github.mergePull(OWNER, REPO, 1, mergeSha);

  const clock = { now: START };
  const scheduler = manualScheduler();
  const metrics = createMetrics();
  const logs = captureLog();
  const config = testConfig({
    githubApiUrl: github.url,
    gitBaseUrl: path.join(work, 'remotes'),
    argocdToken: ARGOCD_TOKEN,
  });
  const server = await startServer({
    config,
    metrics,
    log: logs.log,
    Octokit: TestOctokit,
    handleIncident: logOnlyIncidentHandler,
    rolloutGuardFor: (app) =>
      createRolloutGuard({
        auth: createAppAuth(app),
        checkouts: createCheckoutCache(path.join(work, 'cache')),
        metrics,
        scheduler,
        gitBaseUrl: path.join(work, 'remotes'),
        clock: () => clock.now,
      }),
  });
  return {
    work,
    origin,
    clone,
    knownGood,
    mergeSha,
    github,
    server,
    metrics,
    logs,
    scheduler,
    clock,
    pull: () => github.repo(OWNER, REPO).pulls.find((p) => p.number === 1) as DoublePull,
    post: (body, token = ARGOCD_TOKEN) =>
      fetch(`${server.url}/api/argocd`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        },
        body,
      }),
    idle: () => server.queue.idle(),
    async close() {
      await server.stop(5_000);
      await github.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** What GitHub's merge button does to the bare repository: a merge commit of head into main. */
function mergeInOrigin(work: string, origin: string, head: string, number: number): string {
  const tmp = mkdtempSync(path.join(work, 'merge-'));
  git(work, 'clone', '-q', origin, tmp);
  git(
    tmp,
    'merge',
    '-q',
    '--no-ff',
    '-m',
    `Merge pull request #${number} from ${OWNER}/${head}`,
    `origin/${head}`,
  );
  git(tmp, 'push', '-q', 'origin', 'HEAD:main');
  return git(tmp, 'rev-parse', 'HEAD');
}

type Json = Record<string, unknown>;

export function fixtureApplication(file: string): Json {
  return parse(readFileSync(path.join(sharedDir(), 'fixtures/argocd', file), 'utf8')) as Json;
}

export const HEALTHY_APP = 'argo-cd.application-healthy-synced-with-history.yaml';
export const DEGRADED_APP = 'is-healthy.application-degraded.yaml';

export interface AppChanges {
  /** The synced revision (status.operationState.syncResult.revision). */
  revision: string;
  /** status.history revisions, oldest first; default: the fixture's entries, the last one `revision`. */
  history?: string[];
  previous?: string;
  finishedAt?: Date;
  phase?: string;
}

/**
 * A fixture Application as it would look in the world: ours (name, GitHub repoURL), synced at
 * `revision`. Everything else (health, resources, history length, sync status) stays the fixture's.
 */
export function applicationAt(file: string, changes: AppChanges): Json {
  const app = structuredClone(fixtureApplication(file)) as {
    metadata: Json;
    spec: { source: Json };
    status: { history: Json[]; operationState: { syncResult: Json; operation: { sync: Json } } & Json };
  };
  app.metadata.name = APPLICATION;
  app.spec.source.repoURL = REPO_URL;
  const op = app.status.operationState;
  op.syncResult.revision = changes.revision;
  op.operation.sync.revision = changes.revision;
  if (changes.finishedAt) op.finishedAt = changes.finishedAt.toISOString();
  if (changes.phase) op.phase = changes.phase;
  const revisions =
    changes.history ??
    app.status.history.map((_, i, all) =>
      i === all.length - 1 ? changes.revision : (changes.previous ?? changes.revision),
    );
  app.status.history = revisions.map((revision, i) => ({ ...(app.status.history[i] ?? {}), revision }));
  return app;
}

const SNIPPET = parseManifest<{ data: Record<string, string> }>('argocd/notifications-snippet.yaml');

/** The body Argo CD posts for `trigger`, rendered by the shipped template from the Application. */
export function notification(trigger: 'deployed' | 'health-degraded' | 'sync-failed', app: Json): string {
  const template = parse(SNIPPET.data[`template.aegis-${trigger}`] ?? '') as {
    webhook: { aegis: { body: string } };
  };
  return renderFieldTemplate(template.webhook.aegis.body, { app });
}

export function minutesAfter(date: Date, minutes: number): Date {
  return new Date(date.getTime() + minutes * 60_000);
}
