// One working copy per GitOps repository, reused across incidents: the first incident clones, the
// next ones fetch only what changed (a cold clone of a large GitOps repository takes seconds). The
// tree is reset to the remote base before each use; incidents on one repository take turns
// because they share the tree. No token is ever written to .git/config: every fetch passes the URL.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type GitRemote, scrub } from '../forge/git-remote.js';
import { createGit, gitPlumbing } from '../git/create-git.js';

export interface Checkout {
  /** Top of the working copy. */
  dir: string;
  /** The base branch's commit the tree holds. */
  sha: string;
}

export interface CheckoutTarget {
  owner: string;
  repo: string;
  base: string;
  remote: GitRemote;
}

export interface CheckoutCache {
  /** Runs `task` on a working copy at the remote base's newest commit, one task per repo at a time. */
  withCheckout<T>(target: CheckoutTarget, task: (checkout: Checkout) => Promise<T>): Promise<T>;
}

export function createCheckoutCache(rootDir: string): CheckoutCache {
  const turns = new Map<string, Promise<unknown>>();
  // Folders this cache has made repositories of: not asked again on every incident.
  const initialized = new Set<string>();
  return {
    withCheckout(target, task) {
      const dir = path.join(rootDir, safe(target.owner), safe(target.repo));
      const previous = turns.get(dir) ?? Promise.resolve();
      const run = previous.then(async () => task(await refresh(dir, target, initialized)));
      const settled = run.catch(() => undefined);
      turns.set(dir, settled);
      // Forget finished repositories so the map does not grow with every repo ever routed.
      void settled.then(() => {
        if (turns.get(dir) === settled) turns.delete(dir);
      });
      return run;
    },
  };
}

async function refresh(dir: string, target: CheckoutTarget, initialized: Set<string>): Promise<Checkout> {
  await mkdir(dir, { recursive: true });
  const git = createGit(dir);
  try {
    if (!initialized.has(dir)) {
      if (!(await git.checkIsRepo().catch(() => false)) || !(await isTopLevel(dir))) await git.init();
      initialized.add(dir);
    }
    const tracking = `refs/remotes/origin/${target.base}`;
    // Where the checkout is and where the remote's base is, asked side by side. HEAD and the
    // tracking ref are unborn in a fresh folder: rev-parse then fails. Asking the remote costs far
    // less than a fetch that finds nothing new.
    const [local, listed] = await Promise.all([
      gitPlumbing(dir, ['rev-parse', tracking, 'HEAD']).catch(() => ''),
      gitPlumbing(dir, ['ls-remote', '--refs', target.remote.url, `refs/heads/${target.base}`]),
    ]);
    const [known = '', head = ''] = local.trim().split('\n');
    const remote = listed.split(/\s+/)[0];
    if (!remote) throw new Error(`the remote has no branch ${target.base}`);
    if (remote !== known)
      await git.raw([
        'fetch',
        '--quiet',
        '--no-tags',
        target.remote.url,
        `+refs/heads/${target.base}:${tracking}`,
      ]);
    const sha = remote;
    // Nothing AEGIS does writes the tree (commits are built from objects, renders run on copies),
    // so a tree already at the fetched commit is used as it is: checkout and clean of a large
    // repository are the slowest steps of a warm incident.
    if (head !== sha) {
      await git.raw(['checkout', '--quiet', '--force', '--detach', sha]);
      await git.raw(['clean', '--quiet', '-fdx']);
      // Fills the index's cached trees, so the fix commits built from a copy of this index
      // (propose) rehash only the directories they touch.
      await git.raw(['write-tree']);
    }
    return { dir, sha };
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `cannot update the checkout of ${target.owner}/${target.repo} (${target.base}): ${scrub(message, target.remote).trim().split('\n')[0]}`,
    );
  }
}

async function isTopLevel(dir: string): Promise<boolean> {
  const top = (
    await createGit(dir)
      .revparse(['--show-toplevel'])
      .catch(() => '')
  ).trim();
  return path.resolve(top) === path.resolve(dir);
}

/** Owner and repo names are [A-Za-z0-9._-]; anything else must not reach the filesystem. */
function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
}
