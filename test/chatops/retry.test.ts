// GitHub outages during a command, with Probot's real Octokit plugins on (retry and throttling,
// unlike every other test): a 5xx and a secondary rate limit are waited out and the command
// completes. Probot's own throttle options give up on a secondary limit, hence AegisOctokit.
import type nock from 'nock';
import { ProbotOctokit } from 'probot';
import { describe, expect, it } from 'vitest';
import { AegisOctokit, shouldRetryRateLimit } from '../../src/github/app-octokit.js';
import {
  capture,
  github,
  guardGitHub,
  type Json,
  loadApp,
  pullData,
  REPO,
  webhookFixture,
  withInstallation,
} from './harness.js';

const PR_COMMENT = webhookFixture('atlantis.issue_comment.created.on-pull-request.json');
const COMMENT_ID = (PR_COMMENT.comment as Json).id as number;
const SENDER = PR_COMMENT.sender as Json & { login: string };
const REACTIONS = `${REPO}/issues/comments/${COMMENT_ID}/reactions`;
const SECONDARY_LIMIT = {
  message:
    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 1234:5678.',
  documentation_url:
    'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
};

const helpComment = () =>
  withInstallation({ ...PR_COMMENT, comment: { ...(PR_COMMENT.comment as Json), body: '/aegis help' } });

/** pulls.get fails once with a 503, then the command is accepted (👀). */
function flakyGitHub(): nock.Scope {
  return github()
    .get(`${REPO}/pulls/1`)
    .reply(503, { message: 'Service Unavailable' })
    .get(`${REPO}/pulls/1`)
    .reply(200, pullData())
    .get(`${REPO}/collaborators/${SENDER.login}/permission`)
    .reply(200, { permission: 'write', role_name: 'write', user: SENDER })
    .post(REACTIONS, { content: 'eyes' })
    .reply(201, {});
}

/** The first comment AEGIS posts hits a secondary rate limit; the next one goes through. */
function rateLimitedComment(scope: nock.Scope, comments: Json[]): nock.Scope {
  return scope
    .post(`${REPO}/issues/1/comments`)
    .reply(403, SECONDARY_LIMIT, { 'retry-after': '1', 'x-ratelimit-remaining': '4999' })
    .post(`${REPO}/issues/1/comments`, capture(comments))
    .reply(201, { id: 900 });
}

guardGitHub();

describe('GitHub outages during a command (retry and throttling on)', () => {
  it('AegisOctokit retries a 5xx and a secondary rate limit; the command completes with 🚀', async () => {
    const app = await loadApp({ Octokit: AegisOctokit });
    const comments: Json[] = [];
    rateLimitedComment(flakyGitHub(), comments).post(REACTIONS, { content: 'rocket' }).reply(201, {});

    await app.receive('issue_comment', helpComment());

    expect(comments).toHaveLength(1);
    expect(String(comments[0]?.body)).toContain('/aegis reverify');
    const messages = app.logs.records().map((r) => String(r.msg));
    expect(messages).toContain('command finished');
    expect(messages).not.toContain('command failed');
    expect(messages.some((m) => /secondary rate limit on POST .*: retrying in 1s/.test(m))).toBe(true);
  });

  it("Probot's default Octokit gives up on the secondary rate limit (why AegisOctokit exists)", async () => {
    const app = await loadApp({ Octokit: ProbotOctokit });
    const replies: Json[] = [];
    // The 5xx is still retried; the rate-limited help comment is not, so the failure is reported
    // (in the next comment, which goes through).
    rateLimitedComment(flakyGitHub(), replies);

    await app.receive('issue_comment', helpComment());

    expect(String(replies[0]?.body)).toMatch(
      /^AEGIS could not finish `\/aegis help`: You have exceeded a secondary/,
    );
  });

  it.each([
    [1, 0, true],
    [60, 1, true],
    [61, 0, false],
    [1, 2, false],
  ])('retry-after %is at retry %i: retry %s', (retryAfter, retryCount, expected) => {
    expect(shouldRetryRateLimit(retryAfter, retryCount)).toBe(expected);
  });
});
