// Each guard rail of DESIGN.md §8 stops the revert on its own, says why on the PR, and counts the
// refusal; a sync still running waits and the next settled event decides.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRolloutState } from '../../src/guard/rollout-state.js';
import { LABELS } from '../../src/propose/naming.js';
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

const revertPulls = (w: GuardWorld) => w.github.repo(OWNER, REPO).pulls.filter((p) => p.number !== 1);
const rollout = (w: GuardWorld) =>
  w.github.repo(OWNER, REPO).comments.find((c) => c.issue === 1 && c.body.includes('<!-- aegis:rollout -->'))
    ?.body ?? '';

interface RailCase {
  rail: string;
  options?: WorldOptions;
  /** The degraded fixture's Application, changed as the case needs. */
  app: (w: GuardWorld) => Record<string, unknown>;
  before?: (w: GuardWorld) => void;
  says: RegExp;
}

const cases: RailCase[] = [
  {
    rail: 'too-old',
    app: (w) =>
      applicationAt(DEGRADED_APP, {
        revision: w.mergeSha,
        previous: w.knownGood,
        finishedAt: minutesAfter(START, -45),
      }),
    says: /the sync finished 45 minutes ago \(limit 20, rollout\.maxFailureAgeMinutes\)/,
  },
  {
    rail: 'revert-of-revert',
    options: { branch: 'aegis/revert/7-0123abcd' },
    app: (w) =>
      applicationAt(DEGRADED_APP, {
        revision: w.mergeSha,
        previous: w.knownGood,
        finishedAt: minutesAfter(START, -2),
      }),
    says: /this PR is itself a revert, and AEGIS never reverts a revert/,
  },
  {
    rail: 'revert-of-revert',
    options: { meta: { revertOf: 7 } },
    app: (w) =>
      applicationAt(DEGRADED_APP, {
        revision: w.mergeSha,
        previous: w.knownGood,
        finishedAt: minutesAfter(START, -2),
      }),
    says: /AEGIS never reverts a revert/,
  },
  {
    // The healthy fixture's history is ten syncs of one revision: nothing ran before it.
    rail: 'no-known-good',
    app: (w) => ({
      ...applicationAt(HEALTHY_APP, {
        revision: w.mergeSha,
        finishedAt: minutesAfter(START, -2),
        phase: 'Failed',
      }),
    }),
    says: /the Application's history has no revision deployed before/,
  },
  {
    rail: 'held',
    options: { labels: [LABELS.aegis, 'aegis/oom-killed', LABELS.hold] },
    app: (w) =>
      applicationAt(DEGRADED_APP, {
        revision: w.mergeSha,
        previous: w.knownGood,
        finishedAt: minutesAfter(START, -2),
      }),
    says: /remediation is on hold \(aegis\/hold\)/,
  },
  {
    rail: 'held',
    before: (w) =>
      w.github.repo(OWNER, REPO).issues.push({
        number: 5,
        title: `Remediation held for ${APPLICATION} after a revert [aegis]`,
        body: `held\n\n<!-- aegis:hold {"application":"${APPLICATION}"} -->`,
        state: 'open',
        labels: [LABELS.aegis, LABELS.hold],
        createdAt: START.toISOString(),
      }),
    app: (w) =>
      applicationAt(DEGRADED_APP, {
        revision: w.mergeSha,
        previous: w.knownGood,
        finishedAt: minutesAfter(START, -2),
      }),
    says: /remediation is on hold/,
  },
];

describe('guard rails', () => {
  it.each(cases)('$rail: no revert, a comment saying why, a counted refusal', async (c) => {
    w = await startGuardWorld(c.options);
    c.before?.(w);
    const trigger = c.rail === 'no-known-good' ? 'sync-failed' : 'health-degraded';
    const body = notification(trigger, c.app(w));
    await Promise.all([w.post(body), w.post(body)]);
    await w.idle();

    expect(revertPulls(w)).toEqual([]);
    // No branch besides the merged PR's own (which is a revert branch in one case).
    const own = `refs/heads/${w.pull().head}`;
    const branches = git(w.origin, 'for-each-ref', '--format=%(refname)', 'refs/heads/aegis/revert');
    expect(branches.split('\n').filter((b) => b && b !== own)).toEqual([]);
    expect(parseRolloutState(rollout(w))).toMatchObject({ status: 'refused' });
    expect(rollout(w)).toMatch(c.says);
    expect(w.pull().labels).not.toContain(LABELS.reverted);
    const refusals = (await w.metrics.revertRefusals.get()).values;
    expect(refusals).toEqual([expect.objectContaining({ labels: { rail: c.rail }, value: 1 })]);
  });

  it('settled: a failure while a sync is Running waits; the settled sync-failed that follows reverts', async () => {
    w = await startGuardWorld();
    const running = applicationAt(DEGRADED_APP, {
      revision: w.mergeSha,
      previous: w.knownGood,
      phase: 'Running',
      finishedAt: minutesAfter(START, -1),
    });
    await w.post(notification('health-degraded', running));
    await w.idle();
    expect(revertPulls(w)).toEqual([]);
    expect(parseRolloutState(rollout(w))).toMatchObject({
      status: 'settling',
      failure: { trigger: 'on-health-degraded', health: 'Degraded' },
    });
    expect(rollout(w)).toMatch(/a sync is still running; AEGIS decides once it settles/);

    const failed = applicationAt(DEGRADED_APP, {
      revision: w.mergeSha,
      previous: w.knownGood,
      phase: 'Failed',
      finishedAt: minutesAfter(START, -1),
    });
    await w.post(notification('sync-failed', failed));
    await w.idle();
    expect(revertPulls(w)).toHaveLength(1);
    expect(parseRolloutState(rollout(w))).toMatchObject({ status: 'reverted' });
  });

  it('settled: a running sync that ends healthy clears the failure and starts the watch window', async () => {
    w = await startGuardWorld();
    const running = applicationAt(DEGRADED_APP, {
      revision: w.mergeSha,
      previous: w.knownGood,
      phase: 'Running',
    });
    await w.post(notification('health-degraded', running));
    await w.idle();
    await w.post(
      notification('deployed', applicationAt(HEALTHY_APP, { revision: w.mergeSha, previous: w.knownGood })),
    );
    await w.idle();
    const state = parseRolloutState(rollout(w));
    expect(state).toMatchObject({ status: 'deployed' });
    expect(state?.failure).toBeUndefined();
    expect(revertPulls(w)).toEqual([]);
  });
});
