// `/aegis revert` on a merged AEGIS PR (maintainers only): the rollout guard's revert on demand,
// a `git revert` PR of the merge plus a hold on the application. Never `argocd app rollback`.
import type { PullCommandHandler } from '../command-context.js';
import { postComment } from '../comments.js';
import { canMaintain } from '../permissions.js';

export const REVERT_NEEDS_GUARD =
  '`/aegis revert` needs the rollout guard (the AEGIS GitHub App server with AEGIS_ARGOCD_TOKEN set); revert the merge by hand with `git revert -m 1 <merge sha>`.';

export const revert: PullCommandHandler = async ({ github, target, sender, deps, log }) => {
  if (!(await canMaintain(github, target, sender))) {
    await postComment(
      github,
      target,
      `@${sender} \`/aegis revert\` needs the maintain or admin role on this repository.`,
    );
    return 'answered';
  }
  if (!deps.guard) {
    await postComment(github, target, REVERT_NEEDS_GUARD);
    return 'answered';
  }
  const result = await deps.guard.revertOnDemand(target, target.number, sender, log);
  await postComment(github, target, result.message);
  return result.outcome === 'reverted' ? 'done' : 'answered';
};
