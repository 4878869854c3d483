// The GitHub forge at the HTTP edge: nock answers with payload shapes from the shared webhook
// fixtures, any unmatched request or unused mock fails the test, and branches are pushed to a
// local bare repository through the injectable remote URL.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubForge } from '../../src/forge/github-forge.js';
import { derivePhase } from '../../src/propose/phase.js';
import { proposeIncident } from '../../src/propose/propose-incident.js';
import { sharedDir } from '../helpers/paths.js';
import { diagnoseScenario, type GitopsFixture, git, gitopsFixture } from '../propose/git-fixture.js';

const API = 'https://api.github.com';
const REPO = '/repos/acme/gitops';
const TOKEN = `ghs_${'Zz9'.repeat(12)}`;

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(sharedDir(), 'fixtures', 'github-webhooks', name), 'utf8'));
}
const PR_PAYLOAD = fixture('octokit.pull_request.opened.json').pull_request as Record<string, unknown>;
const ISSUE_PAYLOAD = fixture('octokit.issue_comment.created.on-issue.json') as {
  issue: Record<string, unknown>;
  comment: Record<string, unknown>;
};

/** The comment author when AEGIS writes: its app's bot. */
const BOT = { ...(ISSUE_PAYLOAD.comment.user as object), login: 'aegis[bot]', type: 'Bot' };

function pullData(fields: { number: number; branch: string; title: string; body: string; labels: string[] }) {
  return {
    ...PR_PAYLOAD,
    number: fields.number,
    html_url: `https://github.com/acme/gitops/pull/${fields.number}`,
    title: fields.title,
    body: fields.body,
    labels: fields.labels.map((name, id) => ({ id, name, color: 'ededed', default: false })),
    head: { ...(PR_PAYLOAD.head as object), ref: fields.branch },
    base: { ...(PR_PAYLOAD.base as object), ref: 'main' },
  };
}

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const unmatched: string[] = [];
const onNoMatch = (req: { method?: string; path?: string; href?: string }) =>
  unmatched.push(`${req.method} ${req.path ?? req.href}`);

beforeAll(() => {
  nock.disableNetConnect();
  nock.emitter.on('no match', onNoMatch);
});
afterAll(() => {
  nock.emitter.removeListener('no match', onNoMatch);
  nock.enableNetConnect();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'unused HTTP mocks').toEqual([]);
  expect(unmatched.splice(0), 'unmatched HTTP requests').toEqual([]);
});

let fx: GitopsFixture;
beforeEach(() => {
  fx = gitopsFixture('oom-invoice-renderer');
});
afterEach(() => rmSync(fx.work, { recursive: true, force: true }));

const forgeFor = (remoteUrl?: string) =>
  createGitHubForge({
    octokit: new Octokit({ auth: TOKEN, request: { retries: 0 }, log: silent }),
    owner: 'acme',
    repo: 'gitops',
    token: TOKEN,
    ...(remoteUrl ? { remoteUrl } : {}),
  });

describe('GitHub forge', () => {
  it('proposes end to end: push, open the PR, label it; a rerun changes nothing', async () => {
    const forge = forgeFor(fx.origin);
    const result = await diagnoseScenario('oom-invoice-renderer', fx.clone);
    const deps = { forge, repoDir: fx.clone, baseBranch: 'main' };
    let created: Record<string, unknown> = {};
    nock(API)
      .get(`${REPO}/pulls`)
      .query((q) => q.state === 'open' && String(q.head).startsWith('acme:aegis/billing/invoice-renderer/'))
      .reply(200, [])
      .post(`${REPO}/pulls`, (body) => {
        created = body;
        return body.base === 'main' && body.maintainer_can_modify === true;
      })
      .reply(201, (_uri, body) => {
        const b = body as { head: string; title: string; body: string };
        return pullData({ number: 7, branch: b.head, title: b.title, body: b.body, labels: [] });
      })
      .post(`${REPO}/issues/7/labels`, { labels: ['aegis', 'aegis/oom-killed', 'aegis/verify:pending'] })
      .reply(200, []);

    const first = await proposeIncident(result, deps);

    expect(first).toMatchObject({
      outcome: 'opened',
      pr: { number: 7, url: 'https://github.com/acme/gitops/pull/7' },
    });
    expect(created.head).toBe(first.branch);
    expect(git(fx.origin, 'rev-parse', `refs/heads/${first.branch}`)).toBe(first.commit);

    nock(API)
      .get(`${REPO}/pulls`)
      .query(true)
      .reply(200, [
        pullData({
          number: 7,
          branch: first.branch ?? '',
          title: first.title ?? '',
          body: first.body ?? '',
          labels: ['aegis', 'aegis/oom-killed', 'aegis/verify:pending'],
        }),
      ]);
    const second = await proposeIncident(result, deps);
    expect(second).toMatchObject({ outcome: 'unchanged', commit: first.commit, pr: { number: 7 } });
  });

  it('upserts one comment by its marker', async () => {
    const forge = forgeFor();
    const other = { ...ISSUE_PAYLOAD.comment, id: 11, body: 'LGTM' };
    const mine = { ...ISSUE_PAYLOAD.comment, id: 12, body: '<!-- aegis:report -->\nreport v1', user: BOT };
    nock(API)
      .get(`${REPO}/issues/7/comments`)
      .query(true)
      .reply(200, [other])
      .post(`${REPO}/issues/7/comments`, { body: '<!-- aegis:report -->\nreport v1' })
      .reply(201, mine)
      .get(`${REPO}/issues/7/comments`)
      .query(true)
      .reply(200, [other, mine])
      .get(`${REPO}/issues/7/comments`)
      .query(true)
      .reply(200, [other, mine])
      .patch(`${REPO}/issues/comments/12`, { body: '<!-- aegis:report -->\nreport v2' })
      .reply(200, { ...mine, body: 'report v2' });

    expect(await forge.upsertComment(7, 'aegis:report', 'report v1')).toBe('created');
    expect(await forge.upsertComment(7, 'aegis:report', 'report v1')).toBe('unchanged');
    expect(await forge.upsertComment(7, 'aegis:report', 'report v2')).toBe('updated');
  });

  it('never takes a marked comment a person wrote for its own: it writes its own beside it', async () => {
    const forge = forgeFor();
    // A reviewer quoting the report, marker included; editing it would overwrite their words.
    const quoted = { ...ISSUE_PAYLOAD.comment, id: 11, body: '<!-- aegis:report -->\n> report v1\nwhy?' };
    expect(ISSUE_PAYLOAD.comment.user).toMatchObject({ type: 'User' });
    nock(API)
      .get(`${REPO}/issues/7/comments`)
      .query(true)
      .reply(200, [quoted])
      .post(`${REPO}/issues/7/comments`, { body: '<!-- aegis:report -->\nreport v2' })
      .reply(201, { ...quoted, id: 12, body: '<!-- aegis:report -->\nreport v2', user: BOT });

    expect(await forge.upsertComment(7, 'aegis:report', 'report v2')).toBe('created');
  });

  it('finds the incident issue by its marker, ignoring pull requests, and updates it', async () => {
    const forge = forgeFor();
    const marker = 'aegis:incident:abc';
    const body = `<!-- ${marker} -->\nold`;
    const issue = { ...ISSUE_PAYLOAD.issue, number: 3, title: 't', body, labels: [{ name: 'aegis' }] };
    const pr = { ...issue, number: 4, pull_request: { url: 'x', merged_at: null } };
    nock(API)
      .get(`${REPO}/issues`)
      .query({ labels: 'aegis', state: 'open', per_page: '100' })
      .reply(200, [pr, issue])
      .patch(`${REPO}/issues/3`, {
        title: 't',
        body: `<!-- ${marker} -->\nnew`,
        labels: ['aegis', 'aegis/no-fix'],
      })
      .reply(200, {
        ...issue,
        body: `<!-- ${marker} -->\nnew`,
        labels: [{ name: 'aegis' }, { name: 'aegis/no-fix' }],
      })
      .get(`${REPO}/issues`)
      .query(true)
      .reply(200, [])
      .post(`${REPO}/issues`, { title: 't2', body: '<!-- aegis:incident:def -->\nfirst', labels: ['aegis'] })
      .reply(201, { ...issue, number: 5, title: 't2' });

    const updated = await forge.upsertIssue({
      marker,
      title: 't',
      body: 'new',
      labels: ['aegis', 'aegis/no-fix'],
    });
    const created = await forge.upsertIssue({
      marker: 'aegis:incident:def',
      title: 't2',
      body: 'first',
      labels: ['aegis'],
    });

    expect(updated).toMatchObject({
      outcome: 'updated',
      issue: { number: 3, labels: ['aegis', 'aegis/no-fix'] },
    });
    expect(created).toMatchObject({ outcome: 'created', issue: { number: 5 } });
  });

  it('lists AEGIS pull requests and issues with their state', async () => {
    const forge = forgeFor();
    const issue = { ...ISSUE_PAYLOAD.issue, number: 1, body: 'b', labels: [{ name: 'aegis' }] };
    const merged = {
      ...issue,
      number: 2,
      labels: [{ name: 'aegis' }, { name: 'aegis/verify:passed' }],
      pull_request: { url: 'x', merged_at: '2025-03-03T10:00:00Z' },
    };
    const open = { ...merged, number: 3, pull_request: { url: 'y', merged_at: null } };
    nock(API)
      .get(`${REPO}/issues`)
      .query({ labels: 'aegis', state: 'open', sort: 'updated', per_page: '100' })
      .reply(200, [issue, merged, open]);

    const items = await forge.listItems();

    expect(items.map((i) => [i.type, i.number, i.state, derivePhase(i)])).toEqual([
      ['issue', 1, 'open', 'detected'],
      ['pull', 2, 'merged', 'merged'],
      ['pull', 3, 'open', 'verified'],
    ]);
  });

  it('ignores removing a label the PR does not carry', async () => {
    const forge = forgeFor();
    nock(API)
      .delete(`${REPO}/issues/7/labels/aegis%2Fverify%3Apassed`)
      .reply(404, { message: 'Label does not exist' });
    await expect(forge.removeLabel(7, 'aegis/verify:passed')).resolves.toBeUndefined();
  });

  it('never shows the token in git errors', async () => {
    const forge = forgeFor(`https://x-access-token:${TOKEN}@127.0.0.1:9/acme/gitops.git`);
    const error = await forge.fetchBranch(fx.clone, 'main').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^git ls-remote: fatal: unable to access 'https:\/\/127.0.0.1:9\/acme\/gitops.git\/'/,
    );
    expect((error as Error).message).not.toContain(TOKEN);
  });
});
