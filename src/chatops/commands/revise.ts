// `/aegis revise <instruction>`: hands the instruction to the injected ReviseFn (the LLM path),
// then verifies the new commit. Rules cannot take instructions, so without an LLM it is refused.
import { code } from '../../propose/markdown.js';
import { LABELS } from '../../propose/naming.js';
import { parsePrMeta } from '../../propose/pr-meta.js';
import type { PullCommandHandler } from '../command-context.js';
import { postComment } from '../comments.js';
import { startVerification } from './reverify.js';

export const REVISE_NEEDS_LLM =
  '`/aegis revise` needs the LLM (set OLLAMA_HOST on the AEGIS server): the rule-based analyzers cannot take instructions. Edit the branch by hand, or `/aegis close` this PR.';

export const revise: PullCommandHandler = async (context) => {
  const { github, target, deps, args, log } = context;
  if (!deps.revise) {
    await postComment(github, target, REVISE_NEEDS_LLM);
    return 'answered';
  }
  if (target.labels.includes(LABELS.hold)) {
    await postComment(github, target, 'This PR is on hold; `/aegis unhold` it before asking for a revision.');
    return 'answered';
  }
  const meta = parsePrMeta(target.body);
  if (!meta) {
    await postComment(
      github,
      target,
      'Cannot revise: the PR body lost its hidden `aegis:meta` block, so AEGIS no longer knows the incident.',
    );
    return 'answered';
  }
  const result = await deps.revise({
    github,
    owner: target.owner,
    repo: target.repo,
    pr: { number: target.number, branch: target.branch, headSha: target.headSha, body: target.body },
    meta,
    instruction: args,
    log,
  });
  if (result.outcome === 'refused') {
    await postComment(github, target, `Revision refused: ${result.reason}`);
    return 'answered';
  }
  await postComment(github, target, `Revised in ${code(result.commit.slice(0, 12))}: ${result.summary}`);
  return startVerification(context, result.commit);
};
