// The repo config a verification obeys is read from the base ref, never from the head: the head
// is the change under test, and a PR must not be able to loosen the rules that judge it.
import {
  defaultRepoConfig,
  parseRepoConfig,
  REPO_CONFIG_PATH,
  type RepoConfig,
} from '../config/repo-config.js';
import { createGit } from '../git/create-git.js';

export async function loadRepoConfigAt(repoDir: string, commit: string): Promise<RepoConfig> {
  let text: string;
  try {
    // `./` makes the path relative to repoDir when it is a folder inside the work tree.
    text = await createGit(repoDir).raw(['show', `${commit}:./${REPO_CONFIG_PATH}`]);
  } catch {
    // No .github/aegis.yml at that commit: the documented defaults apply.
    return defaultRepoConfig();
  }
  return parseRepoConfig(text, `${REPO_CONFIG_PATH} at ${commit.slice(0, 12)}`);
}
