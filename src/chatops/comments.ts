// Comments and reactions AEGIS writes on a PR or issue. Every body is redacted here, the one place
// ChatOps text leaves the process (STYLE.md §9), and echoes untrusted input only through it.

import { redact } from '../evidence/redact.js';
import { isBotMarkedComment, withMarker } from '../forge/forge.js';
import type { GitHubClient, RepoRef } from '../github/client.js';

export interface IssueRef extends RepoRef {
  /** PR or issue number (PRs are issues for comments and labels). */
  number: number;
}

export async function postComment(github: GitHubClient, target: IssueRef, body: string): Promise<void> {
  await github.rest.issues.createComment({
    owner: target.owner,
    repo: target.repo,
    issue_number: target.number,
    body: redact(body),
  });
}

/** The comments of a PR or issue that carry `marker` and were written by a bot, oldest first. */
export async function markedComments(github: GitHubClient, target: IssueRef, marker: string) {
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.number,
    per_page: 100,
  });
  return comments.filter((c) => isBotMarkedComment(c, marker));
}

/** The one comment carrying `marker`: edited in place when it exists, so reruns do not pile up. */
export async function upsertComment(
  github: GitHubClient,
  target: IssueRef,
  marker: string,
  body: string,
): Promise<'created' | 'updated' | 'unchanged'> {
  const text = withMarker(marker, redact(body));
  const [existing] = await markedComments(github, target, marker);
  if (!existing) {
    await github.rest.issues.createComment({
      owner: target.owner,
      repo: target.repo,
      issue_number: target.number,
      body: text,
    });
    return 'created';
  }
  if (existing.body === text) return 'unchanged';
  await github.rest.issues.updateComment({
    owner: target.owner,
    repo: target.repo,
    comment_id: existing.id,
    body: text,
  });
  return 'updated';
}

export type Reaction = 'eyes' | 'rocket';

export async function reactToComment(
  github: GitHubClient,
  target: RepoRef & { commentId: number },
  content: Reaction,
): Promise<void> {
  await github.rest.reactions.createForIssueComment({
    owner: target.owner,
    repo: target.repo,
    comment_id: target.commentId,
    content,
  });
}
