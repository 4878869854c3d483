// Who may command AEGIS (DESIGN.md §6): collaborators with write, maintain or admin. The legacy
// `permission` field folds maintain into write and triage into read; `role_name` has the real role.
import { type GitHubClient, httpStatus, type RepoRef } from '../github/client.js';

const WRITE_ROLES = new Set(['write', 'maintain', 'admin']);

export async function canWrite(github: GitHubClient, repo: RepoRef, username: string): Promise<boolean> {
  try {
    const { data } = await github.rest.repos.getCollaboratorPermissionLevel({
      owner: repo.owner,
      repo: repo.repo,
      username,
    });
    return WRITE_ROLES.has(data.permission) || WRITE_ROLES.has(data.role_name);
  } catch (error: unknown) {
    // Not a collaborator at all (outside contributor on a public repo).
    if (httpStatus(error) === 404) return false;
    throw error;
  }
}

const MAINTAIN_ROLES = new Set(['maintain', 'admin']);

/** Maintainers and admins: `/aegis revert` undoes a merged change, more than write access allows. */
export async function canMaintain(github: GitHubClient, repo: RepoRef, username: string): Promise<boolean> {
  try {
    const { data } = await github.rest.repos.getCollaboratorPermissionLevel({
      owner: repo.owner,
      repo: repo.repo,
      username,
    });
    return data.permission === 'admin' || MAINTAIN_ROLES.has(data.role_name);
  } catch (error: unknown) {
    if (httpStatus(error) === 404) return false;
    throw error;
  }
}
