// The PR's one `aegis/verify:*` label follows the verification: `running` while the Action works,
// then the verdict's label (DESIGN.md §6 names passed/failed; inconclusive and error have their
// own, never a passed one). Every other verify label the PR carries is removed.

import type { GitHubClient, RepoRef } from '../github/client.js';
import { LABELS } from '../propose/naming.js';
import type { Verdict } from '../verify/types.js';
import type { IssueRef } from './comments.js';
import { addLabels, labelNames, removeLabels } from './labels.js';

export const VERDICT_LABEL: Record<Verdict, string> = {
  pass: LABELS.verifyPassed,
  fail: LABELS.verifyFailed,
  inconclusive: LABELS.verifyInconclusive,
  error: LABELS.verifyError,
};

const VERIFY_LABEL_PREFIX = 'aegis/verify:';

/** One of the `aegis/verify:*` labels: a PR carries one at a time. */
export function isVerifyLabel(label: string): boolean {
  return label.startsWith(VERIFY_LABEL_PREFIX);
}

/** Sets `label` and removes the PR's other verify labels; returns the labels the PR now has. */
export async function setVerifyLabel(
  github: GitHubClient,
  target: IssueRef,
  label: string,
  current: readonly string[],
): Promise<string[]> {
  // Added before the others go, so the PR is never without a verify label in between.
  await addLabels(github, target, [label], current);
  const stale = current.filter((l) => isVerifyLabel(l) && l !== label);
  await removeLabels(github, target, stale, current);
  return [...current.filter((l) => !stale.includes(l) && l !== label), label];
}

/**
 * A verify run that left no verdict: its PRs still at the run's commit lose `running` for `error`
 * (or for `pending` again when the run was cancelled), so no label claims a verification goes on.
 * A PR that moved on is left alone: its newer commit has a verification of its own.
 */
export async function labelRunWithoutVerdict(
  github: GitHubClient,
  repo: RepoRef,
  pulls: readonly number[],
  run: { head_sha: string; conclusion: string | null },
): Promise<void> {
  const label = run.conclusion === 'cancelled' ? LABELS.verifyPending : LABELS.verifyError;
  for (const number of pulls) {
    const { data } = await github.rest.pulls.get({ ...repo, pull_number: number });
    if (data.head.sha !== run.head_sha) continue;
    await setVerifyLabel(github, { ...repo, number }, label, labelNames(data.labels));
  }
}
