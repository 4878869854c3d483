// `/aegis unhold` on a hold issue of the rollout guard: a maintainer has looked at the failed
// rollout, so AEGIS may remediate that application again. The issue is closed; the record is gone.
import { isHoldIssue } from '../../guard/hold-record.js';
import { LABELS } from '../../propose/naming.js';
import type { CommandHandler } from '../command-context.js';
import { postComment } from '../comments.js';
import { removeLabels } from '../labels.js';
import { unhold } from './hold.js';

export const unholdAnywhere: CommandHandler = async (context) => {
  const { github, target, sender } = context;
  if (target.kind === 'pull') return unhold({ ...context, target });
  if (!isHoldIssue(target)) {
    await postComment(
      github,
      target,
      '`/aegis unhold` works on AEGIS pull requests and on hold issues of the rollout guard.',
    );
    return 'answered';
  }
  await postComment(
    github,
    target,
    `Hold cleared by @${sender}: AEGIS may propose fixes for this application again.`,
  );
  await removeLabels(github, target, [LABELS.hold], target.labels);
  await github.rest.issues.update({
    owner: target.owner,
    repo: target.repo,
    issue_number: target.number,
    state: 'closed',
    state_reason: 'completed',
  });
  return 'done';
};
