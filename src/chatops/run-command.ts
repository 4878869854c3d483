// Routes a parsed command to its handler, after the checks every command shares: the verb must
// work on this kind of target, and commands that change a PR need it open.
import { code } from '../propose/markdown.js';
import type { CommandContext, CommandHandler, CommandStatus, PullCommandHandler } from './command-context.js';
import type { CommandTarget } from './command-target.js';
import { close } from './commands/close.js';
import { explain } from './commands/explain.js';
import { help, helpText, ISSUE_VERBS } from './commands/help.js';
import { hold } from './commands/hold.js';
import { reverify } from './commands/reverify.js';
import { revert } from './commands/revert.js';
import { revise } from './commands/revise.js';
import { unholdAnywhere } from './commands/unhold-app.js';
import { postComment } from './comments.js';
import type { ParsedComment, Verb } from './parse-command.js';

const ANY_TARGET: Partial<Record<Verb, CommandHandler>> = { help, explain, close, unhold: unholdAnywhere };
const PULL_ONLY: Partial<Record<Verb, PullCommandHandler>> = { reverify, revise, hold, revert };
/** Verbs that read only, and `revert`, which acts on a merged (closed) PR; the rest need it open. */
const CLOSED_OK: readonly Verb[] = ['help', 'explain', 'revert'];

export async function runCommand(
  parsed: Exclude<ParsedComment, { kind: 'none' }>,
  context: Omit<CommandContext, 'args'>,
): Promise<CommandStatus> {
  const { github, target } = context;
  if (parsed.kind === 'unknown') {
    const guess = parsed.suggestion ? ` Did you mean ${code(`/aegis ${parsed.suggestion}`)}?` : '';
    await postComment(
      github,
      target,
      `Unknown command ${code(`/aegis ${parsed.verb.slice(0, 40)}`)}.${guess}\n\n${helpText(target.kind)}`,
    );
    return 'answered';
  }
  if (parsed.kind === 'usage') {
    await postComment(github, target, `Usage: ${parsed.message}.`);
    return 'answered';
  }
  const { verb, args } = parsed;
  if (!target.open && !CLOSED_OK.includes(verb)) {
    await postComment(
      github,
      target,
      `${code(`/aegis ${verb}`)} needs an open ${noun(target)}; this one is closed.`,
    );
    return 'answered';
  }
  const anywhere = ANY_TARGET[verb];
  if (anywhere) return anywhere({ ...context, args });
  const pullOnly = PULL_ONLY[verb];
  if (target.kind !== 'pull' || !pullOnly) {
    await postComment(
      github,
      target,
      `${code(`/aegis ${verb}`)} works on AEGIS pull requests only; on an incident issue use ${ISSUE_VERBS.map((v) => code(`/aegis ${v}`)).join(', ')}.`,
    );
    return 'answered';
  }
  return pullOnly({ ...context, target, args });
}

function noun(target: CommandTarget): string {
  return target.kind === 'pull' ? 'pull request' : 'issue';
}
