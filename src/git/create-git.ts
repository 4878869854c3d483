// The one place that constructs simple-git clients (STYLE.md §4): no prompts, a timeout, and a
// fixed author so that commits made by the bot are recognisable and reproducible.
import { type SimpleGit, simpleGit } from 'simple-git';
import { backgroundNiceness } from '../process/niceness.js';
import { firstErrorLine, ProcessError, runProcess } from '../process/run-process.js';

export interface GitOptions {
  /** Milliseconds without output before a git command is killed. */
  timeoutMs?: number;
  author?: { name: string; email: string };
}

export const BOT_AUTHOR = { name: 'aegis[bot]', email: 'aegis-bot@users.noreply.github.com' } as const;

export function createGit(baseDir: string, options: GitOptions = {}): SimpleGit {
  const author = options.author ?? BOT_AUTHOR;
  return simpleGit({
    baseDir,
    maxConcurrentProcesses: 4,
    timeout: { block: options.timeoutMs ?? 60_000 },
    config: [
      `user.name=${author.name}`,
      `user.email=${author.email}`,
      'core.quotepath=off',
      'advice.detachedHead=false',
    ],
    // simple-git >= 3.36 refuses to run when GIT_ASKPASS (set below, so that prompts fail fast) or
    // EDITOR/PAGER (npm and npx export EDITOR to every script) are in the environment. The bot runs
    // no interactive git command, so these variables cannot be used against it.
    unsafe: { allowUnsafeAskPass: true, allowUnsafeEditor: true, allowUnsafePager: true },
  }).env({
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'echo',
    LC_ALL: 'C',
  });
}

export interface PlumbingOptions {
  /** Extra environment (e.g. GIT_INDEX_FILE for a temporary index). */
  env?: Record<string, string>;
  timeoutMs?: number;
  /**
   * Run at a lower CPU priority (backgroundNiceness): speculative work started next to the
   * step the caller waits for (the render check), which it must not slow on a small machine.
   */
  background?: boolean;
  /** Exit statuses that are not failures (`git diff --no-index` exits 1 on differences). */
  okExitCodes?: readonly number[];
  /** Written to git's stdin (`cat-file --batch` reads its object names there). */
  input?: string;
  /** Largest stdout accepted, in bytes (default 64 MiB). */
  maxBuffer?: number;
}

/**
 * One git plumbing command, for the hot path of the server. simple-git waits 50 ms after a command
 * that printed nothing (update-index, ls-remote of a missing branch, …) before it resolves; run
 * directly (through the server's process helper, see runProcess), with the same environment, such
 * a command costs a few milliseconds. Resolves with stdout; rejects with the command and git's
 * first stderr line.
 */
export async function gitPlumbing(
  baseDir: string,
  args: readonly string[],
  options: PlumbingOptions = {},
): Promise<string> {
  return (await gitPlumbingBytes(baseDir, args, options)).toString('utf8');
}

/** gitPlumbing's stdout as bytes, for output read by byte offsets (`cat-file --batch`). */
export async function gitPlumbingBytes(
  baseDir: string,
  args: readonly string[],
  options: PlumbingOptions = {},
): Promise<Buffer> {
  try {
    const { stdout } = await runProcess('git', ['-c', 'core.quotepath=off', ...args], {
      cwd: baseDir,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo', LC_ALL: 'C', ...options.env },
      timeoutMs: options.timeoutMs ?? 60_000,
      ...(options.okExitCodes ? { okExitCodes: options.okExitCodes } : {}),
      ...(options.background ? { niceness: backgroundNiceness() } : {}),
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.maxBuffer === undefined ? {} : { maxBuffer: options.maxBuffer }),
    });
    return stdout;
  } catch (error: unknown) {
    const output = (stream: 'stdout' | 'stderr') =>
      error instanceof ProcessError ? error[stream].toString('utf8') : '';
    throw new GitCommandError(
      `git ${subcommand(args)}: ${firstErrorLine(error)}`,
      output('stdout'),
      output('stderr'),
    );
  }
}

/** The git command among its arguments: what follows the leading `-c name=value` options. */
function subcommand(args: readonly string[]): string {
  let at = 0;
  while (args[at] === '-c') at += 2;
  return args[at] ?? '';
}

/** A git command that failed: the message names it with git's first error line; its output is kept. */
export class GitCommandError extends Error {
  constructor(
    message: string,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'GitCommandError';
  }
}
