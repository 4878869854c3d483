// Unified diffs made by git itself (`git diff --no-index`) over temporary copies laid out as a/<rel>
// and b/<rel>, so that `git apply` accepts the result at the repository root whether or not the
// checkout is a git repository.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createGit, gitPlumbing } from '../git/create-git.js';

export interface TextPair {
  /** Path shown in the diff headers (repo-relative, `/`-separated). */
  file: string;
  before: string;
  after: string;
}

export async function gitDiff(pairs: TextPair[], context = 3): Promise<string> {
  const changed = pairs.filter((p) => p.before !== p.after);
  if (changed.length === 0) return '';
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'aegis-diff-'));
  try {
    // All sides written at once: each file operation is a round trip through libuv's pool.
    await Promise.all(
      changed.flatMap((p) =>
        (
          [
            ['a', p.before],
            ['b', p.after],
          ] as const
        ).map(async ([side, text]) => {
          const target = path.join(tmp, side, p.file);
          await mkdir(path.dirname(target), { recursive: true });
          await writeFile(target, text);
        }),
      ),
    );
    // Exit status 1 means "differences found".
    const parts = await Promise.all(
      changed.map((p) =>
        gitPlumbing(
          tmp,
          [
            '-c',
            'core.autocrlf=false',
            'diff',
            '--no-index',
            '--no-prefix',
            '--no-color',
            '--no-ext-diff',
            '--no-renames',
            `-U${context}`,
            `a/${p.file}`,
            `b/${p.file}`,
          ],
          { timeoutMs: 30_000, okExitCodes: [0, 1] },
        ),
      ),
    );
    return parts.join('');
  } finally {
    // Not waited for: the diff is read already, and the render check's diff is on the way to a PR.
    rm(tmp, { recursive: true, force: true }).catch(() => {});
  }
}

/**
 * The path of `root` inside its git work tree ('' at the top or outside git). `git apply` run in a
 * subdirectory skips paths it reads as outside that directory, so callers must say how to apply.
 */
export async function gitPrefix(root: string): Promise<string> {
  try {
    return (await createGit(root, { timeoutMs: 10_000 }).raw(['rev-parse', '--show-prefix']))
      .trim()
      .replace(/\/$/, '');
  } catch {
    return '';
  }
}
