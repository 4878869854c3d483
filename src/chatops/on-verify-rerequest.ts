// The aegis/verify check's "Re-run" (check_run.rerequested), its "Re-verify" button
// (check_run.requested_action) and "Re-run all checks" (check_suite.rerequested) all restart
// shadow verification of the AEGIS PRs the check belongs to, at their current head.
import type { Logger } from 'pino';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { REVERIFY_ACTION, VERIFY_CHECK_NAME } from '../github/verify-check.js';
import { isAegisBranch, isAegisPull } from './aegis-pull.js';
import type { ChatOpsDeps } from './chatops-deps.js';
import { postComment } from './comments.js';
import { labelNames } from './labels.js';
import { reverifyPullRequest } from './reverify-pull-request.js';

export interface LinkedPull {
  number: number;
  head: { ref: string };
}

export interface VerifyRerequestEvent {
  github: GitHubClient;
  log: Logger;
  repo: RepoRef;
  pullRequests: readonly LinkedPull[];
}

/** Whether a check_run event is about our check (and, for a button, the Re-verify one). */
export function isVerifyRerequest(event: {
  action: string;
  check_run: { name: string };
  requested_action?: { identifier?: string } | null;
}): boolean {
  if (event.check_run.name !== VERIFY_CHECK_NAME) return false;
  return event.action !== 'requested_action' || event.requested_action?.identifier === REVERIFY_ACTION;
}

export async function handleVerifyRerequest(event: VerifyRerequestEvent, deps: ChatOpsDeps): Promise<void> {
  const { github, log, repo } = event;
  const pulls = event.pullRequests.filter((p) => isAegisBranch(p.head.ref));
  if (pulls.length === 0) {
    log.debug('re-run for no AEGIS pull request ignored');
    return;
  }
  for (const linked of pulls) {
    try {
      await reverifyOne(github, repo, linked.number, deps, log);
    } catch (error: unknown) {
      log.error({ err: error, number: linked.number }, 're-verification failed');
    }
  }
}

async function reverifyOne(
  github: GitHubClient,
  repo: RepoRef,
  number: number,
  deps: ChatOpsDeps,
  log: Logger,
): Promise<void> {
  // The event's PR list is a snapshot; read the PR for its current head and labels.
  const { data } = await github.rest.pulls.get({ ...repo, pull_number: number });
  if (!isAegisPull(data) || data.state !== 'open') {
    log.info({ number, state: data.state }, 're-run ignored: not an open AEGIS pull request');
    return;
  }
  const { dispatch } = await reverifyPullRequest(github, {
    ...repo,
    number,
    branch: data.head.ref,
    headSha: data.head.sha,
    workflow: deps.verifyWorkflow,
    labels: labelNames(data.labels),
  });
  log.info({ number, headSha: data.head.sha, dispatched: dispatch.dispatched }, 're-verification started');
  if (!dispatch.dispatched)
    await postComment(
      github,
      { ...repo, number },
      `Shadow verification was not started: ${dispatch.reason}.`,
    );
}
