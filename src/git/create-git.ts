// The one place that constructs simple-git clients (STYLE.md §4): no prompts, a timeout, and a
// fixed author so that commits made by the bot are recognisable and reproducible.
import { execFile } from 'node:child_process';
import os from 'node:os';
import { type SimpleGit, simpleGit } from 'simple-git';

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
   * Run at a lower CPU priority (BACKGROUND_NICENESS above the server's own): speculative work started next to the
   * step the caller waits for (the render check), which it must not slow on a small machine.
   */
  background?: boolean;
}

export const BACKGROUND_NICENESS = 10;

/**
 * One git plumbing command, for the hot path of the server. simple-git waits 50 ms after a command
 * that printed nothing (update-index, ls-remote of a missing branch, …) before it resolves; run
 * directly, with the same environment, such a command costs a few milliseconds. Resolves with
 * stdout; rejects with the command and git's first stderr line.
 */
export function gitPlumbing(
  baseDir: string,
  args: readonly string[],
  options: PlumbingOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      ['-c', 'core.quotepath=off', ...args],
      {
        cwd: baseDir,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo', LC_ALL: 'C', ...options.env },
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const detail = stderr.trim().split('\n')[0] || error.message.split('\n')[0];
        reject(new Error(`git ${args[0] ?? ''}: ${detail}`));
      },
    );
    if (options.background && child.pid !== undefined) {
      try {
        // Relative to the server's own niceness (19 is the lowest priority).
        os.setPriority(child.pid, Math.min(19, os.getPriority() + BACKGROUND_NICENESS));
      } catch {
        // It may have exited already; its priority then no longer matters.
      }
    }
  });
}
