// `/aegis explain`: the diagnosis folded into one comment, edited in place on every explain.

import type { CommandHandler } from '../command-context.js';
import { postComment, upsertComment } from '../comments.js';
import { EXPLAIN_MARKER, renderExplainComment } from '../explain-comment.js';

export const explain: CommandHandler = async ({ github, target }) => {
  const text = renderExplainComment(target.body);
  if (!text) {
    await postComment(
      github,
      target,
      'Nothing to explain: the body no longer has the AEGIS Diagnosis section or its `aegis:meta` block (was it edited?).',
    );
    return 'answered';
  }
  await upsertComment(github, target, EXPLAIN_MARKER, text);
  return 'done';
};
