// `/aegis hold` and `/aegis unhold`: the aegis/hold label, which stops AEGIS updating the PR.
import { LABELS } from '../../propose/naming.js';
import type { PullCommandHandler } from '../command-context.js';
import { postComment } from '../comments.js';
import { addLabels, removeLabels } from '../labels.js';

export const hold: PullCommandHandler = async ({ github, target }) => {
  await addLabels(github, target, [LABELS.hold], target.labels);
  await postComment(github, target, 'On hold: AEGIS will not update this PR until `/aegis unhold`.');
  return 'done';
};

export const unhold: PullCommandHandler = async ({ github, target }) => {
  await removeLabels(github, target, [LABELS.hold], target.labels);
  await postComment(github, target, 'Hold lifted: AEGIS may update this PR again.');
  return 'done';
};
