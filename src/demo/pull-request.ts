// The demo's side of the pull request after the bot opened it: fetch its branch, record the
// verification on it as the verify Action would (the one report comment, the verify label), and
// merge it for real — a merge commit on the origin's main — then mark it merged in the local forge.
import { isVerifyLabel, VERDICT_LABEL } from '../chatops/verify-labels.js';
import type { PullRequest } from '../forge/forge.js';
import type { LocalForge } from '../forge/local-forge.js';
import { createGit } from '../git/create-git.js';
import { REPORT_MARKER_NAME } from '../verify/report-markdown.js';
import type { Verdict } from '../verify/types.js';
import { DEMO_AUTHOR } from './gitops-repo.js';

/** The PR branch as `origin/<branch>` in the clone, so that verification can read it. */
export async function fetchPrBranch(clone: string, branch: string): Promise<string> {
  const ref = `refs/remotes/origin/${branch}`;
  await createGit(clone).raw(['fetch', '--quiet', '--no-tags', 'origin', `+refs/heads/${branch}:${ref}`]);
  return `origin/${branch}`;
}

export async function recordVerification(
  forge: LocalForge,
  pr: PullRequest,
  verdict: Verdict,
  reportMarkdown: string,
): Promise<void> {
  await forge.upsertComment(pr.number, REPORT_MARKER_NAME, reportMarkdown);
  // The Action's own mapping: every verdict has its label, inconclusive and error included.
  const label = VERDICT_LABEL[verdict];
  const current = (await forge.findOpenPr(pr.branch))?.labels ?? pr.labels;
  // Added before the others go, as the Action does.
  await forge.addLabels(pr.number, [label]);
  for (const stale of current.filter((l) => isVerifyLabel(l) && l !== label))
    await forge.removeLabel(pr.number, stale);
}

/** `git merge --no-ff` of the PR branch into main, pushed to origin; the merge commit. */
export async function mergePr(clone: string, pr: PullRequest, head: string): Promise<string> {
  const git = createGit(clone, { author: DEMO_AUTHOR });
  await git.raw(['fetch', '--quiet', '--no-tags', 'origin', pr.base]);
  await git.raw(['checkout', '--quiet', pr.base]);
  await git.raw(['merge', '--quiet', '--ff-only', `origin/${pr.base}`]);
  await git.raw([
    'merge',
    '--quiet',
    '--no-ff',
    '-m',
    `Merge pull request #${pr.number} from ${pr.branch}\n\n${pr.title}`,
    head,
  ]);
  await git.raw(['push', '--quiet', 'origin', pr.base]);
  return (await git.revparse(['HEAD'])).trim();
}
