// Commits a proposal's file contents on top of a base commit with git plumbing (a temporary index,
// hash-object, write-tree, commit-tree): the user's working tree, index and HEAD are never touched.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SimpleGit } from 'simple-git';
import { createGit, type GitOptions } from '../git/create-git.js';
import type { FileEdit } from '../gitops/types.js';

export interface RepoLocation {
  /** Top of the git work tree. */
  top: string;
  /** The GitOps checkout's path inside it ('' or `gitops/`), which edit paths are relative to. */
  prefix: string;
}

export async function locateRepo(dir: string): Promise<RepoLocation | undefined> {
  const git = createGit(dir);
  try {
    const top = (await git.revparse(['--show-toplevel'])).trim();
    const prefix = (await git.revparse(['--show-prefix'])).trim();
    return { top, prefix };
  } catch {
    return undefined;
  }
}

export async function resolveCommit(git: SimpleGit, ref: string): Promise<string | undefined> {
  try {
    return (await git.raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

export type TreeResult = { tree: string } | { mismatch: string };

/** The tree of `base` with the edits applied; a file whose content at `base` is not `before` is a mismatch. */
export async function treeWithEdits(
  repo: RepoLocation,
  base: string,
  edits: FileEdit[],
): Promise<TreeResult> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'aegis-commit-'));
  try {
    const git = createGit(repo.top).env('GIT_INDEX_FILE', path.join(tmp, 'index'));
    await git.raw(['read-tree', base]);
    for (const [i, edit] of edits.entries()) {
      const file = `${repo.prefix}${edit.file}`;
      const entry = (await git.raw(['ls-tree', base, '--', file])).trim();
      const [mode, type, blob] = entry.split(/\s+/);
      if (type !== 'blob' || !mode || !blob) return { mismatch: `${file} does not exist on the base branch` };
      const current = await git.raw(['cat-file', 'blob', blob]);
      if (current !== edit.before)
        return { mismatch: `${file} on the base branch differs from the diagnosed checkout` };
      const scratch = path.join(tmp, `blob-${i}`);
      await writeFile(scratch, edit.after);
      const newBlob = (await git.raw(['hash-object', '-w', '--no-filters', scratch])).trim();
      await git.raw(['update-index', '--cacheinfo', `${mode},${newBlob},${file}`]);
    }
    return { tree: (await git.raw(['write-tree'])).trim() };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export async function commitTree(
  repo: RepoLocation,
  input: { tree: string; parent: string; message: string; date: Date; author?: GitOptions['author'] },
): Promise<string> {
  const stamp = `${Math.floor(input.date.getTime() / 1000)} +0000`;
  const git = createGit(repo.top, input.author ? { author: input.author } : {})
    .env('GIT_AUTHOR_DATE', stamp)
    .env('GIT_COMMITTER_DATE', stamp);
  return (await git.raw(['commit-tree', input.tree, '-p', input.parent, '-m', input.message])).trim();
}

export interface CommitAuthor {
  sha: string;
  name: string;
  email: string;
  committerEmail: string;
}

/** Commits on `head` that `base` does not have, newest first. */
export async function commitsSince(repo: RepoLocation, base: string, head: string): Promise<CommitAuthor[]> {
  const out = await createGit(repo.top).raw(['log', '--format=%H%x09%an%x09%ae%x09%ce', `${base}..${head}`]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha = '', name = '', email = '', committerEmail = ''] = line.split('\t');
      return { sha, name, email, committerEmail };
    });
}

export async function treeOf(repo: RepoLocation, commit: string): Promise<string> {
  return (await createGit(repo.top).raw(['rev-parse', `${commit}^{tree}`])).trim();
}
