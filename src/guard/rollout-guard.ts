// The rollout guard (DESIGN.md §8): Argo CD events about the merge SHA of an AEGIS PR turn into a
// verified-in-prod label after a healthy watch window, or into a revert PR under guard rails and a
// hold on the application. All state is the PR's rollout comment, labels and hold issues, so any
// replica can pick up where another stopped; duplicates log nothing new and change nothing.
import type { Logger } from 'pino';
import { loadRepoConfig, type RepoConfig } from '../config/repo-config.js';
import { describeError, UserError } from '../core/errors.js';
import { createGitHubForge } from '../forge/github-forge.js';
import type { GitHubAppAuth } from '../github/app-auth.js';
import type { CheckoutCache } from '../github/checkout-cache.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { gitRemoteFor } from '../github/git-url.js';
import { createGitHubRunbook } from '../llm/github-runbook.js';
import { LABELS } from '../propose/naming.js';
import { githubSlug } from '../routing/route-incident.js';
import type { Metrics } from '../server/metrics.js';
import { checkRails, isRevertPull } from './guard-rails.js';
import { findHold, listHolds, recordHold } from './hold-record.js';
import { findMergedPull, getMergedPull, type MergedPull } from './merged-pull.js';
import { openRevertPr } from './revert-pull.js';
import type { RolloutEvent } from './rollout-event.js';
import { addStep, type RolloutState } from './rollout-state.js';
import type { Scheduler } from './scheduler.js';
import { readState, writeState } from './state-store.js';

export type EventOutcome = 'ignored' | 'duplicate' | 'deployed' | 'waiting' | 'reverted' | 'refused';

export interface RevertOnDemandResult {
  outcome: 'reverted' | 'refused';
  message: string;
}

export interface RolloutGuard {
  handleEvent(event: RolloutEvent, log: Logger): Promise<EventOutcome>;
  /** pull_request.closed with merged: the rollout comment that says AEGIS now watches. */
  startWatch(github: GitHubClient, pull: MergedPull): Promise<void>;
  /** `/aegis revert`: the same revert, asked for by a maintainer. */
  revertOnDemand(repo: RepoRef, number: number, sender: string, log: Logger): Promise<RevertOnDemandResult>;
  /** Re-arms the watch windows recorded on a repository's merged PRs (after a restart). */
  resume(repo: RepoRef, log: Logger): Promise<number>;
  stop(): void;
}

export interface RolloutGuardDeps {
  auth: GitHubAppAuth;
  checkouts: CheckoutCache;
  metrics: Metrics;
  scheduler: Scheduler;
  gitBaseUrl?: string;
  clock?: () => Date;
}

/** Window ends that may find the alert still firing before the guard gives up on "verified". */
const MAX_EXTRA_WINDOWS = 6;
const MINUTE_MS = 60_000;

export function createRolloutGuard(deps: RolloutGuardDeps): RolloutGuard {
  const now = deps.clock ?? (() => new Date());

  async function access(repo: RepoRef) {
    const granted = await deps.auth.forRepo(repo.owner, repo.repo);
    const remote = gitRemoteFor(repo.owner, repo.repo, granted.token, deps.gitBaseUrl);
    const forge = createGitHubForge({
      octokit: granted.github,
      ...repo,
      token: granted.token,
      remoteUrl: remote.url,
    });
    return { github: granted.github, remote, forge };
  }

  async function repoConfig(repo: RepoRef, base: string, remote: { url: string }): Promise<RepoConfig> {
    return deps.checkouts.withCheckout({ ...repo, base, remote }, (checkout) => loadRepoConfig(checkout.dir));
  }

  function arm(pull: MergedPull, state: RolloutState, log: Logger): void {
    if (!state.verifyAt) return;
    deps.scheduler.at(`${pull.owner}/${pull.repo}#${pull.number}`, new Date(state.verifyAt), () =>
      endOfWindow(pull, log).catch((error: unknown) =>
        log.error({ err: error, number: pull.number }, 'rollout verification failed'),
      ),
    );
  }

  async function endOfWindow(ref: MergedPull, log: Logger): Promise<void> {
    const { github, remote } = await access(ref);
    const pull = await getMergedPull(github, ref, ref.number);
    if (!pull) return;
    const { state, alertResolved } = await readState(github, pull);
    if (state.status !== 'deployed') return; // degraded, reverted or decided meanwhile
    const { rollout } = await repoConfig(pull, pull.base, remote);
    const at = now();
    if (rollout.requireAlertResolved && !alertResolved) {
      if (state.extraWindows < MAX_EXTRA_WINDOWS) {
        state.extraWindows += 1;
        state.verifyAt = new Date(at.getTime() + rollout.watchMinutes * MINUTE_MS).toISOString();
        addStep(
          state,
          'alert-firing',
          `Healthy through the window, but the alert \`${pull.meta?.alertname ?? 'of this incident'}\` has not resolved yet; AEGIS looks again every ${rollout.watchMinutes} minutes, ${MAX_EXTRA_WINDOWS} times at most.`,
          at,
        );
        await writeState(github, pull, state);
        arm(pull, state, log);
        return;
      }
      state.status = 'not-verified';
      delete state.verifyAt;
      addStep(
        state,
        'not-verified',
        'Still healthy, but the alert never resolved: not labelled verified-in-prod. The fix may not address the cause; look at the alert.',
        at,
      );
      await writeState(github, pull, state);
      deps.metrics.rolloutEvents.inc({ trigger: 'window-end', outcome: 'not-verified' });
      return;
    }
    await createGitHubRunbook(github, pull).recordVerified(pull.number);
    state.status = 'verified';
    delete state.verifyAt;
    addStep(
      state,
      'verified',
      `Healthy in Argo CD for the whole window${rollout.requireAlertResolved ? ' and the alert resolved' : ''}: labelled \`${LABELS.verifiedInProd}\` and recorded in the runbook memory.`,
      at,
    );
    await writeState(github, pull, state);
    deps.metrics.rolloutsVerified.inc();
    deps.metrics.rolloutEvents.inc({ trigger: 'window-end', outcome: 'verified' });
    log.info({ number: pull.number, mergeSha: pull.mergeSha }, 'fix verified in production');
  }

  async function onDeployed(
    pull: MergedPull,
    state: RolloutState,
    github: GitHubClient,
    remote: { url: string },
    log: Logger,
  ): Promise<EventOutcome> {
    if (state.status !== 'watching' && state.status !== 'settling') {
      if (state.status === 'deployed') arm(pull, state, log); // a replica that lost its timer
      return 'duplicate';
    }
    const { rollout } = await repoConfig(pull, pull.base, remote);
    const at = now();
    state.status = 'deployed';
    state.deployedAt = at.toISOString();
    state.verifyAt = new Date(at.getTime() + rollout.watchMinutes * MINUTE_MS).toISOString();
    delete state.failure;
    addStep(
      state,
      'deployed',
      `Argo CD synced \`${pull.mergeSha.slice(0, 12)}\` and \`${state.application}\` is Healthy; AEGIS watches it for ${rollout.watchMinutes} minutes.`,
      at,
    );
    await writeState(github, pull, state);
    arm(pull, state, log);
    return 'deployed';
  }

  async function revert(
    pull: MergedPull,
    state: RolloutState,
    ctx: Awaited<ReturnType<typeof access>>,
    reasons: string[],
    knownGood: string | undefined,
    log: Logger,
  ): Promise<number> {
    const { rollout } = await repoConfig(pull, pull.base, ctx.remote);
    const opened = await openRevertPr(
      { forge: ctx.forge, checkouts: deps.checkouts, remote: ctx.remote },
      { pull, reasons, ...(knownGood ? { knownGood } : {}) },
    );
    if (opened.created) deps.metrics.reverts.inc();
    await ctx.forge.addLabels(pull.number, pull.labels.includes(LABELS.reverted) ? [] : [LABELS.reverted]);
    const scope = {
      ...(state.application ? { application: state.application } : {}),
      ...(pull.meta?.namespace ? { namespace: pull.meta.namespace } : {}),
      ...(pull.meta?.workload ? { workload: pull.meta.workload.name } : {}),
    };
    const hold = await recordHold(ctx.github, pull, scope, {
      revertedPr: pull.number,
      revertPr: opened.pr.number,
    });
    const at = now();
    state.status = 'reverted';
    state.revertPr = opened.pr.number;
    delete state.verifyAt;
    addStep(
      state,
      'reverted',
      `${reasons.join(' ')} Opened revert #${opened.pr.number} (\`git revert\` of the merge); remediation is held in #${hold} until \`/aegis unhold\`.`,
      at,
    );
    if (rollout.autoMergeRevert) {
      try {
        await ctx.github.rest.pulls.merge({
          owner: pull.owner,
          repo: pull.repo,
          pull_number: opened.pr.number,
          merge_method: 'merge',
        });
        addStep(state, 'revert-merged', `Merged revert #${opened.pr.number} (rollout.autoMergeRevert).`, at);
      } catch (error: unknown) {
        addStep(
          state,
          'revert-merge-failed',
          `Could not merge revert #${opened.pr.number} (${describeError(error)}); merge it by hand.`,
          at,
        );
      }
    }
    await writeState(ctx.github, pull, state);
    log.info({ number: pull.number, revertPr: opened.pr.number, hold }, 'revert opened');
    return opened.pr.number;
  }

  async function onFailure(
    pull: MergedPull,
    state: RolloutState,
    event: RolloutEvent,
    ctx: Awaited<ReturnType<typeof access>>,
    log: Logger,
  ): Promise<EventOutcome> {
    if (state.status === 'reverted' || state.status === 'refused') return 'duplicate';
    const { rollout } = await repoConfig(pull, pull.base, ctx.remote);
    const holds = await listHolds(ctx.github, pull);
    const held = findHold(holds, {
      application: event.application,
      ...(pull.meta?.namespace ? { namespace: pull.meta.namespace } : {}),
      ...(pull.meta?.workload ? { workload: pull.meta.workload.name } : {}),
    });
    const at = now();
    const decision = checkRails({
      pull,
      event,
      now: at,
      maxFailureAgeMs: rollout.maxFailureAgeMinutes * MINUTE_MS,
      held: held !== undefined,
    });
    const what = `Argo CD reports ${event.trigger} for \`${event.application}\` (health ${event.healthStatus ?? 'unknown'}, sync ${event.operationPhase ?? 'unknown'}).`;
    state.failure = {
      trigger: event.trigger,
      at: at.toISOString(),
      ...(event.healthStatus ? { health: event.healthStatus } : {}),
    };
    if (!decision.revert) {
      const settling = decision.rail === 'settling';
      state.status = settling ? 'settling' : 'refused';
      if (!settling) delete state.verifyAt;
      const added = addStep(
        state,
        `${decision.rail}:${event.trigger}`,
        `${what} No revert: ${decision.reason}.`,
        at,
      );
      if (added) await writeState(ctx.github, pull, state);
      if (added && !settling) deps.metrics.revertRefusals.inc({ rail: decision.rail });
      return settling ? 'waiting' : added ? 'refused' : 'duplicate';
    }
    await revert(pull, state, ctx, [what], decision.knownGood, log);
    return 'reverted';
  }

  return {
    async handleEvent(event, log) {
      const slug = event.repoURL ? githubSlug(event.repoURL) : undefined;
      if (!slug) {
        log.info(
          { repoURL: event.repoURL },
          'Argo CD event ignored: the Application does not name a GitHub repository (spec.source.repoURL)',
        );
        return 'ignored';
      }
      let ctx: Awaited<ReturnType<typeof access>>;
      try {
        ctx = await access(slug);
      } catch (error: unknown) {
        if (!(error instanceof UserError)) throw error;
        log.info({ reason: describeError(error) }, 'Argo CD event ignored');
        return 'ignored';
      }
      const pull = await findMergedPull(ctx.github, slug, event.revision);
      if (!pull) {
        log.debug(
          { revision: event.revision },
          'Argo CD event ignored: no merged AEGIS PR has this revision',
        );
        return 'ignored';
      }
      const { state } = await readState(ctx.github, pull);
      state.application ??= event.application;
      return event.trigger === 'on-deployed'
        ? onDeployed(pull, state, ctx.github, ctx.remote, log)
        : onFailure(pull, state, event, ctx, log);
    },

    async startWatch(github, pull) {
      const { state } = await readState(github, pull);
      if (
        !addStep(
          state,
          'merged',
          `Merged as \`${pull.mergeSha.slice(0, 12)}\`: AEGIS watches the Argo CD rollout of this commit.`,
          now(),
        )
      )
        return;
      await writeState(github, pull, state);
    },

    async revertOnDemand(repo, number, sender, log) {
      const ctx = await access(repo);
      const pull = await getMergedPull(ctx.github, repo, number);
      if (!pull)
        return {
          outcome: 'refused',
          message: `#${number} is not a merged AEGIS pull request; only a merged fix can be reverted.`,
        };
      if (isRevertPull(pull))
        return { outcome: 'refused', message: 'This PR is itself a revert; AEGIS never reverts a revert.' };
      const { state } = await readState(ctx.github, pull);
      if (state.status === 'reverted' && state.revertPr)
        return { outcome: 'reverted', message: `Already reverted by #${state.revertPr}.` };
      const prNumber = await revert(
        pull,
        state,
        ctx,
        [`@${sender} asked for it with \`/aegis revert\`.`],
        undefined,
        log,
      );
      return {
        outcome: 'reverted',
        message: `Opened revert #${prNumber}; remediation of this application is on hold until \`/aegis unhold\`.`,
      };
    },

    async resume(repo, log) {
      const { github } = await access(repo);
      const { data } = await github.rest.pulls.list({
        ...repo,
        state: 'closed',
        sort: 'updated',
        direction: 'desc',
        per_page: 50,
      });
      let armed = 0;
      for (const raw of data) {
        const pull = raw.merged_at ? await getMergedPull(github, repo, raw.number) : undefined;
        if (!pull) continue;
        const { state } = await readState(github, pull);
        if (state.status !== 'deployed') continue;
        arm(pull, state, log);
        armed += 1;
      }
      return armed;
    },

    stop: () => deps.scheduler.cancelAll(),
  };
}
