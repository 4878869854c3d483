// `aegis serve` in local mode, end to end: a real server (no GitHub App) with the propose handler,
// an origin bare repository and a clone, the scenario's alert POSTed over HTTP; the fix must land
// as exactly one branch + one PR of the local forge, and pass the shared scenario checker.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSnapshotReader } from '../../src/evidence/snapshot-reader.js';
import { createLocalForge } from '../../src/forge/local-forge.js';
import { LABELS } from '../../src/propose/naming.js';
import { createMetrics } from '../../src/server/metrics.js';
import { createProposeHandler } from '../../src/server/propose-handler.js';
import { type RunningServer, startServer } from '../../src/server/start.js';
import { PROJECT_ROOT, sharedDir } from '../helpers/paths.js';
import { scenarioDir } from '../helpers/scenario-evidence.js';
import { type GitopsFixture, git, gitopsFixture } from '../propose/git-fixture.js';
import {
  ALERT_TOKEN,
  blockNetwork,
  type CapturedLog,
  captureLog,
  restoreNetwork,
  testConfig,
} from './harness.js';

const OOM = 'oom-invoice-renderer';
const NODE = 'node-notready-payments';

interface LocalServer {
  fx: GitopsFixture;
  stateDir: string;
  server: RunningServer;
  logs: CapturedLog;
  post(body: string): Promise<Response>;
}

let running: LocalServer | undefined;

/** The server as `aegis serve --repo clone --snapshot …` builds it, without GitHub App variables. */
async function startLocal(scenario: string): Promise<LocalServer> {
  const fx = gitopsFixture(scenario);
  const stateDir = path.join(fx.work, 'state');
  const forge = createLocalForge({ stateDir, remoteUrl: fx.origin });
  const reader = await openSnapshotReader(path.join(scenarioDir(scenario), 'snapshot'));
  const metrics = createMetrics();
  const logs = captureLog();
  const { appId: _a, privateKey: _p, webhookSecret: _w, ...config } = testConfig();
  const server = await startServer({
    config,
    metrics,
    log: logs.log,
    handleIncident: createProposeHandler({
      reader,
      repoDir: fx.clone,
      baseBranch: 'main',
      forge,
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
  running = { fx, stateDir, server, logs, post };
  return running;
}

interface ItemFile {
  type: 'pull' | 'issue';
  number: number;
  branch?: string;
  labels: string[];
  state: string;
}

function stateFiles(stateDir: string) {
  const names = readdirSync(stateDir).filter((n) => /^\d+-/.test(n));
  const items = names
    .filter((n) => n.endsWith('.json'))
    .map((n) => JSON.parse(readFileSync(path.join(stateDir, n), 'utf8')) as ItemFile);
  return { names, items };
}

const alertOf = (scenario: string) => readFileSync(path.join(scenarioDir(scenario), 'alert.json'), 'utf8');

beforeEach(() => blockNetwork());
afterEach(async () => {
  restoreNetwork();
  if (running) {
    await running.server.stop(5_000);
    rmSync(running.fx.work, { recursive: true, force: true });
    running = undefined;
  }
});

describe('aegis serve, local mode', () => {
  it('turns the OOM alert into one PR whose branch passes the scenario check, once', async () => {
    const { fx, stateDir, server, logs, post } = await startLocal(OOM);
    const alert = alertOf(OOM);
    const mainBefore = git(fx.clone, 'rev-parse', 'HEAD');

    const first = await post(alert);
    expect(first.status).toBe(202);
    await server.queue.idle();

    const { names, items } = stateFiles(stateDir);
    expect(items).toHaveLength(1);
    const [pr] = items as [ItemFile];
    expect(pr).toMatchObject({ type: 'pull', number: 1, state: 'open' });
    expect(names.filter((n) => n.endsWith('.md'))).toHaveLength(1);
    const branch = pr.branch ?? '';
    expect(branch).toMatch(/^aegis\/billing\/invoice-renderer\/oom-killed-[0-9a-f]{8}$/);
    const tip = git(fx.origin, 'rev-parse', '--verify', `refs/heads/${branch}`);
    expect(git(fx.origin, 'rev-parse', `${tip}^`)).toBe(git(fx.origin, 'rev-parse', 'refs/heads/main'));

    // The checkout is untouched: same HEAD, clean tree, no branch checked out or created.
    expect(git(fx.clone, 'rev-parse', 'HEAD')).toBe(mainBefore);
    expect(git(fx.clone, 'status', '--porcelain')).toBe('');

    // The branch's tree against the shared scenario's expectations.
    const tree = mkdtempSync(path.join(fx.work, 'tree-'));
    const tar = path.join(fx.work, 'branch.tar');
    git(fx.origin, 'archive', '--format=tar', '-o', tar, branch);
    execFileSync('tar', ['-xf', tar, '-C', tree]);
    const category = pr.labels
      .find((l) => l.startsWith('aegis/') && !Object.values(LABELS).includes(l as never))
      ?.slice('aegis/'.length);
    expect(category).toBe('oom-killed');
    const resultFile = path.join(fx.work, 'result.json');
    writeFileSync(resultFile, JSON.stringify({ diagnosis: { category }, remediation: { action: 'patch' } }));
    const check = execFileSync(
      process.execPath,
      [path.join(sharedDir(), 'scenarios', 'check.mjs'), scenarioDir(OOM), tree, resultFile],
      { cwd: PROJECT_ROOT, encoding: 'utf8' },
    );
    expect(check.trim().split('\n').at(-1)).toBe(`PASS ${OOM}`);

    // An alert storm of the same incident: still one PR, one commit on the branch.
    const storm = await Promise.all(Array.from({ length: 20 }, () => post(alert)));
    expect(storm.map((r) => r.status)).toEqual(Array(20).fill(202));
    await server.queue.idle();

    expect(stateFiles(stateDir).items).toHaveLength(1);
    expect(git(fx.origin, 'rev-parse', `refs/heads/${branch}`)).toBe(tip);
    expect(git(fx.origin, 'rev-list', '--count', `main..${branch}`)).toBe('1');
    expect(await server.metrics.fixesProposed.get()).toMatchObject({ values: [{ value: 1 }] });
    const records = logs.records();
    expect(records.some((r) => r.msg === 'incident opened' && r.fingerprint && r.pr === 1)).toBe(true);
    expect(records.some((r) => r.msg === 'incident unchanged')).toBe(true);
    expect(records.some((r) => String(r.msg).includes('webhooks are disabled'))).toBe(true);
    expect(records.filter((r) => r.level === 50)).toEqual([]);
  });

  it('opens one issue and no PR for the NotReady node (no confident fix)', async () => {
    const { fx, stateDir, server, post } = await startLocal(NODE);

    expect((await post(alertOf(NODE))).status).toBe(202);
    await server.queue.idle();

    const { items } = stateFiles(stateDir);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'issue', state: 'open' });
    expect(items[0]?.labels).toContain(LABELS.noFix);
    expect(git(fx.origin, 'for-each-ref', '--format=%(refname)', 'refs/heads/aegis')).toBe('');
    expect(await server.metrics.fixesProposed.get()).toMatchObject({ values: [{ value: 0 }] });
  });

  it('still counts a failing incident as failed, logging it with its fingerprint', async () => {
    const { fx, server, logs, post } = await startLocal(OOM);
    // No base branch on origin: proposing must fail, and the server must log it.
    git(fx.origin, 'update-ref', '-d', 'refs/heads/main');

    expect((await post(alertOf(OOM))).status).toBe(202);
    await server.queue.idle();

    const failed = logs.records().filter((r) => r.msg === 'incident propose failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.fingerprint).toMatch(/^[0-9a-f]+$/);
    expect(logs.records().some((r) => r.msg === 'incident failed')).toBe(true);
    mkdirSync(path.join(fx.work, 'state'), { recursive: true });
    expect(stateFiles(path.join(fx.work, 'state')).items).toEqual([]);
  });
});
