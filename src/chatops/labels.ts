// Label edits on a PR or issue that never fail on state that already holds: adding a label it has
// is skipped, removing one it lacks (a 404) is fine. Concurrent deliveries may race on labels.
import { type GitHubClient, httpStatus } from '../github/client.js';
import type { IssueRef } from './comments.js';

export async function addLabels(
  github: GitHubClient,
  target: IssueRef,
  labels: readonly string[],
  current: readonly string[],
): Promise<void> {
  const missing = labels.filter((l) => !current.includes(l));
  if (missing.length === 0) return;
  await github.rest.issues.addLabels({
    owner: target.owner,
    repo: target.repo,
    issue_number: target.number,
    labels: missing,
  });
}

export async function removeLabels(
  github: GitHubClient,
  target: IssueRef,
  labels: readonly string[],
  current: readonly string[],
): Promise<void> {
  for (const name of labels.filter((l) => current.includes(l))) {
    try {
      await github.rest.issues.removeLabel({
        owner: target.owner,
        repo: target.repo,
        issue_number: target.number,
        name,
      });
    } catch (error: unknown) {
      if (httpStatus(error) !== 404) throw error;
    }
  }
}

/** Label names from a webhook or REST payload, where labels are objects or (rarely) strings. */
export function labelNames(labels: readonly (string | { name?: string | null })[] | undefined): string[] {
  return (labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean);
}
