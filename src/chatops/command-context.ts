// What every command handler receives: the client for this installation, the PR or issue, the
// arguments after the verb, who asked, and the server's dependencies.
import type { Logger } from 'pino';
import type { GitHubClient } from '../github/client.js';
import type { ChatOpsDeps } from './chatops-deps.js';
import type { CommandTarget, PullTarget } from './command-target.js';

export interface CommandContext<T extends CommandTarget = CommandTarget> {
  github: GitHubClient;
  target: T;
  args: string;
  /** Login of the collaborator who wrote the command. */
  sender: string;
  log: Logger;
  deps: ChatOpsDeps;
}

/** `done` when the command did its work; `answered` when AEGIS only replied why it did not. */
export type CommandStatus = 'done' | 'answered';

export type CommandHandler<T extends CommandTarget = CommandTarget> = (
  context: CommandContext<T>,
) => Promise<CommandStatus>;

/** Commands that act on a PR's branch or verification; they make no sense on an issue. */
export type PullCommandHandler = CommandHandler<PullTarget>;
