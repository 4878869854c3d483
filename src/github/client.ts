// The slice of Octokit AEGIS uses. Probot's per-installation `context.octokit` and a plain
// @octokit/rest client both fit, so every GitHub module works in the app, the CLI and tests.
import type { Octokit } from '@octokit/rest';

export type GitHubClient = Pick<Octokit, 'rest' | 'paginate' | 'request'>;

export interface RepoRef {
  owner: string;
  repo: string;
}

/** The HTTP status of an Octokit RequestError, or undefined for anything else. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
