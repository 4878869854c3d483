// `/aegis help` (and bare `/aegis`): the commands that work where it was asked.
import { code } from '../../propose/markdown.js';
import { COMMANDS } from '../../propose/pr-body.js';
import type { CommandHandler } from '../command-context.js';
import { postComment } from '../comments.js';
import type { Verb } from '../parse-command.js';

export const ISSUE_VERBS: readonly Verb[] = ['help', 'explain', 'close'];

export function helpText(kind: 'pull' | 'issue'): string {
  const lines = COMMANDS.filter(
    ([command]) => kind === 'pull' || ISSUE_VERBS.some((v) => command === `/aegis ${v}`),
  ).map(([command, what]) => `- ${code(command)}: ${what}`);
  const where = kind === 'pull' ? 'this pull request' : 'this issue';
  return [`AEGIS commands on ${where} (first line of a comment; needs write access):`, '', ...lines].join(
    '\n',
  );
}

export const help: CommandHandler = async ({ github, target }) => {
  await postComment(github, target, helpText(target.kind));
  return 'done';
};
