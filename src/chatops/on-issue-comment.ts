// issue_comment.created: a `/aegis …` command on an AEGIS PR or incident issue. Bots and other
// PRs are ignored silently; people without write access get one reply; everyone else gets 👀 on
// receipt, the command, and 🚀 when it is done (or one line saying it failed).
import type { Logger } from 'pino';
import { describeError } from '../core/errors.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { code } from '../propose/markdown.js';
import type { ChatOpsDeps } from './chatops-deps.js';
import { type CommentedIssue, resolveCommandTarget } from './command-target.js';
import { type IssueRef, postComment, type Reaction, reactToComment } from './comments.js';
import { parseCommand } from './parse-command.js';
import { canWrite } from './permissions.js';
import { runCommand } from './run-command.js';

interface Account {
  login: string;
  type?: string;
}

export interface IssueCommentEvent {
  github: GitHubClient;
  log: Logger;
  repo: RepoRef;
  payload: {
    issue: CommentedIssue;
    comment: { id: number; body?: string | null; user?: Account | null };
    sender: Account;
  };
}

export function isBot(account: Account | null | undefined): boolean {
  return account?.type === 'Bot' || (account?.login ?? '').endsWith('[bot]');
}

export async function handleIssueComment(event: IssueCommentEvent, deps: ChatOpsDeps): Promise<void> {
  const { github, log, repo, payload } = event;
  const parsed = parseCommand(payload.comment.body);
  if (parsed.kind === 'none') return;
  // AEGIS's own comments quote commands; another bot's may too. Never answer a bot (no loops).
  if (isBot(payload.sender) || isBot(payload.comment.user)) {
    log.debug({ sender: payload.sender.login }, 'command from a bot ignored');
    return;
  }
  const { verb } = parsed;
  let replyTo: IssueRef | undefined;
  try {
    const target = await resolveCommandTarget(github, repo, payload.issue);
    if (!target) {
      log.debug({ number: payload.issue.number }, 'command outside an AEGIS PR or issue ignored');
      return;
    }
    replyTo = target;
    const sender = payload.sender.login;
    if (!(await canWrite(github, repo, sender))) {
      log.info({ sender, number: target.number, verb }, 'command refused: no write access');
      await postComment(github, target, `@${sender} AEGIS commands need write access to this repository.`);
      return;
    }
    const comment = { ...repo, commentId: payload.comment.id };
    await react(github, comment, 'eyes', log);
    log.info({ sender, number: target.number, verb }, 'command received');
    const status = await runCommand(parsed, { github, target, sender, log, deps });
    if (status === 'done') await react(github, comment, 'rocket', log);
    log.info({ number: target.number, verb, status }, 'command finished');
  } catch (error: unknown) {
    log.error({ err: error, verb, number: payload.issue.number }, 'command failed');
    if (replyTo) await tellFailure(github, replyTo, verb, error, log);
  }
}

/** A reaction is a courtesy: failing to add one must not fail the command. */
async function react(
  github: GitHubClient,
  comment: RepoRef & { commentId: number },
  content: Reaction,
  log: Logger,
): Promise<void> {
  try {
    await reactToComment(github, comment, content);
  } catch (error: unknown) {
    log.warn({ err: error, content }, 'reaction not added');
  }
}

async function tellFailure(
  github: GitHubClient,
  target: IssueRef,
  verb: string,
  error: unknown,
  log: Logger,
): Promise<void> {
  try {
    await postComment(
      github,
      target,
      `AEGIS could not finish ${code(`/aegis ${verb}`)}: ${describeError(error)}. Try again later; the app log has the details.`,
    );
  } catch (replyError: unknown) {
    log.error({ err: replyError }, 'failure reply not posted');
  }
}
