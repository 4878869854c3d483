// The AEGIS pull requests a completed verify workflow run belongs to, whose report comment holds
// its verdict. GitHub lists them in `workflow_run.pull_requests` for pull_request-triggered runs,
// but leaves that EMPTY for workflow_dispatch runs (how the app starts a verification) and for
// forks; a dispatched run is then traced by its branch, the PR branch the app dispatched it on.

import { AEGIS_LABEL } from '../forge/forge.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { isAegisBranch, isAegisPull } from './aegis-pull.js';
import { labelNames } from './labels.js';

/** An entry of `workflow_run.pull_requests` (`{url,id,number,head,base}`). */
export interface RunLinkedPull {
  number: number;
  head: { ref: string; repo: { id: number } };
  base: { repo: { id: number } };
}

export interface RunRef {
  head_branch: string | null;
  /** Octokit's types allow null entries. */
  pull_requests: readonly (RunLinkedPull | null)[];
}

export async function verifyRunPulls(github: GitHubClient, repo: RepoRef, run: RunRef): Promise<number[]> {
  const linked = run.pull_requests.filter((p): p is RunLinkedPull => p !== null);
  if (linked.length > 0)
    // A fork's branch may be called aegis/… too: only the repository's own branches are AEGIS's.
    return linked
      .filter((p) => isAegisBranch(p.head.ref) && p.head.repo.id === p.base.repo.id)
      .map((p) => p.number);
  if (!run.head_branch || !isAegisBranch(run.head_branch)) return [];
  // The open AEGIS PR of that branch, whether or not it has moved on since the run started: the
  // report's result block names the commit it verified, and a stale one is ignored there.
  const pulls = await github.paginate(github.rest.pulls.list, {
    ...repo,
    state: 'open',
    head: `${repo.owner}:${run.head_branch}`,
    per_page: 100,
  });
  return pulls
    .filter((p) => isAegisPull(p) && labelNames(p.labels).includes(AEGIS_LABEL))
    .map((p) => p.number);
}
