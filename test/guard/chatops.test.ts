// ChatOps around the guard, through the real comment handler and the GitHub double: `/aegis
// revert` on a merged fix (maintainers only) opens the same revert PR and hold as a failed
// rollout; `/aegis unhold` on the hold issue clears it; the incident path then sees no hold.
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleIssueComment } from '../../src/chatops/on-issue-comment.js';
import { findHold, listHolds } from '../../src/guard/hold-record.js';
import { LABELS } from '../../src/propose/naming.js';
import { webhookFixture } from '../chatops/harness.js';
import { git } from '../propose/git-fixture.js';
import { blockNetwork, restoreNetwork } from '../server/harness.js';
import { APPLICATION, type GuardWorld, INSTALLATION_TOKEN, OWNER, REPO, startGuardWorld } from './world.js';

let w: GuardWorld;
let octokit: Octokit;
beforeEach(async () => {
  blockNetwork();
  w = await startGuardWorld();
  octokit = new Octokit({ auth: INSTALLATION_TOKEN, baseUrl: w.github.url });
});
afterEach(async () => {
  await w.close();
  restoreNetwork();
});

const COMMENT = webhookFixture('atlantis.issue_comment.created.on-pull-request.json');
const ISSUE_COMMENT = webhookFixture('octokit.issue_comment.created.on-issue.json');

function comment(body: string, login: string, issue: Record<string, unknown>) {
  const base = COMMENT as { comment: Record<string, unknown>; sender: Record<string, unknown> };
  const user = { ...base.sender, login, type: 'User' };
  return handleIssueComment(
    {
      github: octokit,
      log: w.logs.log,
      repo: { owner: OWNER, repo: REPO },
      payload: {
        issue: issue as never,
        comment: { ...base.comment, id: 99, body, user } as never,
        sender: user as never,
      },
    },
    {
      metrics: w.metrics,
      verifyWorkflow: 'aegis-verify.yml',
      ...(w.server.guard ? { guard: w.server.guard } : {}),
    },
  );
}

const onMergedPr = (body: string, login: string) =>
  comment(body, login, { ...(COMMENT.issue as object), number: 1, state: 'closed', pull_request: {} });

const commentsOn = (n: number) =>
  w.github
    .repo(OWNER, REPO)
    .comments.filter((c) => c.issue === n)
    .map((c) => c.body);

describe('/aegis revert', () => {
  it('a maintainer gets the revert PR and the hold, on the merged (closed) PR', async () => {
    await onMergedPr('/aegis revert', 'maya-maintainer');
    const state = w.github.repo(OWNER, REPO);
    const revert = state.pulls.find((p) => p.number !== 1);
    expect(revert).toMatchObject({
      head: `aegis/revert/1-${w.mergeSha.slice(0, 8)}`,
      labels: [LABELS.aegis, LABELS.revert],
    });
    expect(revert?.body).toContain('@maya-maintainer asked for it with `/aegis revert`.');
    expect(git(w.origin, 'diff', w.knownGood, `refs/heads/${revert?.head}`)).toBe('');
    expect(commentsOn(1)).toContain(
      `Opened revert #${revert?.number}; remediation of this application is on hold until \`/aegis unhold\`.`,
    );
    expect(state.issues[0]?.labels).toEqual([LABELS.aegis, LABELS.hold]);
    // The hold names the workload: no Argo CD event told AEGIS the Application.
    expect(
      findHold(await listHolds(octokit, { owner: OWNER, repo: REPO }), {
        namespace: 'billing',
        workload: 'invoice-renderer',
      }),
    ).toBeDefined();

    await onMergedPr('/aegis revert', 'maya-maintainer');
    expect(state.pulls).toHaveLength(2);
    expect(commentsOn(1).at(-1)).toBe(`Already reverted by #${revert?.number}.`);
  });

  it('is refused to a collaborator with write access only', async () => {
    await onMergedPr('/aegis revert', 'walt-writer');
    expect(w.github.repo(OWNER, REPO).pulls).toHaveLength(1);
    expect(commentsOn(1)).toEqual([
      '@walt-writer `/aegis revert` needs the maintain or admin role on this repository.',
    ]);
  });
});

describe('/aegis unhold on the hold issue', () => {
  it('closes the hold so that the application may be remediated again', async () => {
    await onMergedPr('/aegis revert', 'maya-maintainer');
    const hold = w.github.repo(OWNER, REPO).issues[0];
    expect(hold).toBeDefined();
    await comment('/aegis unhold', 'walt-writer', {
      ...(ISSUE_COMMENT.issue as object),
      number: hold?.number,
      state: 'open',
      body: hold?.body,
      labels: hold?.labels.map((name) => ({ name })),
    });
    expect(hold).toMatchObject({ state: 'closed' });
    expect(hold?.labels).not.toContain(LABELS.hold);
    expect(commentsOn(hold?.number ?? 0)).toContain(
      'Hold cleared by @walt-writer: AEGIS may propose fixes for this application again.',
    );
    expect(
      findHold(await listHolds(octokit, { owner: OWNER, repo: REPO }), {
        application: APPLICATION,
        namespace: 'billing',
        workload: 'invoice-renderer',
      }),
    ).toBeUndefined();
  });
});
