// `/aegis close`: closes the PR (or incident issue). A closed, unmerged AEGIS PR silences its
// fingerprint for a while (DESIGN.md §6); that check lives with the PR limits, not here.
import type { CommandHandler } from '../command-context.js';
import { postComment } from '../comments.js';

export const close: CommandHandler = async ({ github, target, sender }) => {
  const { owner, repo, number } = target;
  if (target.kind === 'pull') {
    await postComment(
      github,
      target,
      `Closing at @${sender}'s request. AEGIS will not propose a fix for this incident again for a while.`,
    );
    await github.rest.pulls.update({ owner, repo, pull_number: number, state: 'closed' });
    return 'done';
  }
  await postComment(github, target, `Closing at @${sender}'s request.`);
  await github.rest.issues.update({
    owner,
    repo,
    issue_number: number,
    state: 'closed',
    state_reason: 'not_planned',
  });
  return 'done';
};
