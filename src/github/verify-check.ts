// The `aegis/verify` check run (DESIGN.md §6): the app creates it queued on the PR's head commit,
// because GitHub sends "Re-run" and requested-action events only to the app that created a check;
// the verify workflow, dispatched on the PR branch, completes it.
import type { Verdict } from '../verify/types.js';
import { type GitHubClient, httpStatus, type RepoRef } from './client.js';

export const VERIFY_CHECK_NAME = 'aegis/verify';
/** requested_action identifier of the "Re-verify" button (GitHub: at most 20 characters). */
export const REVERIFY_ACTION = 'reverify';
export const DEFAULT_VERIFY_WORKFLOW = 'aegis-verify.yml';
/** The check run's button; re-sent whenever the check is updated, so it survives. */
export const REVERIFY_BUTTON = {
  label: 'Re-verify',
  description: 'Run shadow verification again',
  identifier: REVERIFY_ACTION,
};

/**
 * Never a pass unless the verdict is: `inconclusive` is `action_required` (a person must judge the
 * change), not `neutral`, because branch protection counts a neutral required check as passing.
 * `error` (sandbox broke, timed out, the Action crashed) is a `failure` with an `error:` title.
 * Shared by the Action (completing the check itself) and the app (completing it from the report).
 */
export const CHECK_CONCLUSION = {
  pass: 'success',
  fail: 'failure',
  inconclusive: 'action_required',
  error: 'failure',
} as const satisfies Record<Verdict, string>;
export type CheckConclusion = (typeof CHECK_CONCLUSION)[Verdict];

/** A check's `aegis/verify` run on a commit that is not completed yet, and the app that owns it. */
export interface OpenVerifyCheck {
  id: number;
  app?: { id: number; slug?: string };
}

/**
 * The `aegis/verify` check runs on a commit that are still queued or in progress, of every app and
 * every check suite (`filter: all`: the default `latest` could hide an older one still waiting).
 */
export async function openVerifyChecks(
  github: GitHubClient,
  repo: RepoRef,
  sha: string,
): Promise<OpenVerifyCheck[]> {
  const runs = await github.paginate(github.rest.checks.listForRef, {
    ...repo,
    ref: sha,
    check_name: VERIFY_CHECK_NAME,
    filter: 'all',
    per_page: 100,
  });
  return runs
    .filter((run) => run.status !== 'completed')
    .map((run) => ({
      id: run.id,
      ...(run.app ? { app: { id: run.app.id, ...(run.app.slug ? { slug: run.app.slug } : {}) } } : {}),
    }));
}

/** How a verification ended on its check: never a pass unless the verdict was one. */
export interface CheckCompletion {
  conclusion: CheckConclusion | 'cancelled';
  title: string;
  summary: string;
}

/**
 * Completes an `aegis/verify` check run. The app's check keeps its Re-verify button (re-sent, or
 * the update drops it; it reaches only the app that created the check).
 */
export async function completeCheck(
  github: GitHubClient,
  check: RepoRef & { id: number },
  completion: CheckCompletion,
  options: { appCreated: boolean; detailsUrl?: string },
): Promise<void> {
  await github.rest.checks.update({
    owner: check.owner,
    repo: check.repo,
    check_run_id: check.id,
    status: 'completed',
    conclusion: completion.conclusion,
    completed_at: new Date().toISOString(),
    ...(options.detailsUrl ? { details_url: options.detailsUrl } : {}),
    output: { title: completion.title, summary: completion.summary },
    ...(options.appCreated ? { actions: [REVERIFY_BUTTON] } : {}),
  });
}

export interface VerifyTarget extends RepoRef {
  headSha: string;
  prNumber: number;
}

export async function createVerifyCheck(github: GitHubClient, target: VerifyTarget): Promise<{ id: number }> {
  const { data } = await github.rest.checks.create({
    owner: target.owner,
    repo: target.repo,
    name: VERIFY_CHECK_NAME,
    head_sha: target.headSha,
    status: 'queued',
    external_id: String(target.prNumber),
    output: {
      title: 'Waiting for shadow verification',
      summary: `The verify workflow deploys the current and the proposed manifests of PR #${target.prNumber} side by side in a throwaway cluster, drives the same load at both and reports here.`,
    },
    actions: [REVERIFY_BUTTON],
  });
  return { id: data.id };
}

export type DispatchOutcome = { dispatched: true } | { dispatched: false; reason: string };

/**
 * Starts the verify workflow on the PR branch. A repository without the workflow (404) or with one
 * lacking a workflow_dispatch trigger (422) is reported, not thrown: the PR stays open, unverified.
 */
export async function dispatchVerifyWorkflow(
  github: GitHubClient,
  target: RepoRef & { branch: string; prNumber: number; workflow: string },
): Promise<DispatchOutcome> {
  try {
    await github.rest.actions.createWorkflowDispatch({
      owner: target.owner,
      repo: target.repo,
      workflow_id: target.workflow,
      ref: target.branch,
      inputs: { pr: String(target.prNumber) },
    });
    return { dispatched: true };
  } catch (error: unknown) {
    const status = httpStatus(error);
    if (status === 404)
      return {
        dispatched: false,
        reason: `.github/workflows/${target.workflow} was not found; add the AEGIS verify workflow (examples/workflows/) to run shadow verification`,
      };
    if (status === 422)
      return {
        dispatched: false,
        reason: `.github/workflows/${target.workflow} has no workflow_dispatch trigger`,
      };
    throw error;
  }
}
