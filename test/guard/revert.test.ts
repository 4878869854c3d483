// The revert path end to end: Argo CD's degraded and sync-failed notifications for the merge SHA,
// rendered from the real Application fixtures, end as one `git revert` PR whose tree is the
// known-good revision again, a hold on the application, labels, the rollout comment and metrics;
// whatever Argo CD's retries do.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRolloutState } from '../../src/guard/rollout-state.js';
import { LABELS } from '../../src/propose/naming.js';
import { parsePrMeta } from '../../src/propose/pr-meta.js';
import { git } from '../propose/git-fixture.js';
import { blockNetwork, restoreNetwork } from '../server/harness.js';
import {
  APPLICATION,
  applicationAt,
  DEGRADED_APP,
  type GuardWorld,
  HEALTHY_APP,
  minutesAfter,
  notification,
  OWNER,
  REPO,
  START,
  startGuardWorld,
  type WorldOptions,
} from './world.js';

let w: GuardWorld | undefined;
beforeEach(() => blockNetwork());
afterEach(async () => {
  await w?.close();
  w = undefined;
  restoreNetwork();
});

async function world(options: WorldOptions = {}): Promise<GuardWorld> {
  w = await startGuardWorld(options);
  return w;
}

const degraded = (w: GuardWorld, finishedMinutesAgo = 3) =>
  notification(
    'health-degraded',
    applicationAt(DEGRADED_APP, {
      revision: w.mergeSha,
      previous: w.knownGood,
      finishedAt: minutesAfter(START, -finishedMinutesAgo),
    }),
  );

const revertBranchName = (w: GuardWorld) => `aegis/revert/1-${w.mergeSha.slice(0, 8)}`;
const rolloutComment = (w: GuardWorld) =>
  w.github.repo(OWNER, REPO).comments.find((c) => c.issue === 1 && c.body.includes('<!-- aegis:rollout -->'));

describe('a degraded rollout of an AEGIS fix', () => {
  it('opens one revert PR whose diff undoes the merge, holds the app, and labels and comments the fix', async () => {
    const w = await world();
    expect((await w.post(degraded(w))).status).toBe(202);
    await w.idle();

    const state = w.github.repo(OWNER, REPO);
    const revert = state.pulls.find((p) => p.number !== 1);
    expect(revert).toMatchObject({ head: revertBranchName(w), base: 'main', state: 'open' });
    expect(revert?.labels).toEqual([LABELS.aegis, LABELS.revert]);
    expect(revert?.title).toBe('revert(invoice-renderer): undo #1 after a failed rollout [aegis]');
    expect(revert?.body).toContain('on-health-degraded');
    expect(revert?.body).toContain(`\`${w.knownGood.slice(0, 12)}\``);
    expect(parsePrMeta(revert?.body)).toMatchObject({
      revertOf: 1,
      branch: revertBranchName(w),
      fingerprint: '1a2b3c4d5e6f7a8b',
    });

    // git: one bot commit on main that brings the tree back to the known-good revision.
    const tip = git(w.origin, 'rev-parse', `refs/heads/${revertBranchName(w)}`);
    expect(git(w.origin, 'rev-parse', `${tip}^`)).toBe(w.mergeSha);
    expect(git(w.origin, 'log', '-1', '--format=%an <%ae>|%cn', tip)).toBe(
      'aegis[bot] <aegis-bot@users.noreply.github.com>|aegis[bot]',
    );
    expect(git(w.origin, 'log', '-1', '--format=%B', tip)).toContain(`This reverts commit ${w.mergeSha}.`);
    expect(git(w.origin, 'diff', w.knownGood, tip)).toBe('');
    expect(git(w.origin, 'diff', w.mergeSha, tip)).toMatch(/^-\s+memory: 768Mi\n\+\s+memory: 512Mi$/m);

    // The fix is marked reverted; the application is held until a human clears it.
    expect(w.pull().labels).toContain(LABELS.reverted);
    const [hold] = state.issues;
    expect(hold?.labels).toEqual([LABELS.aegis, LABELS.hold]);
    expect(hold?.title).toBe(`Remediation held for ${APPLICATION} after a revert [aegis]`);
    expect(hold?.body).toContain('`/aegis unhold`');

    const comment = parseRolloutState(rolloutComment(w)?.body);
    expect(comment).toMatchObject({
      status: 'reverted',
      revertPr: revert?.number,
      application: APPLICATION,
      mergeSha: w.mergeSha,
    });
    expect(rolloutComment(w)?.body).toContain(`Opened revert #${revert?.number}`);
    expect((await w.metrics.reverts.get()).values[0]?.value).toBe(1);
  });

  it('reverts a squash merge too (a one-parent commit, reverted without -m)', async () => {
    const w = await world({ squash: true });
    await w.post(degraded(w));
    await w.idle();
    const tip = git(w.origin, 'rev-parse', `refs/heads/${revertBranchName(w)}`);
    expect(git(w.origin, 'diff', w.knownGood, tip)).toBe('');
  });

  it('turns Argo CD retries and every trigger of the same revision into one revert PR and one hold', async () => {
    const w = await world();
    const failed = notification(
      'sync-failed',
      applicationAt(HEALTHY_APP, {
        revision: w.mergeSha,
        previous: w.knownGood,
        phase: 'Failed',
        finishedAt: minutesAfter(START, -1),
      }),
    );
    const bodies = [...Array.from({ length: 6 }, () => degraded(w)), failed, failed];
    const responses = await Promise.all(bodies.map((body) => w.post(body)));
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([202]));
    await w.idle();
    await w.post(degraded(w));
    await w.idle();

    const state = w.github.repo(OWNER, REPO);
    expect(state.pulls.filter((p) => p.head.startsWith('aegis/revert/'))).toHaveLength(1);
    expect(state.issues).toHaveLength(1);
    expect(state.comments.filter((c) => c.issue === 1)).toHaveLength(1);
    expect((await w.metrics.reverts.get()).values[0]?.value).toBe(1);
    expect(git(w.origin, 'for-each-ref', '--format=%(refname)', 'refs/heads/aegis/revert')).toBe(
      `refs/heads/${revertBranchName(w)}`,
    );
  });

  it('merges the revert at once when .github/aegis.yml says so', async () => {
    const w = await world({ repoConfig: 'rollout:\n  autoMergeRevert: true\n' });
    await w.post(degraded(w));
    await w.idle();
    const revert = w.github.repo(OWNER, REPO).pulls.find((p) => p.number !== 1);
    expect(revert).toMatchObject({ state: 'closed', merged: true });
    // main now holds the known-good tree again (through a merge of the revert).
    expect(git(w.origin, 'diff', w.knownGood, 'refs/heads/main')).toBe('');
    expect(rolloutComment(w)?.body).toContain(`Merged revert #${revert?.number} (rollout.autoMergeRevert).`);
  });

  it('leaves the revert for a human by default', async () => {
    const w = await world();
    await w.post(degraded(w));
    await w.idle();
    expect(w.github.repo(OWNER, REPO).pulls.find((p) => p.number !== 1)).toMatchObject({
      state: 'open',
      merged: false,
    });
    expect(git(w.origin, 'rev-parse', 'refs/heads/main')).toBe(w.mergeSha);
    expect(w.github.requests.some((r) => r.endsWith('/merge'))).toBe(false);
  });
});
