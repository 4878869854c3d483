// workflow_run.completed of the verify workflow through Probot receive(): the app completes its own
// aegis/verify check from the result block the Action left in the report comment (the Action's
// GITHUB_TOKEN may not touch the app's check). Payloads are octokit's real workflow_run.completed
// examples with the fields a case needs changed; REST answers reuse fixture objects the same way.
// GitHub is nock: every mock used, nothing unmatched.
import type nock from 'nock';
import { describe, expect, it } from 'vitest';
import { REVERIFY_BUTTON } from '../../src/github/verify-check.js';
import { REPORT_MARKER } from '../../src/verify/report-markdown.js';
import { renderResultBlock, type VerifyResult } from '../../src/verify/result-block.js';
import { testConfig } from '../server/harness.js';
import {
  AEGIS_BRANCH,
  capture,
  expectGitHubDone,
  github,
  guardGitHub,
  type Json,
  loadApp,
  pullData,
  webhookFixture,
  withInstallation,
} from './harness.js';

const DISPATCHED = webhookFixture('octokit.workflow_run.completed.json');
const WITH_PULLS = webhookFixture('octokit.workflow_run.completed.with-pull-requests.json');
const CHECK_RUN = webhookFixture('octokit.check_run.rerequested.json').check_run as Json;
const COMMENT = webhookFixture('octokit.issue_comment.created.on-issue.json').comment as Json;

const RUN = DISPATCHED.workflow_run as Json;
const RUN_ID = RUN.id as number;
const RUN_URL = RUN.html_url as string;
const WORKFLOW_ID = RUN.workflow_id as number;
/** octo-org/octo-repo: the repository of both workflow_run examples. */
const REPO = '/repos/octo-org/octo-repo';
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const OLD_SHA = '0'.repeat(40);
const APP_ID = testConfig().appId!;
const ACTIONS_APP_ID = 15368;
const PR = 12;

/** The run as the app dispatches it: workflow_dispatch on the PR branch, so no pull_requests. */
function runEvent(fields: Json = {}, base: Json = DISPATCHED): Json {
  return withInstallation({
    ...base,
    workflow_run: {
      ...(base.workflow_run as Json),
      path: '.github/workflows/aegis-verify.yml',
      event: 'workflow_dispatch',
      head_branch: AEGIS_BRANCH,
      head_sha: SHA,
      pull_requests: [],
      ...fields,
    },
  });
}

function checkRun(id: number, fields: { status?: string; appId?: number } = {}): Json {
  return {
    ...CHECK_RUN,
    id,
    name: 'aegis/verify',
    head_sha: SHA,
    status: fields.status ?? 'queued',
    conclusion: fields.status === 'completed' ? 'success' : null,
    app: { ...(CHECK_RUN.app as Json), id: fields.appId ?? APP_ID, slug: 'aegis-test' },
  };
}

function comment(id: number, body: string, user: { login: string; type: string }): Json {
  return {
    ...COMMENT,
    id,
    body,
    user: { ...(COMMENT.user as Json), ...user },
    performed_via_github_app: null,
  };
}

const ACTIONS_BOT = { login: 'github-actions[bot]', type: 'Bot' };

/** The report comment as the Action writes it: the Markdown report, then the hidden result block. */
function report(
  result: Partial<VerifyResult> & Pick<VerifyResult, 'verdict' | 'conclusion' | 'title'>,
): string {
  return `${REPORT_MARKER}\n## Shadow verification: ${result.verdict}\n\n**${result.title}**\n${renderResultBlock(
    {
      headSha: SHA,
      runId: RUN_ID,
      runUrl: RUN_URL,
      ...result,
    },
  )}`;
}

const PASS = report({ verdict: 'pass', conclusion: 'success', title: 'pass: OOM kills 1 → 0' });

/** The app's checks on the commit (listForRef), the PR of the branch and its comments. */
function found(checks: Json[], comments: Json[]): nock.Scope {
  return github()
    .get(`${REPO}/commits/${SHA}/check-runs`)
    .query({ check_name: 'aegis/verify', filter: 'all', per_page: '100' })
    .reply(200, { total_count: checks.length, check_runs: checks })
    .get(`${REPO}/pulls`)
    .query({ state: 'open', head: `octo-org:${AEGIS_BRANCH}`, per_page: '100' })
    .reply(200, [pullData({ number: PR, sha: SHA, headRepo: 'Codertocat/Hello-World' })])
    .get(`${REPO}/issues/${PR}/comments`)
    .query({ per_page: '100' })
    .reply(200, comments);
}

/** Runs of the verify workflow on the commit: only this one, finished, unless others are given. */
function otherRuns(scope: nock.Scope, others: Json[] = []): nock.Scope {
  return scope
    .get(`${REPO}/actions/workflows/${WORKFLOW_ID}/runs`)
    .query({ head_sha: SHA, per_page: '100' })
    .reply(200, {
      total_count: 1 + others.length,
      workflow_runs: [{ ...RUN, head_sha: SHA, status: 'completed' }, ...others],
    });
}

/**
 * A run without a verdict relabels its PR (still at the run's commit): `running` goes, the label
 * captured in `added` comes. The PR is read again for its head and labels.
 */
function relabelled(scope: nock.Scope, added: Json[]): nock.Scope {
  return scope
    .get(`${REPO}/pulls/${PR}`)
    .reply(200, pullData({ number: PR, sha: SHA, labels: ['aegis', 'aegis/verify:running'] }))
    .post(`${REPO}/issues/${PR}/labels`, capture(added))
    .reply(200, [])
    .delete(`${REPO}/issues/${PR}/labels/${encodeURIComponent('aegis/verify:running')}`)
    .reply(200, []);
}

guardGitHub();

describe('workflow_run.completed of the verify workflow', () => {
  it.each([
    ['pass', 'success', 'pass: OOM kills 1 → 0'],
    ['fail', 'failure', 'fail: the candidate was OOM-killed'],
    ['inconclusive', 'action_required', 'inconclusive: not verified: the diff changes no deployable'],
  ] as const)(
    'a %s verdict completes the app’s check as %s, with the report as summary',
    async (verdict, conclusion, title) => {
      const app = await loadApp();
      const updates: Json[] = [];
      found(
        [checkRun(501), checkRun(502, { appId: ACTIONS_APP_ID })],
        [
          comment(1, 'LGTM', { login: 'octocat', type: 'User' }),
          // The block's own conclusion is not what counts: the verdict is.
          comment(2, report({ verdict, conclusion: 'success', title }), ACTIONS_BOT),
        ],
      )
        .patch(`${REPO}/check-runs/501`, capture(updates))
        .reply(200, {});

      await app.receive('workflow_run', runEvent({ conclusion: verdict === 'pass' ? 'success' : 'failure' }));

      expect(updates).toEqual([
        {
          status: 'completed',
          conclusion,
          completed_at: expect.any(String),
          details_url: RUN_URL,
          output: {
            title,
            summary: `${REPORT_MARKER}\n## Shadow verification: ${verdict}\n\n**${title}**`,
          },
          actions: [REVERIFY_BUTTON],
        },
      ]);
    },
  );

  it('a report longer than a check summary may be is cut to 65,535 characters with a note', async () => {
    const app = await loadApp();
    const updates: Json[] = [];
    const long = PASS.replace('**pass:', `${'x'.repeat(70_000)}\n**pass:`);
    found([checkRun(501)], [comment(2, long, ACTIONS_BOT)])
      .patch(`${REPO}/check-runs/501`, capture(updates))
      .reply(200, {});

    await app.receive('workflow_run', runEvent({ conclusion: 'success' }));

    const summary = (updates[0]!.output as { summary: string }).summary;
    expect(summary).toHaveLength(65_535);
    expect(summary.startsWith(REPORT_MARKER)).toBe(true);
    expect(summary).toMatch(/_Cut to GitHub’s check-summary limit; the PR comment has the whole report._$/);
    expect(updates[0]).toMatchObject({ conclusion: 'success' });
  });

  it('a run linked to its PR (pull_request-triggered) reads that PR without searching', async () => {
    const app = await loadApp();
    const updates: Json[] = [];
    const linked = ((WITH_PULLS.workflow_run as Json).pull_requests as Json[]).map((p) => ({
      ...p,
      number: PR,
      head: { ...(p.head as Json), ref: AEGIS_BRANCH, sha: SHA },
    }));
    github()
      .get(`${REPO}/commits/${SHA}/check-runs`)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [checkRun(501)] })
      .get(`${REPO}/issues/${PR}/comments`)
      .query(true)
      .reply(200, [comment(2, PASS, ACTIONS_BOT)])
      .patch(`${REPO}/check-runs/501`, capture(updates))
      .reply(200, {});

    await app.receive(
      'workflow_run',
      runEvent({ event: 'pull_request', pull_requests: linked, conclusion: 'success' }, WITH_PULLS),
    );

    expect(updates).toEqual([expect.objectContaining({ conclusion: 'success' })]);
  });

  it.each([
    ['failure', 'failure', 'error: the verification workflow ended failure without a verdict', 'error'],
    ['timed_out', 'failure', 'error: the verification workflow ended timed_out without a verdict', 'error'],
    ['cancelled', 'cancelled', 'the verification workflow was cancelled before a verdict', 'pending'],
  ])(
    'no report and a run that ended %s: %s, never left queued',
    async (runConclusion, conclusion, title, label) => {
      const app = await loadApp();
      const updates: Json[] = [];
      const added: Json[] = [];
      relabelled(
        otherRuns(found([checkRun(501)], []))
          .patch(`${REPO}/check-runs/501`, capture(updates))
          .reply(200, {}),
        added,
      );

      await app.receive('workflow_run', runEvent({ conclusion: runConclusion }));

      expect(added).toEqual([{ labels: [`aegis/verify:${label}`] }]);

      expect(updates).toEqual([
        expect.objectContaining({
          status: 'completed',
          conclusion,
          details_url: RUN_URL,
          output: { title, summary: expect.stringContaining(`[workflow run](${RUN_URL})`) },
          actions: [REVERIFY_BUTTON],
        }),
      ]);
    },
  );

  it('no report, but the PR moved on to a newer commit: the check fails, the PR keeps its labels', async () => {
    const app = await loadApp();
    const updates: Json[] = [];
    otherRuns(found([checkRun(501)], []))
      .patch(`${REPO}/check-runs/501`, capture(updates))
      .reply(200, {})
      .get(`${REPO}/pulls/${PR}`)
      .reply(200, pullData({ number: PR, sha: OLD_SHA, labels: ['aegis', 'aegis/verify:running'] }));

    await app.receive('workflow_run', runEvent({ conclusion: 'failure' }));

    expect(updates).toEqual([expect.objectContaining({ conclusion: 'failure' })]);
  });

  it.each([
    ['an older commit', { headSha: OLD_SHA }, ACTIONS_BOT],
    ['an older run of the same commit', { runId: RUN_ID - 1 }, ACTIONS_BOT],
    ['a forged block by a random user', {}, { login: 'mallory', type: 'User' }],
    ['a forged block by another app', {}, { login: 'other-app[bot]', type: 'Bot' }],
  ])(
    'a result block of %s is no verdict: a successful run still fails the check',
    async (_name, fields, user) => {
      const app = await loadApp();
      const updates: Json[] = [];
      const body = report({ verdict: 'pass', conclusion: 'success', title: 'pass: trust me', ...fields });
      const added: Json[] = [];
      relabelled(
        otherRuns(found([checkRun(501)], [comment(3, body, user)]))
          .patch(`${REPO}/check-runs/501`, capture(updates))
          .reply(200, {}),
        added,
      );

      await app.receive('workflow_run', runEvent({ conclusion: 'success' }));

      expect(updates).toEqual([
        expect.objectContaining({
          conclusion: 'failure',
          output: expect.objectContaining({
            title: 'error: the verification workflow ended success without a verdict',
          }),
        }),
      ]);
      expect(added).toEqual([{ labels: ['aegis/verify:error'] }]);
    },
  );

  it('the app’s own bot (an app token given to the Action) is trusted like github-actions[bot]', async () => {
    const app = await loadApp();
    const updates: Json[] = [];
    found([checkRun(501)], [comment(2, PASS, { login: 'aegis-test[bot]', type: 'Bot' })])
      .patch(`${REPO}/check-runs/501`, capture(updates))
      .reply(200, {});

    await app.receive('workflow_run', runEvent({ conclusion: 'success' }));

    expect(updates).toEqual([expect.objectContaining({ conclusion: 'success' })]);
  });

  it('a redelivery (or a check the Action completed itself) changes nothing', async () => {
    const first = await loadApp();
    const updates: Json[] = [];
    found([checkRun(501)], [comment(2, PASS, ACTIONS_BOT)])
      .patch(`${REPO}/check-runs/501`, capture(updates))
      .reply(200, {});
    await first.receive('workflow_run', runEvent({ conclusion: 'success' }));
    expect(updates).toHaveLength(1);
    expectGitHubDone();

    // The same delivery again: GitHub now lists the check completed; nothing else is asked.
    const again = await loadApp();
    github()
      .get(`${REPO}/commits/${SHA}/check-runs`)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [checkRun(501, { status: 'completed' })] });
    await again.receive('workflow_run', runEvent({ conclusion: 'success' }));

    expect(updates).toHaveLength(1);
    expect(
      again.logs
        .records()
        .find(
          (r) =>
            r.msg === 'verify workflow run ended; no aegis/verify check of this app is waiting on its commit',
        ),
    ).toMatchObject({ run: RUN_ID, headSha: SHA });
  });

  it('a run superseded without a verdict leaves the check to the run still going on the commit', async () => {
    const app = await loadApp();
    otherRuns(found([checkRun(501)], []), [{ ...RUN, id: RUN_ID + 1, head_sha: SHA, status: 'in_progress' }]);

    await app.receive('workflow_run', runEvent({ conclusion: 'cancelled' }));

    expect(
      app.logs
        .records()
        .find(
          (r) =>
            r.msg === 'verify workflow run ended without a verdict while another run on its commit goes on',
        ),
    ).toBeDefined();
  });

  it.each([
    ['another workflow', { path: '.github/workflows/test.yml' }],
    ['a run that is not completed', {}, 'requested'],
    // A label other than `aegis` starts a run whose job is skipped: it must not fail the check.
    ['a run whose job was skipped', { conclusion: 'skipped' }],
  ])('%s is ignored without calling GitHub', async (_name, fields, action = 'completed') => {
    const app = await loadApp();
    await app.receive('workflow_run', { ...runEvent(fields), action });
    expect(
      app.logs.records().filter((r) => r.msg === 'aegis/verify completed from the verify workflow run'),
    ).toEqual([]);
  });
});
