// Which forge a command talks to: GitHub with --github OWNER/REPO and GITHUB_TOKEN, otherwise the
// local forge (a state folder, with origin as the remote when pushing).
import path from 'node:path';
import { readCliEnv } from '../config/env.js';
import { UserError } from '../core/errors.js';
import type { Forge } from '../forge/forge.js';
import { parseRepoSlug } from '../forge/github-forge.js';
import { createLocalForge } from '../forge/local-forge.js';
import { createGit } from '../git/create-git.js';
import { VERSION } from './version.js';

export interface ForgeChoice {
  github?: string;
  state?: string;
  /** Top of the local git work tree, when there is one (default state folder: its parent's `.aegis`). */
  repoTop?: string;
  /** Push branches: the local forge then needs the repository's origin. */
  push: boolean;
}

export function defaultStateDir(repoTop: string | undefined): string {
  return repoTop ? path.join(path.dirname(repoTop), '.aegis') : path.resolve('.aegis');
}

export async function openForge(choice: ForgeChoice): Promise<Forge> {
  if (choice.github) {
    const slug = parseRepoSlug(choice.github);
    if (!slug) throw new UserError(`--github ${choice.github}: expected the format OWNER/REPO`);
    const env = readCliEnv();
    if (!env.GITHUB_TOKEN)
      throw new UserError(
        'GITHUB_TOKEN is not set',
        '--github needs a token with contents and pull-requests write in the environment',
      );
    const [{ Octokit }, { createGitHubForge }] = await Promise.all([
      import('@octokit/rest'),
      import('../forge/github-forge.js'),
    ]);
    const octokit = new Octokit({
      auth: env.GITHUB_TOKEN,
      userAgent: `aegis/${VERSION}`,
      ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}),
    });
    return createGitHubForge({ octokit, ...slug, token: env.GITHUB_TOKEN });
  }
  const stateDir = path.resolve(choice.state ?? defaultStateDir(choice.repoTop));
  if (!choice.push) return createLocalForge({ stateDir });
  const top = choice.repoTop ?? '.';
  const origin = await createGit(top)
    .raw(['remote', 'get-url', 'origin'])
    .then((url) => url.trim())
    .catch(() => '');
  if (!origin)
    throw new UserError(
      `${top} has no origin remote`,
      'add one with `git remote add origin URL`, or run without --push',
    );
  return createLocalForge({
    stateDir,
    remoteUrl: path.isAbsolute(origin) ? origin : resolveRemote(top, origin),
  });
}

/** A relative origin path is relative to the work tree; URLs are kept as they are. */
function resolveRemote(top: string, origin: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/|^[^/]+@[^:]+:/i.test(origin) ? origin : path.resolve(top, origin);
}
