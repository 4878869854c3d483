// The verified path: the merge starts the watch, Argo CD's on-deployed for the merge SHA (the real
// healthy Application fixture) opens the window, and when it ends healthy with the alert resolved
// the PR is labelled verified-in-prod, commented, counted, and found by the GitHub runbook.
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClosedPull, handlePullRequestClosed } from '../../src/chatops/on-pull-request-closed.js';
import { noteResolvedAfterMerge } from '../../src/guard/alert-resolved.js';
import { parseRolloutState } from '../../src/guard/rollout-state.js';
import { createGitHubRunbook } from '../../src/llm/github-runbook.js';
import { LABELS } from '../../src/propose/naming.js';
import { webhookFixture } from '../chatops/harness.js';
import { blockNetwork, restoreNetwork } from '../server/harness.js';
import {
  applicationAt,
  DEGRADED_APP,
  type GuardWorld,
  HEALTHY_APP,
  INSTALLATION_TOKEN,
  META,
  minutesAfter,
  notification,
  OWNER,
  REPO,
  START,
  startGuardWorld,
} from './world.js';

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

const rollout = () =>
  w.github.repo(OWNER, REPO).comments.find((c) => c.issue === 1 && c.body.includes('<!-- aegis:rollout -->'));
const deployed = () =>
  notification(
    'deployed',
    applicationAt(HEALTHY_APP, { revision: w.mergeSha, previous: w.knownGood, finishedAt: START }),
  );

async function mergedWebhook() {
  const closed = webhookFixture('octokit.pull_request.closed.not-merged.json');
  const pull = closed.pull_request as ClosedPull & Record<string, unknown>;
  const repo = { full_name: `${OWNER}/${REPO}` };
  await handlePullRequestClosed(
    {
      ...pull,
      number: 1,
      merged: true,
      merged_at: START.toISOString(),
      merge_commit_sha: w.mergeSha,
      body: w.pull().body,
      head: { ...(pull.head as object), ref: w.pull().head, repo },
      base: { ...(pull.base as object), ref: 'main', repo },
    },
    w.logs.log,
    { metrics: w.metrics, ...(w.server.guard ? { guard: w.server.guard } : {}) },
    { github: octokit, repo: { owner: OWNER, repo: REPO } },
  );
}

describe('a healthy rollout of an AEGIS fix', () => {
  it('is watched from the merge, and verified-in-prod after a healthy window and a resolved alert', async () => {
    await mergedWebhook();
    expect(parseRolloutState(rollout()?.body)).toMatchObject({ status: 'watching', mergeSha: w.mergeSha });
    expect(rollout()?.body).toContain(`Merged as \`${w.mergeSha.slice(0, 12)}\``);

    expect((await w.post(deployed())).status).toBe(202);
    await w.idle();
    expect(parseRolloutState(rollout()?.body)).toMatchObject({
      status: 'deployed',
      application: 'invoice-renderer',
      verifyAt: minutesAfter(START, 10).toISOString(),
    });
    expect(w.scheduler.pending()).toEqual([`${OWNER}/${REPO}#1`]);

    // Not yet: the window has not ended.
    w.clock.now = minutesAfter(START, 9);
    expect(await w.scheduler.runDue(w.clock.now)).toBe(0);

    // The resolved alert reaches the merged PR (the incident handler's resolved path does this).
    expect(await noteResolvedAfterMerge(octokit, { owner: OWNER, repo: REPO }, META)).toEqual([1]);

    w.clock.now = minutesAfter(START, 10);
    expect(await w.scheduler.runDue(w.clock.now)).toBe(1);
    expect(w.pull().labels).toContain(LABELS.verifiedInProd);
    expect(parseRolloutState(rollout()?.body)).toMatchObject({ status: 'verified' });
    expect(rollout()?.body).toMatch(
      /Healthy in Argo CD for the whole window and the alert resolved: labelled `aegis\/verified-in-prod`/,
    );
    expect((await w.metrics.rolloutsVerified.get()).values[0]?.value).toBe(1);
    expect(w.github.repo(OWNER, REPO).pulls).toHaveLength(1);

    // The runbook memory now answers with this fix for the same category and workload.
    const memory = await createGitHubRunbook(octokit, { owner: OWNER, repo: REPO }).similar(
      {
        alertname: 'KubePodOOMKilled',
        category: 'oom-killed',
        workload: 'invoice-renderer',
        namespace: 'billing',
      },
      3,
    );
    expect(memory).toEqual([
      expect.objectContaining({
        category: 'oom-killed',
        workload: 'billing/invoice-renderer',
        outcome: 'verified-in-prod',
        fix: 'set renderer memory limit 768Mi',
      }),
    ]);
  });

  it('duplicated on-deployed notifications open one window and write one comment', async () => {
    await Promise.all(Array.from({ length: 5 }, () => w.post(deployed())));
    await w.idle();
    await w.post(deployed());
    await w.idle();
    const comments = w.github.repo(OWNER, REPO).comments;
    expect(comments).toHaveLength(1);
    expect(parseRolloutState(comments[0]?.body)?.steps.map((s) => s.key)).toEqual(['deployed']);
    expect(w.scheduler.pending()).toHaveLength(1);
  });

  it('is not verified while the alert keeps firing: it looks again each window, then says so', async () => {
    await w.post(deployed());
    await w.idle();
    for (let i = 1; i <= 7; i += 1) {
      w.clock.now = minutesAfter(START, 10 * i);
      expect(await w.scheduler.runDue(w.clock.now)).toBe(1);
    }
    expect(parseRolloutState(rollout()?.body)).toMatchObject({ status: 'not-verified', extraWindows: 6 });
    expect(rollout()?.body).toContain('the alert never resolved');
    expect(w.pull().labels).not.toContain(LABELS.verifiedInProd);
    expect(w.scheduler.pending()).toEqual([]);
  });

  it('a degradation inside the window reverts instead, and the window end then does nothing', async () => {
    await w.post(deployed());
    await w.idle();
    w.clock.now = minutesAfter(START, 4);
    await w.post(
      notification(
        'health-degraded',
        applicationAt(DEGRADED_APP, { revision: w.mergeSha, previous: w.knownGood, finishedAt: START }),
      ),
    );
    await w.idle();
    w.clock.now = minutesAfter(START, 10);
    await w.scheduler.runDue(w.clock.now);
    expect(w.pull().labels).toContain(LABELS.reverted);
    expect(w.pull().labels).not.toContain(LABELS.verifiedInProd);
    expect(parseRolloutState(rollout()?.body)).toMatchObject({ status: 'reverted' });
  });

  it('re-arms a running window from the PR comment after a restart', async () => {
    await w.post(deployed());
    await w.idle();
    w.scheduler.cancelAll(); // the process that set the timer is gone
    expect(await w.server.guard?.resume({ owner: OWNER, repo: REPO }, w.logs.log)).toBe(1);
    expect(w.scheduler.pending()).toEqual([`${OWNER}/${REPO}#1`]);
  });
});
