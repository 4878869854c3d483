// The merged AEGIS PR behind a synced revision. Argo CD names only the commit; the PR whose merge
// produced it is found among the repository's recently closed PRs. A closed PR also carries a
// test merge_commit_sha, so only `merged_at` says it was merged (DESIGN.md §8).
import { isAegisPull } from '../chatops/aegis-pull.js';
import { labelNames } from '../chatops/labels.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { type PrMeta, parsePrMeta } from '../propose/pr-meta.js';

export interface MergedPull extends RepoRef {
  number: number;
  title: string;
  body: string;
  branch: string;
  base: string;
  mergeSha: string;
  mergedAt: string;
  labels: string[];
  meta?: PrMeta;
}

/** Closed PRs looked through, newest update first: a fix is judged within minutes of its merge. */
const PAGES = 3;

interface PullShape {
  number: number;
  title: string;
  body?: string | null;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  labels: (string | { name?: string | null })[];
  head: { ref: string; repo?: { full_name: string } | null };
  base: { ref: string; repo: { full_name: string } };
}

export async function findMergedPull(
  github: GitHubClient,
  repo: RepoRef,
  mergeSha: string,
): Promise<MergedPull | undefined> {
  for (let page = 1; page <= PAGES; page += 1) {
    const { data } = await github.rest.pulls.list({
      ...repo,
      state: 'closed',
      sort: 'updated',
      direction: 'desc',
      per_page: 100,
      page,
    });
    const found = (data as PullShape[]).find(
      (p) => p.merged_at && p.merge_commit_sha === mergeSha && isAegisPull(p),
    );
    if (found) return toMergedPull(repo, found);
    if (data.length < 100) return undefined;
  }
  return undefined;
}

/** A PR read by number (ChatOps `/aegis revert`); undefined unless it is a merged AEGIS PR. */
export async function getMergedPull(
  github: GitHubClient,
  repo: RepoRef,
  number: number,
): Promise<MergedPull | undefined> {
  const { data } = await github.rest.pulls.get({ ...repo, pull_number: number });
  const pull = data as PullShape;
  if (!pull.merged_at || !pull.merge_commit_sha || !isAegisPull(pull)) return undefined;
  return toMergedPull(repo, pull);
}

export function toMergedPull(repo: RepoRef, p: PullShape): MergedPull {
  const meta = parsePrMeta(p.body);
  return {
    ...repo,
    number: p.number,
    title: p.title,
    body: p.body ?? '',
    branch: p.head.ref,
    base: p.base.ref,
    mergeSha: p.merge_commit_sha ?? '',
    mergedAt: p.merged_at ?? '',
    labels: labelNames(p.labels),
    ...(meta ? { meta } : {}),
  };
}
