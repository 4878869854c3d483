// `/aegis` commands end to end: Probot receives the real issue_comment payload (Atlantis's PR
// comment, octokit's issue comment) and the app talks to GitHub, answered by nock; every request
// the app makes is mocked and every mock is used.
import type nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { ReviseFn, ReviseRequest } from '../../src/chatops/revise-fn.js';
import { renderIssueBody } from '../../src/propose/issue-body.js';
import { COMMANDS, renderPrBody } from '../../src/propose/pr-body.js';
import { sampleResult } from '../propose/sample-result.js';
import {
  AEGIS_BRANCH,
  capture,
  expectGitHubDone,
  github,
  guardGitHub,
  HEAD_SHA,
  type Json,
  loadApp,
  pullData,
  REPO,
  webhookFixture,
  withInstallation,
} from './harness.js';

const PR_COMMENT = webhookFixture('atlantis.issue_comment.created.on-pull-request.json');
const ISSUE_COMMENT = webhookFixture('octokit.issue_comment.created.on-issue.json');
const COMMENT_ID = (PR_COMMENT.comment as Json).id as number;
const SENDER = PR_COMMENT.sender as Json & { login: string };
const ISSUE_REPO = '/repos/Codertocat/Hello-World';
const ISSUE_COMMENT_ID = (ISSUE_COMMENT.comment as Json).id as number;
const ISSUE_SENDER = (ISSUE_COMMENT.sender as Json & { login: string }).login;
/** The author of what the app writes. */
const APP_BOT = { login: 'aegis-test[bot]', type: 'Bot' };

const LLM = {
  model: 'qwen2.5-coder:7b',
  promptVersion: 'system@1a2b3c4d5e6f+diagnose@0f9e8d7c6b5a',
  latencyMs: 4200,
  promptTokens: 2100,
  completionTokens: 300,
  attempts: 1,
  estimatedPromptTokens: 2000,
  droppedLines: 0,
};
const PR_BODY = renderPrBody(
  sampleResult({ llm: LLM, diagnosis: { ...sampleResult().diagnosis, source: 'rules+llm' } }),
  { branch: AEGIS_BRANCH },
);

/** The Atlantis PR comment, installed, with the body (and sender fields) a case needs. */
function prComment(body: string, sender: Json = {}): Json {
  return withInstallation({
    ...PR_COMMENT,
    comment: { ...(PR_COMMENT.comment as Json), body },
    sender: { ...SENDER, ...sender },
  });
}

/** The octokit issue comment, labelled as an AEGIS incident issue. */
function issueComment(body: string): Json {
  const issue = ISSUE_COMMENT.issue as Json;
  return withInstallation({
    ...ISSUE_COMMENT,
    issue: {
      ...issue,
      body: renderIssueBody(sampleResult({ remediation: { ...sampleResult().remediation, action: 'none' } })),
      labels: [...(issue.labels as Json[]), { id: 7, name: 'aegis', color: 'ededed', default: false }],
    },
    comment: { ...(ISSUE_COMMENT.comment as Json), body },
  });
}

/** GET the PR, GET the sender's permission, 👀 on the comment. */
function accepted(pull: Json = pullData({ body: PR_BODY }), permission = 'write'): nock.Scope {
  return github()
    .get(`${REPO}/pulls/1`)
    .reply(200, pull)
    .get(`${REPO}/collaborators/${SENDER.login}/permission`)
    .reply(200, { permission, role_name: permission, user: SENDER })
    .post(`${REPO}/issues/comments/${COMMENT_ID}/reactions`, { content: 'eyes' })
    .reply(201, { id: 1, content: 'eyes' });
}

function rocket(scope: nock.Scope, path = `${REPO}/issues/comments/${COMMENT_ID}/reactions`): nock.Scope {
  return scope.post(path, { content: 'rocket' }).reply(201, { id: 2, content: 'rocket' });
}

function commentOn(scope: nock.Scope, into: Json[], path = `${REPO}/issues/1/comments`): nock.Scope {
  return scope.post(path, capture(into)).reply(201, { id: 900 });
}

/** check run, workflow dispatch and the verify labels for a PR labelled aegis + verify:failed. */
function verification(scope: nock.Scope, into: { check: Json[]; dispatch: Json[]; labels: Json[] }) {
  return scope
    .post(`${REPO}/check-runs`, capture(into.check))
    .reply(201, { id: 77 })
    .post(`${REPO}/actions/workflows/aegis-verify.yml/dispatches`, capture(into.dispatch))
    .reply(204)
    .post(`${REPO}/issues/1/labels`, capture(into.labels))
    .reply(200, [])
    .delete(`${REPO}/issues/1/labels/${encodeURIComponent('aegis/verify:failed')}`)
    .reply(200, []);
}

guardGitHub();

describe('ChatOps on an AEGIS pull request', () => {
  it('help: bare /AEGIS lists every command, with 👀 then 🚀', async () => {
    const app = await loadApp();
    const comments: Json[] = [];
    rocket(commentOn(accepted(), comments));

    await app.receive('issue_comment', prComment('/AEGIS\nthe rest is ignored'));

    expect(comments).toHaveLength(1);
    for (const [command] of COMMANDS) expect(comments[0]?.body).toContain(command);
    expect(app.logs.records().find((r) => r.msg === 'command finished')).toMatchObject({
      verb: 'help',
      status: 'done',
    });
  });

  it('explain: one collapsible comment with the diagnosis, meta and model; a second explain edits it', async () => {
    const app = await loadApp();
    const created: Json[] = [];
    rocket(commentOn(accepted().get(`${REPO}/issues/1/comments`).query(true).reply(200, []), created));
    await app.receive('issue_comment', prComment('/aegis explain'));
    expectGitHubDone();

    expect(created).toHaveLength(1);
    const body = String(created[0]?.body);
    expect(body.split('\n')[0]).toBe('<!-- aegis:explain -->');
    expect(body).toContain(
      '<details><summary>AEGIS diagnosis: oom-killed (KubeContainerOOMKilled)</summary>',
    );
    expect(body).toContain('## Diagnosis');
    expect(body).toContain('The working set outgrew the 512Mi limit');
    expect(body).toContain('| Fingerprint | `1a2b3c4d5e6f7a8b` |');
    expect(body).toContain('| Files | `apps/billing/invoice-renderer.yaml` |');
    expect(body).toContain(`| Model | \`${LLM.model}\`, prompt \`${LLM.promptVersion}\` |`);
    expect(body).not.toContain('## Change');

    // Another replica (a fresh app, its own token) finds the comment by its marker.
    const replica = await loadApp();
    const edited: Json[] = [];
    rocket(
      accepted()
        .get(`${REPO}/issues/1/comments`)
        .query(true)
        .reply(200, [
          { id: 5, body: 'unrelated', user: { login: 'octocat', type: 'User' } },
          // A reviewer quoting it is not the comment to edit.
          { id: 7, body: '<!-- aegis:explain -->\n> quoted', user: { login: 'octocat', type: 'User' } },
          { id: 6, body: '<!-- aegis:explain -->\nan older explanation', user: APP_BOT },
        ])
        .patch(`${REPO}/issues/comments/6`, capture(edited))
        .reply(200, { id: 6 }),
    );
    await replica.receive('issue_comment', prComment('/aegis explain'));
    expect(edited[0]?.body).toBe(body);
  });

  it('explain on a body a human rewrote says there is nothing to explain (no 🚀)', async () => {
    const app = await loadApp();
    const comments: Json[] = [];
    commentOn(accepted(pullData({ body: 'We fixed this by hand.' })), comments);

    await app.receive('issue_comment', prComment('/aegis explain'));

    expect(String(comments[0]?.body)).toMatch(
      /^Nothing to explain: the body no longer has the AEGIS Diagnosis/,
    );
  });

  it('a failed reaction does not stop the command', async () => {
    const app = await loadApp();
    const comments: Json[] = [];
    rocket(
      commentOn(
        github()
          .get(`${REPO}/pulls/1`)
          .reply(200, pullData({ body: PR_BODY }))
          .get(`${REPO}/collaborators/${SENDER.login}/permission`)
          .reply(200, { permission: 'admin', role_name: 'admin', user: SENDER })
          .post(`${REPO}/issues/comments/${COMMENT_ID}/reactions`, { content: 'eyes' })
          .reply(502, { message: 'Bad Gateway' }),
        comments,
      ),
    );

    await app.receive('issue_comment', prComment('/aegis help'));

    expect(comments).toHaveLength(1);
    expect(app.logs.records().find((r) => r.msg === 'reaction not added')).toMatchObject({ content: 'eyes' });
  });

  it('reverify: queued check on the head, workflow dispatched on the branch, verify labels reset', async () => {
    const app = await loadApp();
    const calls = { check: [] as Json[], dispatch: [] as Json[], labels: [] as Json[] };
    rocket(
      verification(
        accepted(pullData({ body: PR_BODY, labels: ['aegis', 'aegis/oom-killed', 'aegis/verify:failed'] })),
        calls,
      ),
    );

    await app.receive('issue_comment', prComment('/aegis reverify'));

    expect(calls.check[0]).toMatchObject({
      name: 'aegis/verify',
      head_sha: HEAD_SHA,
      status: 'queued',
      external_id: '1',
      actions: [expect.objectContaining({ identifier: 'reverify' })],
    });
    expect(calls.dispatch[0]).toEqual({ ref: AEGIS_BRANCH, inputs: { pr: '1' } });
    expect(calls.labels[0]).toEqual({ labels: ['aegis/verify:pending'] });
  });

  it('reverify without the verify workflow says why verification did not start (no 🚀)', async () => {
    const app = await loadApp();
    const comments: Json[] = [];
    commentOn(
      accepted(pullData({ body: PR_BODY, labels: ['aegis', 'aegis/verify:pending'] }))
        .post(`${REPO}/check-runs`)
        .reply(201, { id: 78 })
        .post(`${REPO}/actions/workflows/aegis-verify.yml/dispatches`)
        .reply(404, { message: 'Not Found' }),
      comments,
    );

    await app.receive('issue_comment', prComment('/aegis reverify'));

    expect(comments.map((c) => c.body)).toEqual([
      'Shadow verification was not started: .github/workflows/aegis-verify.yml was not found; add the AEGIS verify workflow (examples/workflows/) to run shadow verification.',
    ]);
  });

  it('revise without an LLM refuses and says what is needed', async () => {
    const app = await loadApp();
    const comments: Json[] = [];
    commentOn(accepted(), comments);

    await app.receive('issue_comment', prComment('/aegis revise raise memory to 2Gi instead'));

    expect(String(comments[0]?.body)).toMatch(/needs the LLM \(set OLLAMA_HOST.*cannot take instructions/);
  });

  it('revise with a ReviseFn: the new commit is reported and verified', async () => {
    const requests: ReviseRequest[] = [];
    const newSha = 'b'.repeat(40);
    const revise: ReviseFn = async (request) => {
      requests.push(request);
      return { outcome: 'revised', commit: newSha, summary: 'memory limit of renderer 512Mi → 2Gi' };
    };
    const app = await loadApp({ revise });
    const comments: Json[] = [];
    const calls = { check: [] as Json[], dispatch: [] as Json[], labels: [] as Json[] };
    rocket(
      verification(
        commentOn(accepted(pullData({ body: PR_BODY, labels: ['aegis', 'aegis/verify:failed'] })), comments),
        calls,
      ),
    );

    await app.receive('issue_comment', prComment('/aegis revise raise memory to 2Gi instead\nplease'));

    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      owner: 'runatlantis',
      repo: 'atlantis-tests',
      instruction: 'raise memory to 2Gi instead',
      pr: { number: 1, branch: AEGIS_BRANCH, headSha: HEAD_SHA, body: PR_BODY },
      meta: { fingerprint: '1a2b3c4d5e6f7a8b', category: 'oom-killed' },
    });
    expect(comments.map((c) => c.body)).toEqual([
      `Revised in \`${newSha.slice(0, 12)}\`: memory limit of renderer 512Mi → 2Gi`,
    ]);
    expect(calls.check[0]).toMatchObject({ head_sha: newSha });
  });

  it('revise refused by the ReviseFn: the reason is the reply', async () => {
    const app = await loadApp({
      revise: async () => ({ outcome: 'refused', reason: 'the instruction asks to change a Secret' }),
    });
    const comments: Json[] = [];
    commentOn(accepted(), comments);

    await app.receive('issue_comment', prComment('/aegis revise mount the db secret'));

    expect(comments.map((c) => c.body)).toEqual([
      'Revision refused: the instruction asks to change a Secret',
    ]);
  });

  it('revise on a held PR is refused before the ReviseFn runs', async () => {
    const requests: ReviseRequest[] = [];
    const app = await loadApp({
      revise: async (request) => {
        requests.push(request);
        return { outcome: 'refused', reason: 'unreachable' };
      },
    });
    const comments: Json[] = [];
    commentOn(accepted(pullData({ body: PR_BODY, labels: ['aegis', 'aegis/hold'] })), comments);

    await app.receive('issue_comment', prComment('/aegis revise use 1Gi'));

    expect(requests).toEqual([]);
    expect(String(comments[0]?.body)).toContain('on hold');
  });

  it('hold adds aegis/hold and confirms; unhold removes it and confirms', async () => {
    const app = await loadApp();
    const labels: Json[] = [];
    const comments: Json[] = [];
    rocket(commentOn(accepted().post(`${REPO}/issues/1/labels`, capture(labels)).reply(200, []), comments));
    await app.receive('issue_comment', prComment('/aegis hold'));
    expectGitHubDone();
    expect(labels).toEqual([{ labels: ['aegis/hold'] }]);
    expect(String(comments[0]?.body)).toContain('On hold');

    rocket(
      commentOn(
        accepted(pullData({ body: PR_BODY, labels: ['aegis', 'aegis/hold'] }))
          .delete(`${REPO}/issues/1/labels/${encodeURIComponent('aegis/hold')}`)
          .reply(200, []),
        comments,
      ),
    );
    await (await loadApp()).receive('issue_comment', prComment('/aegis unhold'));
    expect(String(comments[1]?.body)).toContain('Hold lifted');
  });

  it('close comments, then closes the PR', async () => {
    const app = await loadApp();
    const comments: Json[] = [];
    const updates: Json[] = [];
    rocket(
      commentOn(accepted(), comments)
        .patch(`${REPO}/pulls/1`, capture(updates))
        .reply(200, pullData({ state: 'closed' })),
    );

    await app.receive('issue_comment', prComment('/aegis close'));

    expect(String(comments[0]?.body)).toContain(`Closing at @${SENDER.login}'s request`);
    expect(updates).toEqual([{ state: 'closed' }]);
  });

  it('a command that changes the PR is answered, not run, on a closed PR', async () => {
    const app = await loadApp();
    const comments: Json[] = [];
    commentOn(accepted(pullData({ body: PR_BODY, state: 'closed' })), comments);

    await app.receive('issue_comment', prComment('/aegis hold'));

    expect(comments.map((c) => c.body)).toEqual([
      '`/aegis hold` needs an open pull request; this one is closed.',
    ]);
  });

  it('an unknown verb gets a did-you-mean and the command list', async () => {
    const app = await loadApp();
    const comments: Json[] = [];
    commentOn(accepted(), comments);

    await app.receive('issue_comment', prComment('/aegis reverfy'));

    const body = String(comments[0]?.body);
    expect(body).toContain('Unknown command `/aegis reverfy`. Did you mean `/aegis reverify`?');
    expect(body).toContain('`/aegis revise <text>`');
  });

  it('revise without an instruction gets its usage', async () => {
    const app = await loadApp();
    const comments: Json[] = [];
    commentOn(accepted(), comments);

    await app.receive('issue_comment', prComment('/aegis revise'));

    expect(String(comments[0]?.body)).toMatch(/^Usage: revise needs an instruction/);
  });

  it('someone without write access gets one reply and nothing else (no reaction)', async () => {
    const app = await loadApp();
    const comments: Json[] = [];
    commentOn(
      github()
        .get(`${REPO}/pulls/1`)
        .reply(200, pullData({ body: PR_BODY }))
        .get(`${REPO}/collaborators/${SENDER.login}/permission`)
        .reply(200, { permission: 'read', role_name: 'triage', user: SENDER }),
      comments,
    );

    await app.receive('issue_comment', prComment('/aegis close'));

    expect(comments.map((c) => c.body)).toEqual([
      `@${SENDER.login} AEGIS commands need write access to this repository.`,
    ]);
  });

  it('maintain counts as write access (role_name, where the legacy permission says write)', async () => {
    const app = await loadApp();
    const comments: Json[] = [];
    rocket(
      commentOn(
        github()
          .get(`${REPO}/pulls/1`)
          .reply(200, pullData({ body: PR_BODY }))
          .get(`${REPO}/collaborators/${SENDER.login}/permission`)
          .reply(200, { permission: 'write', role_name: 'maintain', user: SENDER })
          .post(`${REPO}/issues/comments/${COMMENT_ID}/reactions`, { content: 'eyes' })
          .reply(201, {}),
        comments,
      ),
    );

    await app.receive('issue_comment', prComment('/aegis help'));

    expect(comments).toHaveLength(1);
  });

  it.each([
    ['a Bot account', { type: 'Bot' }],
    ['a [bot] login', { login: 'renovate[bot]' }],
  ])('a command from %s is ignored without calling GitHub', async (_name, sender) => {
    const app = await loadApp();

    await app.receive('issue_comment', prComment('/aegis close', sender));

    expect(app.logs.records().some((r) => r.msg === 'command from a bot ignored')).toBe(true);
  });

  it('a comment that is not a command calls nothing', async () => {
    const app = await loadApp();
    await app.receive('issue_comment', prComment('LGTM, but /aegis reverify later'));
    expect(app.logs.records().filter((r) => String(r.msg).startsWith('command'))).toEqual([]);
  });

  it.each([
    ['a non-AEGIS branch', pullData({ branch: 'changes' })],
    ['an aegis/ branch from a fork', pullData({ headRepo: 'mallory/Hello-World' })],
  ])('a command on %s is ignored silently', async (_name, pull) => {
    const app = await loadApp();
    github().get(`${REPO}/pulls/1`).reply(200, pull);

    await app.receive('issue_comment', prComment('/aegis close'));

    expect(app.logs.records().some((r) => r.msg === 'command outside an AEGIS PR or issue ignored')).toBe(
      true,
    );
  });

  it('a failure inside a command is logged and answered in one line', async () => {
    const app = await loadApp();
    const comments: Json[] = [];
    commentOn(accepted().post(`${REPO}/check-runs`).reply(500, { message: 'Server Error' }), comments);

    await app.receive('issue_comment', prComment('/aegis reverify'));

    expect(comments).toHaveLength(1);
    expect(String(comments[0]?.body)).toMatch(/^AEGIS could not finish `\/aegis reverify`: Server Error/);
    expect(String(comments[0]?.body)).not.toContain('\n');
    expect(app.logs.records().find((r) => r.msg === 'command failed')).toMatchObject({ verb: 'reverify' });
  });

  it('replies are redacted: a secret echoed back from the ReviseFn never reaches GitHub', async () => {
    const token = `ghp_${'A1b2C3d4E5'.repeat(4)}`.slice(0, 40);
    const app = await loadApp({
      revise: async () => ({ outcome: 'refused', reason: `the instruction contains a token ${token}` }),
    });
    const comments: Json[] = [];
    commentOn(accepted(), comments);

    await app.receive('issue_comment', prComment(`/aegis revise use ${token}`));

    expect(String(comments[0]?.body)).toContain('Revision refused: the instruction contains a token');
    expect(String(comments[0]?.body)).not.toContain(token);
  });
});

describe('ChatOps on an AEGIS incident issue', () => {
  function acceptedOnIssue(): nock.Scope {
    return github()
      .get(`${ISSUE_REPO}/collaborators/${ISSUE_SENDER}/permission`)
      .reply(200, { permission: 'admin', role_name: 'admin', user: ISSUE_COMMENT.sender })
      .post(`${ISSUE_REPO}/issues/comments/${ISSUE_COMMENT_ID}/reactions`, { content: 'eyes' })
      .reply(201, {});
  }
  const issueRocket = (scope: nock.Scope) =>
    rocket(scope, `${ISSUE_REPO}/issues/comments/${ISSUE_COMMENT_ID}/reactions`);

  it('help lists only what works on an issue', async () => {
    const app = await loadApp();
    const comments: Json[] = [];
    issueRocket(commentOn(acceptedOnIssue(), comments, `${ISSUE_REPO}/issues/1/comments`));

    await app.receive('issue_comment', issueComment('/aegis help'));

    const body = String(comments[0]?.body);
    expect(body).toContain('`/aegis explain`');
    expect(body).toContain('`/aegis close`');
    expect(body).not.toContain('reverify');
  });

  it('explain works from the issue body', async () => {
    const app = await loadApp();
    const comments: Json[] = [];
    issueRocket(
      commentOn(
        acceptedOnIssue().get(`${ISSUE_REPO}/issues/1/comments`).query(true).reply(200, []),
        comments,
        `${ISSUE_REPO}/issues/1/comments`,
      ),
    );

    await app.receive('issue_comment', issueComment('/aegis explain'));

    expect(String(comments[0]?.body)).toContain('| Model | none (rules only) |');
  });

  it('close closes the issue as not planned', async () => {
    const app = await loadApp();
    const updates: Json[] = [];
    issueRocket(
      commentOn(acceptedOnIssue(), [], `${ISSUE_REPO}/issues/1/comments`)
        .patch(`${ISSUE_REPO}/issues/1`, capture(updates))
        .reply(200, {}),
    );

    await app.receive('issue_comment', issueComment('/aegis close'));

    expect(updates).toEqual([{ state: 'closed', state_reason: 'not_planned' }]);
  });

  it('a PR-only command is answered with what works here', async () => {
    const app = await loadApp();
    const comments: Json[] = [];
    commentOn(acceptedOnIssue(), comments, `${ISSUE_REPO}/issues/1/comments`);

    await app.receive('issue_comment', issueComment('/aegis reverify'));

    expect(String(comments[0]?.body)).toContain('works on AEGIS pull requests only');
  });

  it('an issue without the aegis label is ignored without calling GitHub', async () => {
    const app = await loadApp();
    await app.receive(
      'issue_comment',
      withInstallation({
        ...ISSUE_COMMENT,
        comment: { ...(ISSUE_COMMENT.comment as Json), body: '/aegis close' },
      }),
    );
    expect(app.logs.records().some((r) => r.msg === 'command outside an AEGIS PR or issue ignored')).toBe(
      true,
    );
  });
});
