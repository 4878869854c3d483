// Verify re-runs (check_run.rerequested, check_run.requested_action, check_suite.rerequested) and
// the PR lifecycle (pull_request.closed, merged or not) through Probot receive() with the shared
// payloads; GitHub answered by nock, every mock used, nothing unmatched.
import type nock from 'nock';
import { describe, expect, it } from 'vitest';
import { renderPrBody } from '../../src/propose/pr-body.js';
import { sampleResult } from '../propose/sample-result.js';
import {
  AEGIS_BRANCH,
  capture,
  github,
  guardGitHub,
  type Json,
  loadApp,
  pullData,
  webhookFixture,
  withInstallation,
} from './harness.js';

const CHECK_RUN = webhookFixture('octokit.check_run.rerequested.json');
const CHECK_SUITE = webhookFixture('octokit.check_suite.requested.json');
const CLOSED = webhookFixture('octokit.pull_request.closed.not-merged.json');
/** The `{url,id,number,head,base}` shape GitHub uses for a check's or run's linked PRs. */
const LINKED = (webhookFixture('octokit.workflow_run.completed.with-pull-requests.json').workflow_run as Json)
  .pull_requests as Json[];
const CHECK_REPO = '/repos/github/hello-world';
const SUITE_REPO = '/repos/Codertocat/Hello-World';
const FRESH_SHA = 'c'.repeat(40);
const PR_BODY = renderPrBody(sampleResult(), { branch: AEGIS_BRANCH });

function linked(number: number, ref: string): Json {
  const [pr] = LINKED as [Json];
  return {
    ...pr,
    number,
    url: `https://api.github.com/repos/github/hello-world/pulls/${number}`,
    head: { ...(pr.head as Json), ref },
  };
}

function checkRunEvent(fields: { name?: string; action?: string; identifier?: string; pulls: Json[] }): Json {
  const checkRun = CHECK_RUN.check_run as Json;
  return withInstallation({
    ...CHECK_RUN,
    action: fields.action ?? 'rerequested',
    check_run: { ...checkRun, name: fields.name ?? 'aegis/verify', pull_requests: fields.pulls },
    ...(fields.identifier ? { requested_action: { identifier: fields.identifier } } : {}),
  });
}

/** GET the PR (fresh head, labels), then check run + dispatch + labels for its current head. */
function reverified(
  repo: string,
  number: number,
  into: { check: Json[]; dispatch: Json[] },
  dispatchStatus = 204,
): nock.Scope {
  return github()
    .get(`${repo}/pulls/${number}`)
    .reply(200, pullData({ number, sha: FRESH_SHA, body: PR_BODY, labels: ['aegis', 'aegis/verify:passed'] }))
    .post(`${repo}/check-runs`, capture(into.check))
    .reply(201, { id: 501 })
    .post(`${repo}/actions/workflows/aegis-verify.yml/dispatches`, capture(into.dispatch))
    .reply(dispatchStatus, dispatchStatus === 204 ? undefined : { message: 'Unprocessable' })
    .post(`${repo}/issues/${number}/labels`, { labels: ['aegis/verify:pending'] })
    .reply(200, [])
    .delete(`${repo}/issues/${number}/labels/${encodeURIComponent('aegis/verify:passed')}`)
    .reply(200, []);
}

guardGitHub();

describe('verify re-runs', () => {
  it('check_run.rerequested on aegis/verify re-verifies the AEGIS PR at its current head, not others', async () => {
    const app = await loadApp();
    const calls = { check: [] as Json[], dispatch: [] as Json[] };
    reverified(CHECK_REPO, 7, calls);

    await app.receive(
      'check_run',
      checkRunEvent({ pulls: [linked(7, AEGIS_BRANCH), linked(8, 'feature/x')] }),
    );

    expect(calls.check).toEqual([expect.objectContaining({ name: 'aegis/verify', head_sha: FRESH_SHA })]);
    expect(calls.dispatch).toEqual([{ ref: AEGIS_BRANCH, inputs: { pr: '7' } }]);
  });

  it('the Re-verify button (check_run.requested_action) does the same', async () => {
    const app = await loadApp();
    const calls = { check: [] as Json[], dispatch: [] as Json[] };
    reverified(CHECK_REPO, 7, calls);

    await app.receive(
      'check_run',
      checkRunEvent({ action: 'requested_action', identifier: 'reverify', pulls: [linked(7, AEGIS_BRANCH)] }),
    );

    expect(calls.dispatch).toHaveLength(1);
  });

  it('a workflow without workflow_dispatch is reported on the PR', async () => {
    const app = await loadApp();
    const comments: Json[] = [];
    reverified(CHECK_REPO, 7, { check: [], dispatch: [] }, 422)
      .post(`${CHECK_REPO}/issues/7/comments`, capture(comments))
      .reply(201, { id: 1 });

    await app.receive('check_run', checkRunEvent({ pulls: [linked(7, AEGIS_BRANCH)] }));

    expect(comments.map((c) => c.body)).toEqual([
      'Shadow verification was not started: .github/workflows/aegis-verify.yml has no workflow_dispatch trigger.',
    ]);
  });

  it.each([
    ['another check', { name: 'randscape' }],
    ['another button', { action: 'requested_action', identifier: 'deploy' }],
  ])('%s is ignored without calling GitHub', async (_name, fields) => {
    const app = await loadApp();
    await app.receive('check_run', checkRunEvent({ ...fields, pulls: [linked(7, AEGIS_BRANCH)] }));
    expect(app.logs.records().filter((r) => r.msg === 're-verification started')).toEqual([]);
  });

  it('a closed AEGIS PR is not re-verified', async () => {
    const app = await loadApp();
    github()
      .get(`${CHECK_REPO}/pulls/7`)
      .reply(200, pullData({ number: 7, state: 'closed' }));

    await app.receive('check_run', checkRunEvent({ pulls: [linked(7, AEGIS_BRANCH)] }));

    expect(
      app.logs.records().find((r) => r.msg === 're-run ignored: not an open AEGIS pull request'),
    ).toMatchObject({ number: 7, state: 'closed' });
  });

  it('check_suite.rerequested re-verifies the suite’s AEGIS PRs', async () => {
    const app = await loadApp();
    const calls = { check: [] as Json[], dispatch: [] as Json[] };
    reverified(SUITE_REPO, 2, calls);

    await app.receive(
      'check_suite',
      withInstallation({
        ...CHECK_SUITE,
        action: 'rerequested',
        check_suite: { ...(CHECK_SUITE.check_suite as Json), pull_requests: [linked(2, AEGIS_BRANCH)] },
      }),
    );

    expect(calls.dispatch).toEqual([{ ref: AEGIS_BRANCH, inputs: { pr: '2' } }]);
  });

  it('check_suite.requested (a push) is only logged', async () => {
    const app = await loadApp();
    await app.receive('check_suite', CHECK_SUITE);
    expect(app.logs.records().find((r) => r.msg === 'webhook received')).toMatchObject({
      event: 'check_suite',
      action: 'requested',
    });
  });
});

describe('pull_request.closed', () => {
  const closed = (fields: Json): Json => {
    const pull = CLOSED.pull_request as Json;
    return {
      ...CLOSED,
      pull_request: {
        ...pull,
        body: PR_BODY,
        head: { ...(pull.head as Json), ref: AEGIS_BRANCH },
        ...fields,
      },
    };
  };
  const applied = async (app: Awaited<ReturnType<typeof loadApp>>) =>
    (await app.metrics.fixesApplied.get()).values[0]?.value;

  it('a merged AEGIS PR counts as an applied fix', async () => {
    const app = await loadApp();
    await app.receive('pull_request', closed({ merged: true, merged_at: '2019-05-15T15:21:18Z' }));

    expect(await applied(app)).toBe(1);
    expect(app.logs.records().find((r) => r.msg === 'fix PR merged')).toMatchObject({
      number: 2,
      branch: AEGIS_BRANCH,
      fingerprint: '1a2b3c4d5e6f7a8b',
    });
  });

  it('a closed, unmerged AEGIS PR silences its fingerprint (the test merge sha does not count)', async () => {
    const app = await loadApp();
    await app.receive('pull_request', closed({}));

    expect(await applied(app)).toBe(0);
    expect(
      app.logs.records().find((r) => r.msg === 'fix PR closed unmerged; fingerprint silenced'),
    ).toMatchObject({ number: 2, fingerprint: '1a2b3c4d5e6f7a8b' });
  });

  it('another PR closing is only logged', async () => {
    const app = await loadApp();
    await app.receive('pull_request', {
      ...CLOSED,
      pull_request: { ...(CLOSED.pull_request as Json), merged: true },
    });

    expect(await applied(app)).toBe(0);
    expect(app.logs.records().map((r) => r.msg)).toContain('webhook received');
    expect(app.logs.records().map((r) => r.msg)).not.toContain('fix PR merged');
  });
});
