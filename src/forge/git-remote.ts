// Branch transport shared by both forges: ls-remote/fetch to see what the remote holds and a push
// with force-with-lease. The remote URL may carry a token; it never reaches an error message.
import { redact } from '../evidence/redact.js';
import { GitCommandError, gitPlumbing } from '../git/create-git.js';
import type { FetchBranchOptions } from './forge.js';

/** Where fetched remote branches are kept in the local clone (never a branch the user sees). */
export const FETCH_NAMESPACE = 'refs/aegis/remote/';

export interface GitRemote {
  /** A path or URL git accepts; may embed credentials. */
  url: string;
  /** Strings to hide from errors (tokens). */
  secrets?: string[];
}

export async function remoteBranchSha(
  repoDir: string,
  remote: GitRemote,
  branch: string,
  options: FetchBranchOptions = {},
) {
  // Plumbing: an absent branch prints nothing, which simple-git answers 50 ms late.
  const out = await run(remote, () =>
    gitPlumbing(repoDir, ['ls-remote', '--refs', remote.url, `refs/heads/${branch}`], {
      background: options.background ?? false,
    }),
  );
  const sha = out.trim().split(/\s+/)[0];
  return sha ? sha : undefined;
}

export async function fetchRemoteBranch(
  repoDir: string,
  remote: GitRemote,
  branch: string,
  options: FetchBranchOptions = {},
): Promise<string | undefined> {
  const sha = await remoteBranchSha(repoDir, remote, branch, options);
  if (!sha) return undefined;
  const local = `${FETCH_NAMESPACE}${branch}`;
  await run(remote, () =>
    gitPlumbing(repoDir, ['fetch', '--no-tags', '--quiet', remote.url, `+refs/heads/${branch}:${local}`], {
      background: options.background ?? false,
    }),
  );
  return sha;
}

export async function pushWithLease(
  repoDir: string,
  remote: GitRemote,
  request: { branch: string; sha: string; expected: string | null },
): Promise<void> {
  const ref = `refs/heads/${request.branch}`;
  await run(remote, () =>
    gitPlumbing(repoDir, [
      'push',
      '--porcelain',
      '--no-verify',
      `--force-with-lease=${ref}:${request.expected ?? ''}`,
      remote.url,
      `${request.sha}:${ref}`,
    ]).catch((error: unknown) => {
      throw withRefusal(error);
    }),
  );
}

/**
 * git's reason for refusing the ref: `--porcelain` prints it on stdout (`!\t<src>:<dst>\t[rejected]
 * (stale info)`), while stderr only says that some refs failed. Callers tell a lost lease by it.
 */
function withRefusal(error: unknown): unknown {
  if (!(error instanceof GitCommandError)) return error;
  const refused = error.stdout
    .split('\n')
    .filter((line) => line.startsWith('!'))
    .map((line) => line.split('\t').slice(1).join(' '));
  return refused.length ? new Error(`${error.message} (${refused.join('; ')})`) : error;
}

async function run<T>(remote: GitRemote, task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    // gitPlumbing names the command (`git push: …`).
    throw new Error(scrub(message, remote).trim().split('\n').slice(0, 3).join(' '));
  }
}

/** Removes the remote's tokens, any `user:password@` in URLs, and known secret shapes. */
export function scrub(text: string, remote: GitRemote): string {
  let out = text;
  for (const secret of remote.secrets ?? []) if (secret) out = out.split(secret).join('***');
  out = out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
  return redact(out);
}
