// proposeIncident against real git: a bare origin, a clone holding a scenario's GitOps tree, and
// the local forge. Idempotency is the point: reruns adopt, update with a lease, or stop for humans.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Forge } from '../../src/forge/forge.js';
import { createLocalForge } from '../../src/forge/local-forge.js';
import { BOT_AUTHOR } from '../../src/git/create-git.js';
import { commitTree, locateRepo, treeWithEdits } from '../../src/propose/commit-edits.js';
import { commitMessage } from '../../src/propose/naming.js';
import { HUMAN_COMMIT_MARKER, proposeIncident } from '../../src/propose/propose-incident.js';
import { biggerFactor, diagnoseScenario, type GitopsFixture, git, gitopsFixture } from './git-fixture.js';

const OOM = 'oom-invoice-renderer';
const clock = () => new Date('2025-03-03T09:00:00Z');

let fx: GitopsFixture;
let forge: Forge;
let stateDir: string;

beforeEach(() => {
  fx = gitopsFixture(OOM);
  stateDir = path.join(fx.work, '.aegis');
  forge = createLocalForge({ stateDir, remoteUrl: fx.origin, clock });
});
afterEach(() => rmSync(fx.work, { recursive: true, force: true }));

const remoteSha = (branch: string) => git(fx.origin, 'rev-parse', `refs/heads/${branch}`);
const commitsOver = (branch: string) => Number(git(fx.origin, 'rev-list', '--count', `main..${branch}`));
/** proposeIncident's dependencies with the local forge over the fixture's origin. */
const forgeDeps = () => ({ forge, repoDir: fx.clone, baseBranch: 'main', clock });

describe('proposeIncident with a patch', () => {
  it('opens one branch, one commit and one PR; a second run changes nothing', async () => {
    // Arrange
    const result = await diagnoseScenario(OOM, fx.clone);
    const deps = forgeDeps();

    // Act
    const first = await proposeIncident(result, deps);
    const second = await proposeIncident(result, deps);

    // Assert
    expect(first.outcome).toBe('opened');
    expect(first.branch).toMatch(/^aegis\/billing\/invoice-renderer\/oom-killed-[0-9a-f]{8}$/);
    expect(first.pr).toMatchObject({ number: 1, branch: first.branch, base: 'main', state: 'open' });
    expect(first.pr?.labels).toEqual(['aegis', 'aegis/oom-killed', 'aegis/verify:pending']);
    expect(first.pr?.title).toMatch(/^fix\(invoice-renderer\): set renderer memory limit \S+.* \[aegis\]$/);
    expect(second).toMatchObject({ outcome: 'unchanged', commit: first.commit, pr: { number: 1 } });
    const branch = first.branch ?? '';
    expect(commitsOver(branch)).toBe(1);
    expect(remoteSha(branch)).toBe(first.commit);
    expect(git(fx.origin, 'log', '-1', '--format=%an <%ae>', branch)).toBe(
      `${BOT_AUTHOR.name} <${BOT_AUTHOR.email}>`,
    );
    expect(git(fx.origin, 'log', '-1', '--format=%s', branch)).toBe(first.title?.replace(' [aegis]', ''));
    expect(git(fx.origin, 'diff', '--name-only', 'main', branch)).toBe('apps/billing/invoice-renderer.yaml');
    expect(await forge.listItems()).toHaveLength(1);
    expect(readdirSync(stateDir).sort()).toEqual([
      `1-${branch.replace(/\//g, '-')}.json`,
      `1-${branch.replace(/\//g, '-')}.md`,
    ]);
    // The user's checkout is untouched.
    expect(git(fx.clone, 'status', '--porcelain')).toBe('');
    expect(git(fx.clone, 'symbolic-ref', '--short', 'HEAD')).toBe('main');
  });

  it('commits a tree built ahead only when it was built from the same base and edits', async () => {
    const result = await diagnoseScenario(OOM, fx.clone);
    const edits = result.proposal?.edits ?? [];
    const repo = await locateRepo(fx.clone);
    if (!repo || edits.length === 0) throw new Error('no repository or no edits');
    const base = git(fx.clone, 'rev-parse', 'HEAD');
    // A tree built from other edits (a plan that changed after the early build) must not be used.
    const other = edits.map((e) => ({ ...e, after: e.after.replace(/memory: \S+/, 'memory: 9Gi') }));
    expect(other[0]?.after).toContain('memory: 9Gi');
    const stale = { base, edits: other, tree: treeWithEdits(repo, base, other) };
    const deps = forgeDeps();
    const opened = await proposeIncident(result, { ...deps, prebuilt: stale });
    const branch = opened.branch ?? '';
    expect(git(fx.origin, 'diff', 'main', branch)).not.toContain('9Gi');
    // The matching early build is the commit's tree.
    const early = treeWithEdits(repo, base, edits);
    const built = await early;
    if (!('tree' in built)) throw new Error(built.mismatch);
    const again = await proposeIncident(result, { ...deps, prebuilt: { base, edits, tree: early } });
    expect(again.outcome).toBe('unchanged');
    expect(git(fx.origin, 'rev-parse', `${branch}^{tree}`)).toBe(built.tree);
  });

  /** The proposal's tree, built ahead, and a way to commit it ahead with a message. */
  async function madeAhead(result: Awaited<ReturnType<typeof diagnoseScenario>>) {
    const edits = result.proposal?.edits ?? [];
    const repo = await locateRepo(fx.clone);
    if (!repo || edits.length === 0) throw new Error('no repository or no edits');
    const base = git(fx.clone, 'rev-parse', 'HEAD');
    const tree = treeWithEdits(repo, base, edits);
    const built = await tree;
    if (!('tree' in built)) throw new Error(built.mismatch);
    const commit = async (message: string) => ({
      message,
      sha: Promise.resolve(
        await commitTree(repo, {
          tree: built.tree,
          parent: base,
          message,
          date: new Date('2025-03-03T08:59:00Z'),
        }),
      ),
    });
    return { base, edits, tree, commit };
  }

  it("pushes the commit made ahead when it carries the proposal's message", async () => {
    const result = await diagnoseScenario(OOM, fx.clone);
    const { commit, ...prebuilt } = await madeAhead(result);
    const made = await commit(commitMessage(result));
    const opened = await proposeIncident(result, {
      ...forgeDeps(),
      prebuilt: { ...prebuilt, commit: made },
    });
    expect(opened).toMatchObject({ outcome: 'opened', commit: await made.sha, pushed: true });
    expect(remoteSha(opened.branch ?? '')).toBe(await made.sha);
  });

  it('commits itself when the commit made ahead has another message (the plan changed)', async () => {
    const result = await diagnoseScenario(OOM, fx.clone);
    const { commit, ...prebuilt } = await madeAhead(result);
    const stale = await commit('fix(other): something else');
    const opened = await proposeIncident(result, {
      ...forgeDeps(),
      prebuilt: { ...prebuilt, commit: stale },
    });
    expect(opened.outcome).toBe('opened');
    expect(opened.commit).not.toBe(await stale.sha);
    expect(git(fx.origin, 'log', '-1', '--format=%B', opened.branch ?? '')).toBe(
      commitMessage(result).trim(),
    );
  });

  it('commits itself when the commit made ahead failed', async () => {
    const result = await diagnoseScenario(OOM, fx.clone);
    const edits = result.proposal?.edits ?? [];
    const repo = await locateRepo(fx.clone);
    if (!repo) throw new Error('no repository');
    const base = git(fx.clone, 'rev-parse', 'HEAD');
    const failed = Promise.reject(new Error('git commit-tree: fatal: disk full'));
    failed.catch(() => {}); // as the server does: proposeIncident awaits it later
    const opened = await proposeIncident(result, {
      ...forgeDeps(),
      prebuilt: {
        base,
        edits,
        tree: treeWithEdits(repo, base, edits),
        commit: { message: commitMessage(result), sha: failed },
      },
    });
    expect(opened.outcome).toBe('opened');
    expect(remoteSha(opened.branch ?? '')).toBe(opened.commit);
  });

  it('rewrites the one commit with force-with-lease when the fix changes', async () => {
    const deps = forgeDeps();
    const first = await proposeIncident(await diagnoseScenario(OOM, fx.clone), deps);
    await forge.addLabels(first.pr?.number ?? 0, ['aegis/verify:passed']);

    const second = await proposeIncident(await diagnoseScenario(OOM, fx.clone, biggerFactor()), deps);

    expect(second.outcome).toBe('updated');
    expect(second.branch).toBe(first.branch);
    expect(second.commit).not.toBe(first.commit);
    expect(remoteSha(second.branch ?? '')).toBe(second.commit);
    expect(commitsOver(second.branch ?? '')).toBe(1);
    expect(second.pr?.number).toBe(first.pr?.number);
    // A new commit is unverified again.
    expect(second.pr?.labels).toContain('aegis/verify:pending');
    expect(second.pr?.labels).not.toContain('aegis/verify:passed');
    expect(await forge.listItems()).toHaveLength(1);
  });

  it('updates only the body when the evidence changes but the fix does not', async () => {
    const deps = forgeDeps();
    const result = await diagnoseScenario(OOM, fx.clone);
    const first = await proposeIncident(result, deps);
    const moreEvidence = {
      ...result,
      diagnosis: {
        ...result.diagnosis,
        evidenceRefs: [...result.diagnosis.evidenceRefs, 'pod x: OOMKilled again'],
      },
    };

    const second = await proposeIncident(moreEvidence, deps);

    expect(second.outcome).toBe('updated');
    expect(second.commit).toBe(first.commit);
    expect(second.pr?.body).toContain('pod x: OOMKilled again');
  });

  it("uses what the forge said early of the incident's branch, and ignores it for another branch", async () => {
    const deps = forgeDeps();
    const result = await diagnoseScenario(OOM, fx.clone);
    const refused = (branch: string) => ({
      branch,
      existing: Promise.resolve(undefined),
      pr: Promise.resolve(undefined),
      refusal: Promise.resolve('early admission says no'),
    });
    const elsewhere = await proposeIncident(result, {
      ...deps,
      admitNewPr: async () => undefined,
      prefetched: refused('aegis/another/branch'),
    });
    expect(elsewhere.outcome).toBe('opened');
    const branch = elsewhere.branch ?? '';
    // For the incident's own branch the early answers stand in for asking again: the (stale) early
    // "no PR, refused" wins over the forge's open PR.
    const own = await proposeIncident(result, {
      ...deps,
      admitNewPr: async () => undefined,
      prefetched: refused(branch),
    });
    expect(own).toMatchObject({ outcome: 'skipped', reason: 'early admission says no' });
  });

  it('leaves a PR on hold alone', async () => {
    const deps = forgeDeps();
    const first = await proposeIncident(await diagnoseScenario(OOM, fx.clone), deps);
    await forge.addLabels(first.pr?.number ?? 0, ['aegis/hold']);

    const second = await proposeIncident(await diagnoseScenario(OOM, fx.clone, biggerFactor()), deps);

    expect(second).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/on hold/) });
    expect(remoteSha(first.branch ?? '')).toBe(first.commit);
  });

  it('refuses a push whose lease no longer holds', async () => {
    const first = await proposeIncident(await diagnoseScenario(OOM, fx.clone), {
      forge,
      repoDir: fx.clone,
      baseBranch: 'main',
    });
    const branch = first.branch ?? '';
    const main = remoteSha('main');

    await expect(forge.pushBranch({ repoDir: fx.clone, branch, sha: main, expected: main })).rejects.toThrow(
      /stale info|rejected/,
    );
    expect(remoteSha(branch)).toBe(first.commit);
  });

  it('stops updating after a human commit and says so in one comment', async () => {
    const deps = forgeDeps();
    const first = await proposeIncident(await diagnoseScenario(OOM, fx.clone), deps);
    const branch = first.branch ?? '';
    const other = path.join(fx.work, 'human');
    git(fx.work, 'clone', '-q', '-b', branch, fx.origin, other);
    git(other, 'commit', '-q', '--allow-empty', '-m', 'tweak by hand');
    git(other, 'push', '-q', 'origin', branch);
    const human = remoteSha(branch);

    const second = await proposeIncident(await diagnoseScenario(OOM, fx.clone, biggerFactor()), deps);
    const third = await proposeIncident(await diagnoseScenario(OOM, fx.clone, biggerFactor()), deps);

    expect(second.outcome).toBe('skipped');
    expect(second.reason).toMatch(/Dana Human committed [0-9a-f]{7} to aegis\//);
    expect(third.outcome).toBe('skipped');
    expect(remoteSha(branch)).toBe(human);
    const item = (await forge.listItems())[0];
    expect(item?.body).toBe(first.pr?.body);
    const comments = JSON.parse(
      readFileSync(path.join(stateDir, `1-${branch.replace(/\//g, '-')}.json`), 'utf8'),
    ).comments as { body: string }[];
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain(`<!-- ${HUMAN_COMMIT_MARKER} -->`);
  });

  it('commits on the local branch only when there is no forge, leaving the checkout alone', async () => {
    const result = await diagnoseScenario(OOM, fx.clone);
    const deps = { repoDir: fx.clone, baseBranch: 'main', clock };

    const first = await proposeIncident(result, deps);
    const second = await proposeIncident(result, deps);

    expect(first.outcome).toBe('opened');
    expect(second.outcome).toBe('unchanged');
    expect(git(fx.clone, 'rev-parse', `refs/heads/${first.branch}`)).toBe(first.commit);
    expect(git(fx.clone, 'status', '--porcelain')).toBe('');
    expect(git(fx.clone, 'symbolic-ref', '--short', 'HEAD')).toBe('main');
    expect(() => git(fx.origin, 'rev-parse', '--verify', `refs/heads/${first.branch}`)).toThrow();
  });

  it('works when the GitOps tree is a subfolder of the repository', async () => {
    const sub = gitopsFixture(OOM, { parent: path.join(fx.work, 'nested'), subdir: 'clusters/prod' });
    const result = await diagnoseScenario(OOM, sub.repoDir);

    const outcome = await proposeIncident(result, { repoDir: sub.repoDir, baseBranch: 'main' });

    expect(outcome.outcome).toBe('opened');
    expect(git(sub.clone, 'diff', '--name-only', 'main', outcome.branch ?? '')).toBe(
      'clusters/prod/apps/billing/invoice-renderer.yaml',
    );
  });
});

describe('proposeIncident without a confident fix', () => {
  it('creates one issue and updates it instead of opening another', async () => {
    const node = gitopsFixture('node-notready-payments', { parent: path.join(fx.work, 'node') });
    const result = await diagnoseScenario('node-notready-payments', node.clone);
    expect(result.remediation.action).toBe('none');
    const deps = { forge, repoDir: node.clone, baseBranch: 'main' };

    const first = await proposeIncident(result, deps);
    const second = await proposeIncident(result, deps);
    const third = await proposeIncident(
      {
        ...result,
        diagnosis: { ...result.diagnosis, hypotheses: [...result.diagnosis.hypotheses, 'a new idea'] },
      },
      deps,
    );

    expect(first).toMatchObject({ outcome: 'issue', issue: { number: 1, change: 'created' } });
    expect(second).toMatchObject({ outcome: 'issue', issue: { number: 1, change: 'unchanged' } });
    expect(third).toMatchObject({ outcome: 'issue', issue: { number: 1, change: 'updated' } });
    expect(first.issue?.labels).toEqual(['aegis', 'aegis/node-failure', 'aegis/no-fix']);
    expect(third.issue?.body).toContain('a new idea');
    expect(await forge.listItems()).toHaveLength(1);
    expect(git(node.origin, 'branch', '--list', 'aegis/*')).toBe('');
  });
});
