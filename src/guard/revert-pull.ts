// The revert itself (DESIGN.md §8): `git revert` of the merge on a fresh checkout of the base,
// committed by the bot, pushed to `aegis/revert/<pr>-<sha8>` and opened as a PR. Never `argocd app
// rollback`: Git stays the truth and Argo CD syncs the revert like any change. The branch is the
// idempotency key: a retry, a duplicate notification or another replica adopts what exists.

import { redact } from '../evidence/redact.js';
import type { Forge, PullRequest } from '../forge/forge.js';
import type { GitRemote } from '../forge/git-remote.js';
import { createGit } from '../git/create-git.js';
import type { CheckoutCache } from '../github/checkout-cache.js';
import { LABELS, revertBranch } from '../propose/naming.js';
import { renderPrMeta } from '../propose/pr-meta.js';
import type { MergedPull } from './merged-pull.js';

export interface RevertRequest {
  pull: MergedPull;
  /** Why, one line each, for the commit, the PR body and the comment. */
  reasons: string[];
  /** The revision the revert returns to, when Argo CD's history named one. */
  knownGood?: string;
}

export interface RevertDeps {
  forge: Forge;
  checkouts: CheckoutCache;
  remote: GitRemote;
}

export interface RevertResult {
  pr: PullRequest;
  branch: string;
  /** False when the branch or PR already existed (a duplicate or a retry). */
  created: boolean;
}

export async function openRevertPr(deps: RevertDeps, request: RevertRequest): Promise<RevertResult> {
  const { pull } = request;
  const branch = revertBranch(pull.number, pull.mergeSha);
  const open = await deps.forge.findOpenPr(branch);
  if (open) return { pr: open, branch, created: false };
  const target = { owner: pull.owner, repo: pull.repo, base: pull.base, remote: deps.remote };
  const pushed = await deps.checkouts.withCheckout(target, async (checkout) => {
    if (await deps.forge.fetchBranch(checkout.dir, branch)) return false;
    const sha = await revertCommit(checkout.dir, request);
    try {
      await deps.forge.pushBranch({ repoDir: checkout.dir, branch, sha, expected: null });
    } catch (error: unknown) {
      // Another replica pushed the same branch meanwhile: its revert is as good as ours.
      if (!(await deps.forge.fetchBranch(checkout.dir, branch))) throw error;
      return false;
    }
    return true;
  });
  const pr = await deps.forge.createPr({
    branch,
    base: pull.base,
    title: revertTitle(pull),
    body: revertBody(request, branch),
    labels: [LABELS.aegis, LABELS.revert],
  });
  return { pr, branch, created: pushed };
}

/** One bot commit on the base tip that undoes the merge; -m 1 for a merge commit (two parents). */
async function revertCommit(dir: string, request: RevertRequest): Promise<string> {
  const git = createGit(dir);
  const sha = request.pull.mergeSha;
  const parents = (await git.raw(['rev-list', '--parents', '-n', '1', sha])).trim().split(/\s+/).length - 1;
  try {
    await git.raw(['revert', '--no-commit', ...(parents > 1 ? ['-m', '1'] : []), sha]);
  } catch (error: unknown) {
    await git.raw(['revert', '--abort']).catch(() => undefined);
    const detail = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new Error(
      `git revert of ${sha.slice(0, 12)} on ${request.pull.base} failed (${detail}); later commits touch the same lines, revert #${request.pull.number} by hand`,
    );
  }
  await git.raw(['commit', '--quiet', '--no-verify', '-m', revertMessage(request)]);
  return (await git.revparse(['HEAD'])).trim();
}

function revertTitle(pull: MergedPull): string {
  const subject = pull.meta?.subject ?? pull.branch.split('/').at(-2) ?? 'fix';
  return redact(`revert(${subject}): undo #${pull.number} after a failed rollout [aegis]`);
}

function revertMessage({ pull, reasons }: RevertRequest): string {
  return redact(
    [
      `revert: undo #${pull.number} after a failed rollout`,
      '',
      `This reverts commit ${pull.mergeSha}.`,
      '',
      ...reasons.map((r) => `- ${r}`),
      '',
      `Aegis-Revert-Of: #${pull.number}`,
      ...(pull.meta ? [`Aegis-Incident: ${pull.meta.fingerprint}`] : []),
      '',
    ].join('\n'),
  );
}

function revertBody({ pull, reasons, knownGood }: RevertRequest, branch: string): string {
  const lines = [
    '## Summary',
    '',
    `The rollout guard reverts #${pull.number} (\`${pull.title}\`), merged as \`${pull.mergeSha.slice(0, 12)}\`, because its rollout failed:`,
    '',
    ...reasons.map((r) => `- ${r}`),
    '',
    '## Rollout and revert plan',
    '',
    `- This PR is \`git revert\` of the merge on \`${pull.base}\`; Argo CD syncs it like any change (AEGIS never runs \`argocd app rollback\`).`,
    ...(knownGood
      ? [`- The last revision Argo CD deployed before the fix: \`${knownGood.slice(0, 12)}\`.`]
      : []),
    '- AEGIS holds remediation of this application until a maintainer comments `/aegis unhold` on the hold issue.',
    '- AEGIS never reverts this revert.',
  ];
  const meta = pull.meta
    ? `\n\n${renderPrMeta({ ...pull.meta, branch, phase: 'proposed', revertOf: pull.number })}`
    : '';
  return redact(lines.join('\n')) + meta;
}
