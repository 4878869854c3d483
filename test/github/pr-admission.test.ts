// PR admission against the GitHub double: silence after a PR closed unmerged, the per-repo open
// cap, the hourly cap and the per-app cap, each with its reason naming the knob to turn.
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GitHubClient } from '../../src/github/client.js';
import { createPrAdmission, type PrLimits } from '../../src/github/pr-admission.js';
import { type DoublePull, type GitHubDouble, startGitHubDouble } from '../../src/testing/github-double.js';
import { testPrivateKey } from '../server/harness.js';

const TOKEN = 'ghs_admissiontesttoken0000000000000000';
const NOW = new Date('2026-11-22T12:00:00Z');
const LIMITS: PrLimits = {
  maxOpenPrs: 3,
  maxOpenPrsPerApp: 4,
  maxNewPrsPerHour: 2,
  silenceMs: 6 * 3_600_000,
};
const BRANCH = 'aegis/billing/invoice-renderer/oom-killed-1a2b3c4d';

let double: GitHubDouble;
let github: GitHubClient;
beforeEach(async () => {
  double = await startGitHubDouble({ privateKey: testPrivateKey(), installations: {}, tokens: [TOKEN] });
  github = new Octokit({ auth: TOKEN, baseUrl: double.url });
});
afterEach(() => double.close());

function pull(repo: string, fields: Partial<DoublePull>): void {
  const state = double.repo('acme', repo);
  state.pulls.push({
    number: state.pulls.length + 1,
    title: 't',
    body: '',
    head: `aegis/x/y/crash-loop-${state.pulls.length}`,
    headSha: '0'.repeat(40),
    base: 'main',
    state: 'open',
    merged: false,
    labels: ['aegis'],
    createdAt: '2026-11-20T00:00:00Z',
    reviews: 0,
    ...fields,
  });
}

const refuse = (admission = createPrAdmission(LIMITS, () => NOW), repo = 'gitops') =>
  admission.refuse(github, { owner: 'acme', repo, branch: BRANCH });

describe('PR admission', () => {
  it('admits a first PR', async () => {
    expect(await refuse()).toBeUndefined();
  });

  it('silences a branch whose PR was closed unmerged within the silence window, not a merged one', async () => {
    pull('gitops', { head: BRANCH, state: 'closed', merged: true, closedAt: '2026-11-22T11:00:00Z' });
    expect(await refuse()).toBeUndefined();
    pull('gitops', { head: BRANCH, state: 'closed', closedAt: '2026-11-22T05:00:00Z' });
    expect(await refuse()).toBeUndefined(); // 7 h ago: the 6 h silence is over
    pull('gitops', { head: BRANCH, state: 'closed', closedAt: '2026-11-22T10:00:00Z' });
    expect(await refuse()).toBe(
      `PR #3 for ${BRANCH} was closed without merging at 2026-11-22T10:00:00Z; this incident is silenced until 2026-11-22T16:00:00.000Z`,
    );
  });

  it('stops at the per-repository cap of open AEGIS PRs (other PRs do not count)', async () => {
    for (let i = 0; i < 3; i += 1) pull('gitops', {});
    pull('gitops', { labels: ['dependencies'] });
    expect(await refuse()).toMatch(
      /^3 AEGIS pull requests are open in acme\/gitops \(limit 3, AEGIS_MAX_OPEN_PRS\)$/,
    );
  });

  it('stops at the hourly cap, counting PRs opened in the last hour even if closed since', async () => {
    pull('gitops', {
      createdAt: '2026-11-22T11:30:00Z',
      state: 'closed',
      closedAt: '2026-11-22T11:40:00Z',
      merged: true,
    });
    pull('gitops', { createdAt: '2026-11-22T11:50:00Z' });
    pull('gitops', { createdAt: '2026-11-22T10:50:00Z' });
    expect(await refuse()).toMatch(
      /^2 AEGIS pull requests were opened in acme\/gitops in the last hour \(limit 2,/,
    );
  });

  it('stops at the per-app cap across the repositories it has seen', async () => {
    const admission = createPrAdmission(LIMITS, () => NOW);
    for (let i = 0; i < 2; i += 1) pull('one', {});
    for (let i = 0; i < 2; i += 1) pull('two', {});
    expect(await refuse(admission, 'one')).toBeUndefined();
    expect(await refuse(admission, 'two')).toMatch(
      /^4 AEGIS pull requests are open across repositories \(limit 4,/,
    );
    expect(await refuse(admission, 'three')).toMatch(/^4 AEGIS pull requests are open across repositories/);
    admission.opened({ owner: 'acme', repo: 'three' });
    expect(await refuse(admission, 'three')).toMatch(/^4 AEGIS/); // re-read from GitHub: still 4
  });
});
