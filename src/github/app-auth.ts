// Per-repository access for the GitHub App: the installation that covers a repository, an Octokit
// acting as that installation, and its token for git over HTTPS. Probot caches installation tokens
// (they live an hour); installation ids are cached here per repository.
import type { Probot } from 'probot';
import { UserError } from '../core/errors.js';
import { type GitHubClient, httpStatus } from './client.js';

export interface RepoAccess {
  github: GitHubClient;
  /** Installation token: contents and pull-requests write on the repository, for `git push`. */
  token: string;
  installationId: number;
}

export interface GitHubAppAuth {
  forRepo(owner: string, repo: string): Promise<RepoAccess>;
}

export function createAppAuth(app: Probot): GitHubAppAuth {
  const installations = new Map<string, number>();
  return {
    async forRepo(owner, repo) {
      const appOctokit = await app.auth();
      const key = `${owner}/${repo}`.toLowerCase();
      let installationId = installations.get(key);
      if (installationId === undefined) {
        try {
          const { data } = await appOctokit.rest.apps.getRepoInstallation({ owner, repo });
          installationId = data.id;
        } catch (error: unknown) {
          if (httpStatus(error) === 404)
            throw new UserError(
              `the AEGIS GitHub App is not installed on ${owner}/${repo}`,
              'install the app on the GitOps repository, or fix the route in AEGIS_ROUTES',
            );
          throw error;
        }
        installations.set(key, installationId);
      }
      const [github, auth] = await Promise.all([
        app.auth(installationId),
        appOctokit.auth({ type: 'installation', installationId }) as Promise<{ token: string }>,
      ]);
      return { github: github as unknown as GitHubClient, token: auth.token, installationId };
    },
  };
}
