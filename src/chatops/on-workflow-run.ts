// workflow_run.completed of the verify workflow: the app completes its own `aegis/verify` check
// on the run's commit. With the workflow's default GITHUB_TOKEN the Action cannot (GitHub lets
// only the creating app modify a check run), so it leaves the verdict in the report comment's
// result block and this handler carries it over; GitOps repositories never need the app's key.
// Only this app's checks that are still queued or in progress are touched, so a redelivered event,
// or a check the Action already completed with an app token, changes nothing. A run that ended
// without a verdict for the commit completes the check as cancelled or failed, never as a pass;
// a skipped run (its job's `if` was false) never started verifying and is ignored.
import type { Logger } from 'pino';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { completeCheck, openVerifyChecks } from '../github/verify-check.js';
import type { ChatOpsDeps } from './chatops-deps.js';
import { labelRunWithoutVerdict } from './verify-labels.js';
import { findVerifyResult } from './verify-result-comment.js';
import { outcomeFromResult, outcomeWithoutResult } from './verify-run-outcome.js';
import { type RunRef, verifyRunPulls } from './verify-run-pulls.js';

export interface VerifyWorkflowRun extends RunRef {
  id: number;
  workflow_id: number;
  /** `.github/workflows/<file>` */
  path: string;
  head_sha: string;
  conclusion: string | null;
  html_url: string;
}

export interface WorkflowRunEvent {
  github: GitHubClient;
  log: Logger;
  repo: RepoRef;
  run: VerifyWorkflowRun;
}

export function isVerifyWorkflow(path: string, workflow: string): boolean {
  return path.split('/').pop() === workflow;
}

export async function handleVerifyWorkflowRun(
  event: WorkflowRunEvent,
  deps: Pick<ChatOpsDeps, 'verifyWorkflow' | 'appId'>,
): Promise<void> {
  const { github, repo, run } = event;
  if (!isVerifyWorkflow(run.path, deps.verifyWorkflow)) {
    event.log.debug({ path: run.path }, 'workflow run of another workflow ignored');
    return;
  }
  if (run.conclusion === 'skipped') {
    // The job's `if` was false (a label other than `aegis`): the run verified nothing and has no
    // say over the check. Reading it as "ended without a verdict" would fail a check whose real run
    // may not even be listed yet (a dispatch is queued a few seconds after it is sent).
    event.log.debug({ run: run.id }, 'skipped verify workflow run ignored');
    return;
  }
  if (deps.appId === undefined) {
    event.log.warn(
      'verify workflow run ignored: the app id is unknown, so its own checks cannot be told apart',
    );
    return;
  }
  const log = event.log.child({ run: run.id, headSha: run.head_sha, conclusion: run.conclusion });
  const pending = await pendingChecks(github, repo, run.head_sha, deps.appId);
  if (pending.length === 0) {
    log.info('verify workflow run ended; no aegis/verify check of this app is waiting on its commit');
    return;
  }
  const pulls = await verifyRunPulls(github, repo, run);
  const app = { id: deps.appId, slug: pending[0]?.slug };
  const found = await findVerifyResult(github, repo, pulls, run, app);
  if (!found && (await anotherRunGoing(github, repo, run))) {
    // Superseded (the example workflow cancels the older run of a PR): the newer run decides.
    log.info('verify workflow run ended without a verdict while another run on its commit goes on');
    return;
  }
  const completion = found ? outcomeFromResult(found.result, found.body) : outcomeWithoutResult(run);
  for (const check of pending)
    await completeCheck(github, { ...repo, id: check.id }, completion, {
      appCreated: true,
      detailsUrl: run.html_url,
    });
  if (!found) await labelRunWithoutVerdict(github, repo, pulls, run);
  log.info(
    {
      checks: pending.map((c) => c.id),
      pulls,
      fromReport: found ? found.pull : false,
      checkConclusion: completion.conclusion,
    },
    'aegis/verify completed from the verify workflow run',
  );
}

/** This app's aegis/verify checks on the commit that are not completed yet (the only ones it may and should update). */
async function pendingChecks(
  github: GitHubClient,
  repo: RepoRef,
  sha: string,
  appId: number,
): Promise<{ id: number; slug?: string }[]> {
  return (await openVerifyChecks(github, repo, sha))
    .filter((check) => check.app?.id === appId)
    .map((check) => ({ id: check.id, ...(check.app?.slug ? { slug: check.app.slug } : {}) }));
}

async function anotherRunGoing(
  github: GitHubClient,
  repo: RepoRef,
  run: VerifyWorkflowRun,
): Promise<boolean> {
  const { data } = await github.rest.actions.listWorkflowRuns({
    ...repo,
    workflow_id: run.workflow_id,
    head_sha: run.head_sha,
    per_page: 100,
  });
  return data.workflow_runs.some((r) => r.id !== run.id && r.status !== 'completed');
}
