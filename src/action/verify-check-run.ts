// The Action's side of the `aegis/verify` check run (DESIGN.md §6): the app queued it on the PR's
// head commit; the Action sets it in progress and completes it when its token may. GitHub lets
// only the app that created a check run modify it, so with the workflow's own GITHUB_TOKEN (the
// GitHub Actions app) the app's check cannot be touched. The Action then leaves it to the app,
// which completes it from the result block in the report comment when the workflow run ends
// (src/chatops/on-workflow-run.ts); a second check of the same name would only confuse the PR.
import { type GitHubClient, httpStatus, type RepoRef } from '../github/client.js';
import {
  type CheckCompletion,
  completeCheck,
  openVerifyChecks,
  VERIFY_CHECK_NAME,
} from '../github/verify-check.js';

export { CHECK_CONCLUSION, type CheckCompletion, type CheckConclusion } from '../github/verify-check.js';

export interface VerifyCheckRun extends RepoRef {
  id: number;
  /** The app's check (its Re-verify button reaches the app) rather than one the Action created. */
  appCreated: boolean;
  /** False when this token may not modify it: the app completes it from the report comment. */
  writable: boolean;
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
  notice: (message: string) => void,
): Promise<VerifyCheckRun> {
  const repo = { owner: target.owner, repo: target.repo };
  // The newest one still waiting: a reverify queues a fresh check on the same commit.
  const queued = (await openVerifyChecks(github, repo, target.headSha)).sort((a, b) => b.id - a.id)[0];
  if (queued) {
    try {
      await github.rest.checks.update({
        ...repo,
        check_run_id: queued.id,
        status: 'in_progress',
        started_at: new Date().toISOString(),
        ...(target.detailsUrl ? { details_url: target.detailsUrl } : {}),
      });
      return { ...repo, id: queued.id, appCreated: true, writable: true };
    } catch (error: unknown) {
      if (httpStatus(error) !== 403) throw error;
      // Expected with the default GITHUB_TOKEN, hence a notice and not a warning.
      notice(
        `the ${VERIFY_CHECK_NAME} check run ${queued.id} belongs to the AEGIS app, which completes it from the report comment when this workflow run ends (this token may not modify it)`,
      );
      return { ...repo, id: queued.id, appCreated: true, writable: false };
    }
  }
  // No check queued (a workflow run the app did not ask for): the Action reports on its own.
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
  return { ...repo, id: data.id, appCreated: false, writable: true };
}

/** Completes the check, or leaves it to the app when this token may not (see startVerifyCheck). */
export async function completeVerifyCheck(
  github: GitHubClient,
  check: VerifyCheckRun,
  outcome: CheckCompletion,
): Promise<'completed' | 'left to the app'> {
  if (!check.writable) return 'left to the app';
  await completeCheck(github, check, outcome, { appCreated: check.appCreated });
  return 'completed';
}
