// Starts shadow verification of a PR's current head: a fresh queued `aegis/verify` check on the
// head commit, the verify workflow dispatched on the PR branch, and the verify label back to
// pending. Used by `/aegis reverify`, the check's Re-run/Re-verify buttons, and after opening a PR.
import type { GitHubClient, RepoRef } from '../github/client.js';
import { createVerifyCheck, type DispatchOutcome, dispatchVerifyWorkflow } from '../github/verify-check.js';
import { LABELS } from '../propose/naming.js';
import { addLabels, removeLabels } from './labels.js';

export interface ReverifyTarget extends RepoRef {
  number: number;
  branch: string;
  headSha: string;
  /** Workflow file name under .github/workflows/. */
  workflow: string;
  /** The PR's current labels, so only labels it carries are removed. */
  labels: readonly string[];
}

export interface ReverifyResult {
  checkId: number;
  dispatch: DispatchOutcome;
}

const STALE_VERIFY_LABELS = [
  LABELS.verifyRunning,
  LABELS.verifyPassed,
  LABELS.verifyFailed,
  LABELS.verifyInconclusive,
  LABELS.verifyError,
];

export async function reverifyPullRequest(
  github: GitHubClient,
  target: ReverifyTarget,
): Promise<ReverifyResult> {
  const { owner, repo, number } = target;
  const check = await createVerifyCheck(github, { owner, repo, headSha: target.headSha, prNumber: number });
  const dispatch = await dispatchVerifyWorkflow(github, {
    owner,
    repo,
    branch: target.branch,
    prNumber: number,
    workflow: target.workflow,
  });
  // Pending also when the dispatch failed: the head is unverified either way, and a stale "passed"
  // must never outlive the commit it was about.
  const issue = { owner, repo, number };
  await addLabels(github, issue, [LABELS.verifyPending], target.labels);
  await removeLabels(github, issue, STALE_VERIFY_LABELS, target.labels);
  return { checkId: check.id, dispatch };
}
