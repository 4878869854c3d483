// Commits a proposal's file contents on top of a base commit with git plumbing (a temporary index,
// hash-object, write-tree, commit-tree): the user's working tree, index and HEAD are never touched.
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SimpleGit } from 'simple-git';
import { BOT_AUTHOR, createGit, type GitOptions, gitPlumbing } from '../git/create-git.js';
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
    // One git process for both answers (each spawn costs tens of milliseconds under load).
    const [top = '', prefix = ''] = (await git.raw(['rev-parse', '--show-toplevel', '--show-prefix'])).split(
      '\n',
    );
    return { top: top.trim(), prefix: prefix.trim() };
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
  options: {
    baseIndex?: string;
    /** Built speculatively while the caller waits for something else: git runs at a lower priority. */
    background?: boolean;
  } = {},
): Promise<TreeResult> {
  if (edits.length === 0) return { tree: await treeOf(repo, base) };
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'aegis-commit-'));
  try {
    // A fixed number of git processes whatever the number of edits: each spawn is the cost here.
    const index = path.join(tmp, 'index');
    const git = {
      raw: (args: string[]) =>
        gitPlumbing(repo.top, args, {
          env: { GIT_INDEX_FILE: index },
          ...(options.background ? { background: true } : {}),
        }),
    };
    const files = edits.map((e) => `${repo.prefix}${e.file}`);
    // An index known to hold `base` (a checkout at that commit) is copied instead of read-tree:
    // with its cached trees, write-tree then rehashes only the edited directories.
    const seeded = options.baseIndex
      ? copyFile(options.baseIndex, index).then(
          () => '',
          () => git.raw(['read-tree', base]),
        )
      : git.raw(['read-tree', base]);
    // The new blobs do not depend on the base: written while the base's entries are listed.
    const writeBlobs = Promise.all(
      edits.map(async (edit, i) => {
        const file = path.join(tmp, `blob-${i}`);
        await writeFile(file, edit.after);
        return file;
      }),
    ).then(async (scratch) =>
      (await git.raw(['hash-object', '-w', '--no-filters', ...scratch])).trim().split('\n'),
    );
    writeBlobs.catch(() => {}); // awaited below; must not go unhandled if listing the base fails
    const [listing] = await Promise.all([git.raw(['ls-tree', '-z', base, '--', ...files]), seeded]);
    const entries = new Map(
      listing
        .split('\0')
        .filter(Boolean)
        .map((line) => {
          const [meta = '', name = ''] = line.split('\t');
          const [mode, type, blob] = meta.split(' ');
          return [name, { mode, type, blob }] as const;
        }),
    );
    const mismatch = edits
      .map((edit, i) => {
        const file = files[i] as string;
        const entry = entries.get(file);
        if (entry?.type !== 'blob' || !entry.mode || !entry.blob)
          return `${file} does not exist on the base branch`;
        // The blob id is the hash of the content: compared without reading the blob back.
        return entry.blob === blobId(edit.before)
          ? undefined
          : `${file} on the base branch differs from the diagnosed checkout`;
      })
      .find(Boolean);
    if (mismatch) {
      await writeBlobs.catch(() => undefined); // settled before its scratch folder is removed
      return { mismatch };
    }
    const blobs = await writeBlobs;
    await git.raw([
      'update-index',
      ...files.flatMap((file, i) => ['--cacheinfo', `${entries.get(file)?.mode},${blobs[i]},${file}`]),
    ]);
    return { tree: (await git.raw(['write-tree'])).trim() };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** git's object id of a blob with this content (SHA-1 of `blob <size>\0<content>`). */
function blobId(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export async function commitTree(
  repo: RepoLocation,
  input: {
    tree: string;
    parent: string;
    message: string;
    date: Date;
    author?: GitOptions['author'];
    /** Made ahead, while the caller waits for something else: git runs at a lower priority. */
    background?: boolean;
  },
): Promise<string> {
  const stamp = `${Math.floor(input.date.getTime() / 1000)} +0000`;
  const author = input.author ?? BOT_AUTHOR;
  const args = ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`];
  return (
    await gitPlumbing(
      repo.top,
      [...args, 'commit-tree', input.tree, '-p', input.parent, '-m', input.message],
      {
        env: { GIT_AUTHOR_DATE: stamp, GIT_COMMITTER_DATE: stamp },
        ...(input.background ? { background: true } : {}),
      },
    )
  ).trim();
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
