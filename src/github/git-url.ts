// Where the app pushes fix branches: `https://github.com/OWNER/REPO.git` with the installation
// token as the password (GitHub's documented `x-access-token` user). AEGIS_GIT_BASE_URL points at
// GitHub Enterprise, or, in tests and the local demo, at a folder of bare repositories.
import path from 'node:path';
import type { GitRemote } from '../forge/git-remote.js';

export const DEFAULT_GIT_BASE_URL = 'https://github.com';

export function gitRemoteFor(
  owner: string,
  repo: string,
  token: string,
  baseUrl = DEFAULT_GIT_BASE_URL,
): GitRemote {
  if (!/^https?:\/\//i.test(baseUrl)) {
    // A local folder (tests, demo): no credentials to carry.
    return { url: path.join(baseUrl, owner, `${repo}.git`) };
  }
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/${owner}/${repo}.git`);
  url.username = 'x-access-token';
  url.password = token;
  return { url: url.toString(), secrets: [token, encodeURIComponent(token)] };
}
