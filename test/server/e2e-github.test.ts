// `aegis serve` as the GitHub App, end to end: the real Probot server and Octokit, GitHub played by
// an HTTP double holding PRs in memory, git against a real bare repository. An Alertmanager payload
// POSTed over HTTP must end as exactly one PR whose branch passes the shared scenario checker,
// whatever the duplicates, replicas, crashes, caps and resolutions around it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/config/server-config.js';
import { openSnapshotReader } from '../../src/evidence/snapshot-reader.js';
import { createAppAuth } from '../../src/github/app-auth.js';
import { createCheckoutCache } from '../../src/github/checkout-cache.js';
import { createPrAdmission } from '../../src/github/pr-admission.js';
import { VERIFY_CHECK_NAME } from '../../src/github/verify-check.js';
import { groupIncidents } from '../../src/intake/incidents.js';
import { parseAlertJson } from '../../src/intake/parse-alert.js';
import { LABELS } from '../../src/propose/naming.js';
import { parsePrMeta } from '../../src/propose/pr-meta.js';
import { createGitHubIncidentHandler } from '../../src/server/github-handler.js';
import { logOnlyIncidentHandler } from '../../src/server/incident-handler.js';
import { createMetrics } from '../../src/server/metrics.js';
import { type RunningServer, startServer } from '../../src/server/start.js';
import { type GitHubDouble, startGitHubDouble } from '../../src/testing/github-double.js';
import { PROJECT_ROOT, sharedDir } from '../helpers/paths.js';
import { scenarioDir } from '../helpers/scenario-evidence.js';
import { type GitopsFixture, git, gitopsFixture } from '../propose/git-fixture.js';
import {
  ALERT_TOKEN,
  blockNetwork,
  type CapturedLog,
  captureLog,
  restoreNetwork,
  TestOctokit,
  testConfig,
  testPrivateKey,
} from './harness.js';

const OOM = 'oom-invoice-renderer';
const OWNER = 'acme';
const REPO = 'gitops';

interface Replica {
  server: RunningServer;
  logs: CapturedLog;
  post(body: string): Promise<Response>;
}

interface World {
  fx: GitopsFixture;
  github: GitHubDouble;
  replicas: Replica[];
  alert: string;
  fingerprint: string;
  branch: string;
}

let world: World | undefined;

async function startWorld(
  options: { replicas?: number; limits?: Partial<ServerConfig['limits']>; repo?: string } = {},
): Promise<World> {
  const fx = gitopsFixture(OOM);
  const remotes = path.join(fx.work, 'remotes');
  mkdirSync(path.join(remotes, OWNER), { recursive: true });
  symlinkSync(fx.origin, path.join(remotes, OWNER, `${REPO}.git`));
  const github = await startGitHubDouble({
    privateKey: testPrivateKey(),
    installations: { [`${OWNER}/${REPO}`]: 42 },
    headSha: (_o, _r, branch) => git(fx.origin, 'rev-parse', `refs/heads/${branch}`),
  });
  const reader = await openSnapshotReader(path.join(scenarioDir(OOM), 'snapshot'));
  const base = testConfig();
  const config = testConfig({
    githubApiUrl: github.url,
    gitBaseUrl: remotes,
    limits: { ...base.limits, ...options.limits },
    routes: {
      routes: [{ repo: options.repo ?? `${OWNER}/${REPO}`, path: '.', base: 'main', match: {} }],
      argocd: { follow: false },
    },
  });
  const replicas: Replica[] = [];
  for (let i = 0; i < (options.replicas ?? 1); i += 1) {
    const logs = captureLog();
    const metrics = createMetrics();
    const server = await startServer({
      config,
      metrics,
      log: logs.log,
      Octokit: TestOctokit,
      handleIncident: logOnlyIncidentHandler,
      incidentHandlerFor: (app) =>
        createGitHubIncidentHandler({
          auth: createAppAuth(app),
          reader,
          routes: config.routes,
          checkouts: createCheckoutCache(path.join(fx.work, `cache-${i}`)),
          admission: createPrAdmission(config.limits),
          gitBaseUrl: remotes,
          metrics,
          render: false,
        }),
    });
    const post = (body: string) =>
      fetch(`${server.url}/api/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ALERT_TOKEN}` },
        body,
      });
    replicas.push({ server, logs, post });
  }
  const alert = readFileSync(path.join(scenarioDir(OOM), 'alert.json'), 'utf8');
  const parsed = parseAlertJson(alert);
  if (!parsed.ok) throw new Error(parsed.error);
  const fingerprint = groupIncidents(parsed.payload)[0]?.fingerprint ?? '';
  world = {
    fx,
    github,
    replicas,
    alert,
    fingerprint,
    branch: `aegis/billing/invoice-renderer/oom-killed-${fingerprint.slice(0, 8)}`,
  };
  return world;
}

const idle = (w: World) => Promise.all(w.replicas.map((r) => r.server.queue.idle()));
const errorsOf = (replica: Replica) => replica.logs.records().filter((r) => Number(r.level) >= 50);
const resolvedAlert = (alert: string) => {
  const payload = JSON.parse(alert) as { status: string; alerts: { status: string; endsAt?: string }[] };
  payload.status = 'resolved';
  for (const a of payload.alerts) Object.assign(a, { status: 'resolved', endsAt: '2026-11-22T08:00:00Z' });
  return JSON.stringify(payload);
};

/** The shared checker run on the branch's tree, as CI's scenario runner does. */
function checkBranch(w: World, branch: string): string {
  const tree = mkdtempSync(path.join(w.fx.work, 'tree-'));
  const tar = path.join(w.fx.work, 'branch.tar');
  git(w.fx.origin, 'archive', '--format=tar', '-o', tar, branch);
  execFileSync('tar', ['-xf', tar, '-C', tree]);
  const result = path.join(w.fx.work, 'result.json');
  writeFileSync(
    result,
    JSON.stringify({ diagnosis: { category: 'oom-killed' }, remediation: { action: 'patch' } }),
  );
  const out = execFileSync(
    process.execPath,
    [path.join(sharedDir(), 'scenarios', 'check.mjs'), scenarioDir(OOM), tree, result],
    { cwd: PROJECT_ROOT, encoding: 'utf8' },
  );
  return out.trim().split('\n').at(-1) ?? '';
}

beforeEach(() => blockNetwork());
afterEach(async () => {
  restoreNetwork();
  if (world) {
    await Promise.all(world.replicas.map((r) => r.server.stop(5_000)));
    await world.github.close();
    rmSync(world.fx.work, { recursive: true, force: true });
    world = undefined;
  }
});

describe('aegis serve as the GitHub App', () => {
  it('turns the alert into one labelled PR with a queued aegis/verify check, and 50 copies change nothing', async () => {
    const w = await startWorld();
    const [replica] = w.replicas as [Replica];
    expect((await replica.post(w.alert)).status).toBe(202);
    await idle(w);

    const state = w.github.repo(OWNER, REPO);
    expect(state.pulls).toHaveLength(1);
    const [pr] = state.pulls;
    expect(pr).toMatchObject({ number: 1, head: w.branch, base: 'main', state: 'open' });
    expect(pr?.title).toMatch(/^fix\(invoice-renderer\): .+ \[aegis\]$/);
    expect(pr?.labels).toEqual(
      expect.arrayContaining([LABELS.aegis, 'aegis/oom-killed', LABELS.verifyPending]),
    );
    expect(parsePrMeta(pr?.body)).toMatchObject({
      fingerprint: w.fingerprint,
      branch: w.branch,
      phase: 'proposed',
    });
    const tip = git(w.fx.origin, 'rev-parse', `refs/heads/${w.branch}`);
    expect(state.checkRuns).toEqual([
      expect.objectContaining({ name: VERIFY_CHECK_NAME, headSha: tip, status: 'queued', externalId: '1' }),
    ]);
    expect(checkBranch(w, w.branch)).toBe(`PASS ${OOM}`);
    // The installation token went to git only through the URL; never into the checkout's config.
    expect(readFileSync(path.join(w.fx.work, 'cache-0', OWNER, REPO, '.git', 'config'), 'utf8')).not.toMatch(
      /ghs_/,
    );

    const storm = await Promise.all(Array.from({ length: 50 }, () => replica.post(w.alert)));
    expect(new Set(storm.map((r) => r.status))).toEqual(new Set([202]));
    await idle(w);
    expect(state.pulls).toHaveLength(1);
    expect(git(w.fx.origin, 'rev-parse', `refs/heads/${w.branch}`)).toBe(tip);
    expect(git(w.fx.origin, 'rev-list', '--count', `main..${w.branch}`)).toBe('1');
    expect(state.checkRuns).toHaveLength(1);
    expect(await replica.server.metrics.fixesProposed.get()).toMatchObject({ values: [{ value: 1 }] });
    expect(errorsOf(replica)).toEqual([]);
  });

  it('gives one branch and one PR when two replicas handle the same alert at once', async () => {
    const w = await startWorld({ replicas: 2 });
    const answers = await Promise.all(w.replicas.map((r) => r.post(w.alert)));
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    await idle(w);

    const state = w.github.repo(OWNER, REPO);
    expect(state.pulls.map((p) => p.head)).toEqual([w.branch]);
    expect(git(w.fx.origin, 'rev-list', '--count', `main..${w.branch}`)).toBe('1');
    expect(git(w.fx.origin, 'for-each-ref', '--format=%(refname)', 'refs/heads/aegis')).toBe(
      `refs/heads/${w.branch}`,
    );
    for (const replica of w.replicas) expect(errorsOf(replica)).toEqual([]);
  });

  it('completes a PR whose creation failed after the push, on the next delivery', async () => {
    const w = await startWorld();
    const [replica] = w.replicas as [Replica];
    w.github.failNext(/^POST \/repos\/acme\/gitops\/pulls$/, 502, 1, 'Bad Gateway');
    await replica.post(w.alert);
    await idle(w);
    const state = w.github.repo(OWNER, REPO);
    expect(state.pulls).toEqual([]);
    const pushed = git(w.fx.origin, 'rev-parse', `refs/heads/${w.branch}`);
    expect(replica.logs.records().some((r) => r.msg === 'incident failed')).toBe(true);

    await replica.post(w.alert);
    await idle(w);
    expect(state.pulls.map((p) => p.head)).toEqual([w.branch]);
    expect(git(w.fx.origin, 'rev-parse', `refs/heads/${w.branch}`)).toBe(pushed);
    expect(state.checkRuns.map((c) => c.headSha)).toEqual([pushed]);
  });

  it('opens no PR over the per-repository cap, and pushes nothing', async () => {
    const w = await startWorld({ limits: { maxOpenPrs: 1 } });
    const [replica] = w.replicas as [Replica];
    const state = w.github.repo(OWNER, REPO);
    state.pulls.push({
      number: 7,
      title: 'fix(other): something [aegis]',
      body: '',
      head: 'aegis/shop/other/crash-loop-00000000',
      headSha: '0'.repeat(40),
      base: 'main',
      state: 'open',
      merged: false,
      labels: [LABELS.aegis],
      createdAt: '2026-11-01T00:00:00Z',
      reviews: 0,
    });
    await replica.post(w.alert);
    await idle(w);
    expect(state.pulls.map((p) => p.number)).toEqual([7]);
    const skipped = replica.logs.records().find((r) => r.msg === 'incident skipped');
    expect(skipped?.reason).toMatch(
      /1 AEGIS pull requests are open in acme\/gitops \(limit 1, AEGIS_MAX_OPEN_PRS\)/,
    );
    expect(git(w.fx.origin, 'for-each-ref', '--format=%(refname)', 'refs/heads/aegis')).toBe('');
  });

  it('stays silent for an incident whose fix PR was closed unmerged recently', async () => {
    const w = await startWorld();
    const [replica] = w.replicas as [Replica];
    const state = w.github.repo(OWNER, REPO);
    state.pulls.push({
      number: 3,
      title: 'fix(invoice-renderer): raise memory [aegis]',
      body: '',
      head: w.branch,
      headSha: '0'.repeat(40),
      base: 'main',
      state: 'closed',
      merged: false,
      labels: [LABELS.aegis],
      createdAt: new Date(Date.now() - 7_200_000).toISOString(),
      closedAt: new Date(Date.now() - 3_600_000).toISOString(),
      reviews: 0,
    });
    await replica.post(w.alert);
    await idle(w);
    expect(state.pulls.filter((p) => p.state === 'open')).toEqual([]);
    const skipped = replica.logs.records().find((r) => r.msg === 'incident skipped');
    expect(skipped?.reason).toMatch(/PR #3 for .+ was closed without merging .+ silenced until/);
  });

  it('closes its unverified PR with a comment when the alert resolves, but keeps a verified one', async () => {
    const w = await startWorld();
    const [replica] = w.replicas as [Replica];
    await replica.post(w.alert);
    await idle(w);
    const state = w.github.repo(OWNER, REPO);
    const pr = state.pulls[0];
    expect(pr?.state).toBe('open');

    pr?.labels.push(LABELS.verifyPassed);
    await replica.post(resolvedAlert(w.alert));
    await idle(w);
    expect(pr?.state).toBe('open');
    expect(state.comments.map((c) => c.body).join('\n')).toMatch(/stays open because it has been verified/);

    pr?.labels.splice(pr.labels.indexOf(LABELS.verifyPassed), 1);
    await replica.post(resolvedAlert(w.alert));
    await idle(w);
    expect(pr?.state).toBe('closed');
    // One resolution comment, edited in place.
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]?.body).toMatch(
      /resolved and this fix was neither verified nor reviewed, so AEGIS closed it/,
    );
  });

  it('proposes nothing for a workload the rollout guard holds, until the hold issue is closed', async () => {
    const w = await startWorld();
    const [replica] = w.replicas as [Replica];
    const state = w.github.repo(OWNER, REPO);
    state.issues.push({
      number: 9,
      title: 'Remediation held for billing/invoice-renderer after a revert [aegis]',
      body: 'held\n\n<!-- aegis:hold {"namespace":"billing","workload":"invoice-renderer"} -->',
      state: 'open',
      labels: [LABELS.aegis, LABELS.hold],
      createdAt: new Date().toISOString(),
    });
    await replica.post(w.alert);
    await idle(w);
    expect(state.pulls).toEqual([]);
    expect(replica.logs.records().find((r) => String(r.msg).startsWith('incident skipped'))).toMatchObject({
      hold: 9,
    });

    const [hold] = state.issues;
    if (hold) hold.state = 'closed';
    await replica.post(w.alert);
    await idle(w);
    expect(state.pulls).toHaveLength(1);
  });

  it('logs an actionable error when the app is not installed on the routed repository', async () => {
    const w = await startWorld({ repo: 'acme/elsewhere' });
    const [replica] = w.replicas as [Replica];
    await replica.post(w.alert);
    await idle(w);
    const failed = replica.logs.records().find((r) => r.msg === 'incident failed');
    expect(JSON.stringify(failed?.err)).toMatch(/the AEGIS GitHub App is not installed on acme\/elsewhere/);
    expect(w.github.repo(OWNER, REPO).pulls).toEqual([]);
  });
});
