// The PR or issue a command was written on, read fresh from GitHub for PRs (the webhook's issue
// object has no branch or head). Anything that is not AEGIS's resolves to undefined: ignored.
import type { GitHubClient, RepoRef } from '../github/client.js';
import { LABELS } from '../propose/naming.js';
import { isAegisPull } from './aegis-pull.js';
import { labelNames } from './labels.js';

interface TargetBase extends RepoRef {
  number: number;
  body: string;
  labels: string[];
  open: boolean;
}
export interface PullTarget extends TargetBase {
  kind: 'pull';
  branch: string;
  headSha: string;
}
export interface IssueTarget extends TargetBase {
  kind: 'issue';
}
export type CommandTarget = PullTarget | IssueTarget;

export interface CommentedIssue {
  number: number;
  body?: string | null;
  state?: string;
  labels?: (string | { name?: string | null })[];
  pull_request?: unknown;
}

export async function resolveCommandTarget(
  github: GitHubClient,
  repo: RepoRef,
  issue: CommentedIssue,
): Promise<CommandTarget | undefined> {
  if (issue.pull_request) {
    const { data } = await github.rest.pulls.get({ ...repo, pull_number: issue.number });
    if (!isAegisPull(data)) return undefined;
    return {
      kind: 'pull',
      ...repo,
      number: data.number,
      body: data.body ?? '',
      labels: labelNames(data.labels),
      open: data.state === 'open',
      branch: data.head.ref,
      headSha: data.head.sha,
    };
  }
  const labels = labelNames(issue.labels);
  if (!labels.includes(LABELS.aegis)) return undefined;
  return {
    kind: 'issue',
    ...repo,
    number: issue.number,
    body: issue.body ?? '',
    labels,
    open: issue.state !== 'closed',
  };
}
