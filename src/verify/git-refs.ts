// The two trees a verification compares: each ref resolved to a commit and exported with
// `git archive` into its own temp folder. An export, not a worktree: it leaves the user's
// repository (its worktree list, index, checkout) untouched, and a killed run leaves only a
// temp folder behind.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../core/errors.js';
import { createGit } from '../git/create-git.js';

const run = promisify(execFile);

/** The commit a ref names, or a one-line error saying which ref and where. */
export async function resolveCommit(repoDir: string, ref: string): Promise<string> {
  try {
    const sha = await createGit(repoDir).raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    if (sha.trim()) return sha.trim();
  } catch {
    // falls through to the error below: git's own text ("fatal: …") says less than ours
  }
  throw new UserError(
    `${ref} is not a commit in ${repoDir}`,
    'pass a branch, tag or SHA that `git rev-parse` knows (fetch it first in a shallow clone)',
  );
}

/**
 * Files that differ between the two trees (two-dot, not the PR's three-dot view): control runs
 * the base tip and candidate the head, so whatever differs between those two is what the
 * sandboxes will differ by.
 */
export async function changedFiles(repoDir: string, base: string, head: string): Promise<string[]> {
  const out = await createGit(repoDir).raw(['diff', '--name-only', '--no-renames', base, head, '--']);
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/** The repository path of repoDir inside its work tree ('' at the top), to find the app there. */
export async function repoPrefix(repoDir: string): Promise<string> {
  const out = await createGit(repoDir).raw(['rev-parse', '--show-prefix']);
  return out.trim().replace(/\/$/, '');
}

/** Writes the tree of `commit` into a new temp folder; the caller removes it (see removeTree). */
export async function exportTree(repoDir: string, commit: string, label: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `aegis-verify-${label}-`));
  const tree = path.join(dir, 'tree');
  const tar = path.join(dir, 'tree.tar');
  await mkdir(tree);
  try {
    // `-o FILE` rather than stdout: simple-git decodes output as text, which would corrupt a tar.
    await createGit(repoDir).raw(['archive', '--format=tar', '-o', tar, commit]);
    await run('tar', ['-xf', tar, '-C', tree], { timeout: 120_000 });
    await rm(tar, { force: true });
    return tree;
  } catch (error: unknown) {
    await rm(dir, { recursive: true, force: true });
    const why = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new Error(`could not export ${commit.slice(0, 12)} of ${repoDir}: ${why}`);
  }
}

/** Removes a folder made by exportTree (its parent temp folder). */
export async function removeTree(tree: string): Promise<void> {
  await rm(path.dirname(tree), { recursive: true, force: true });
}
