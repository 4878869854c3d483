// Both commits of the PR must be in the workspace: control is rendered from the base SHA and
// candidate from the head SHA. actions/checkout with fetch-depth 0 has them; a shallow or
// single-branch checkout may not, so each missing one is fetched from origin (by SHA, which GitHub
// serves, else by the PR's refs). The token, when the origin is on GitHub, goes to git through
// the environment as an http.extraheader, never on a command line or into .git/config.
import { UserError } from '../core/errors.js';
import { gitPlumbing } from '../git/create-git.js';

export interface WantedCommit {
  sha: string;
  /** Refspecs that contain it, tried when fetching the SHA itself is refused. */
  refspecs: string[];
}

export interface FetchAuth {
  token: string;
  /** e.g. https://github.com: only an origin there gets the token. */
  serverUrl: string;
}

export async function ensureCommits(
  repoDir: string,
  wanted: readonly WantedCommit[],
  auth: FetchAuth,
  progress: (message: string) => void,
): Promise<void> {
  const missing: WantedCommit[] = [];
  for (const commit of wanted) if (!(await hasCommit(repoDir, commit.sha))) missing.push(commit);
  if (missing.length === 0) return;
  const env = await authEnv(repoDir, auth);
  for (const commit of missing) {
    progress(`fetching ${commit.sha.slice(0, 12)} from origin (not in the checkout)`);
    for (const refspecs of [[commit.sha], commit.refspecs]) {
      try {
        await gitPlumbing(repoDir, ['fetch', '--no-tags', '--quiet', 'origin', ...refspecs], {
          env,
          timeoutMs: 300_000,
        });
      } catch {
        // the next way of asking, then the error below
      }
      if (await hasCommit(repoDir, commit.sha)) break;
    }
    if (!(await hasCommit(repoDir, commit.sha)))
      throw new UserError(
        `commit ${commit.sha} is not in the workspace and could not be fetched from origin`,
        'check out the GitOps repository with actions/checkout and `fetch-depth: 0`',
      );
  }
}

async function hasCommit(repoDir: string, sha: string): Promise<boolean> {
  return gitPlumbing(repoDir, ['cat-file', '-e', `${sha}^{commit}`]).then(
    () => true,
    () => false,
  );
}

/** GIT_CONFIG_* (git ≥ 2.31) carries the header for this process's git calls only. */
async function authEnv(repoDir: string, auth: FetchAuth): Promise<Record<string, string>> {
  const origin = await gitPlumbing(repoDir, ['remote', 'get-url', 'origin']).catch(() => '');
  const server = new URL(auth.serverUrl);
  let onServer = false;
  try {
    onServer = new URL(origin.trim()).host === server.host;
  } catch {
    // a path or scp-like remote: not GitHub over https, no token
  }
  if (!onServer) return {};
  const basic = Buffer.from(`x-access-token:${auth.token}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `http.${server.origin}/.extraheader`,
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}
