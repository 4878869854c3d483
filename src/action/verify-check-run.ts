// The Action's side of the `aegis/verify` check run (DESIGN.md §6): the app queued it on the PR's
// head commit; the Action sets it in progress and completes it. GitHub lets only the app that
// created a check run modify it, so with the workflow's own GITHUB_TOKEN (the GitHub Actions app)
// the app's check cannot be touched: the Action then reports on a check of its own with the same
// name and warns how to complete the app's one (pass the AEGIS app's installation token).
import { type GitHubClient, httpStatus, type RepoRef } from '../github/client.js';
import { REVERIFY_BUTTON, VERIFY_CHECK_NAME } from '../github/verify-check.js';
import type { Verdict } from '../verify/types.js';

/**
 * Never a pass unless the verdict is: `inconclusive` is `action_required` (a person must judge the
 * change), not `neutral`, because branch protection counts a neutral required check as passing.
 * `error` (sandbox broke, timed out, the Action crashed) is a `failure` with an `error:` title.
 */
export const CHECK_CONCLUSION = {
  pass: 'success',
  fail: 'failure',
  inconclusive: 'action_required',
  error: 'failure',
} as const satisfies Record<Verdict, string>;
export type CheckConclusion = (typeof CHECK_CONCLUSION)[Verdict];

export interface VerifyCheckRun extends RepoRef {
  id: number;
  /** The app's check (its Re-verify button reaches the app) rather than one the Action created. */
  appCreated: boolean;
}

export interface CheckStart extends RepoRef {
  headSha: string;
  prNumber: number;
  /** The workflow run, linked from the check. */
  detailsUrl?: string;
}

export async function startVerifyCheck(
  github: GitHubClient,
  target: CheckStart,
  warn: (message: string) => void,
): Promise<VerifyCheckRun> {
  const repo = { owner: target.owner, repo: target.repo };
  const runs = await github.paginate(github.rest.checks.listForRef, {
    ...repo,
    ref: target.headSha,
    check_name: VERIFY_CHECK_NAME,
    per_page: 100,
  });
  // The newest one still waiting: a reverify queues a fresh check on the same commit.
  const queued = runs.filter((run) => run.status !== 'completed').sort((a, b) => b.id - a.id)[0];
  if (queued) {
    try {
      await github.rest.checks.update({
        ...repo,
        check_run_id: queued.id,
        status: 'in_progress',
        started_at: new Date().toISOString(),
        ...(target.detailsUrl ? { details_url: target.detailsUrl } : {}),
      });
      return { ...repo, id: queued.id, appCreated: true };
    } catch (error: unknown) {
      if (httpStatus(error) !== 403) throw error;
      warn(
        `the queued ${VERIFY_CHECK_NAME} check run ${queued.id} belongs to another GitHub App and this token cannot complete it; reporting on a check run of this workflow instead. Pass the AEGIS app's installation token as github-token (e.g. actions/create-github-app-token) to complete the app's check`,
      );
    }
  }
  const { data } = await github.rest.checks.create({
    ...repo,
    name: VERIFY_CHECK_NAME,
    head_sha: target.headSha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
    external_id: String(target.prNumber),
    ...(target.detailsUrl ? { details_url: target.detailsUrl } : {}),
    output: {
      title: 'Shadow verification running',
      summary: `Control (base) and candidate (head) of PR #${target.prNumber} are being deployed side by side.`,
    },
  });
  return { ...repo, id: data.id, appCreated: false };
}

export interface CheckOutcome {
  conclusion: CheckConclusion;
  title: string;
  summary: string;
}

export async function completeVerifyCheck(
  github: GitHubClient,
  check: VerifyCheckRun,
  outcome: CheckOutcome,
): Promise<void> {
  await github.rest.checks.update({
    owner: check.owner,
    repo: check.repo,
    check_run_id: check.id,
    status: 'completed',
    conclusion: outcome.conclusion,
    completed_at: new Date().toISOString(),
    output: { title: outcome.title, summary: outcome.summary },
    // Re-sent so the button survives the update; it reaches only the app that created the check.
    ...(check.appCreated ? { actions: [REVERIFY_BUTTON] } : {}),
  });
}
