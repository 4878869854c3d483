// `/aegis reverify`: a fresh aegis/verify check and workflow run on the PR's current head.

import type { CommandContext, CommandStatus, PullCommandHandler } from '../command-context.js';
import type { PullTarget } from '../command-target.js';
import { postComment } from '../comments.js';
import { reverifyPullRequest } from '../reverify-pull-request.js';

export const reverify: PullCommandHandler = (context) => startVerification(context, context.target.headSha);

/** Shared with revise, which verifies the commit it just pushed. */
export async function startVerification(
  { github, target, deps }: CommandContext<PullTarget>,
  headSha: string,
): Promise<CommandStatus> {
  const { dispatch } = await reverifyPullRequest(github, {
    owner: target.owner,
    repo: target.repo,
    number: target.number,
    branch: target.branch,
    headSha,
    workflow: deps.verifyWorkflow,
    labels: target.labels,
  });
  if (!dispatch.dispatched) {
    await postComment(github, target, `Shadow verification was not started: ${dispatch.reason}.`);
    return 'answered';
  }
  return 'done';
}
