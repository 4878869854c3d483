// pull_request.closed on an AEGIS branch: a merge counts as an applied fix and, with the rollout
// guard, starts watching its Argo CD rollout (DESIGN.md §8); closing without a merge silences the
// incident's fingerprint (the PR limits read closed PRs, so this only records).
import type { Logger } from 'pino';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { toMergedPull } from '../guard/merged-pull.js';
import { parsePrMeta } from '../propose/pr-meta.js';
import { isAegisPull } from './aegis-pull.js';
import type { ChatOpsDeps } from './chatops-deps.js';

export interface ClosedPull {
  number: number;
  merged?: boolean | null;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  title?: string;
  body?: string | null;
  labels?: (string | { name?: string | null })[];
  head: { ref: string; repo?: { full_name: string } | null };
  base: { ref?: string; repo: { full_name: string } };
}

export async function handlePullRequestClosed(
  pull: ClosedPull,
  log: Logger,
  deps: Pick<ChatOpsDeps, 'metrics' | 'guard'>,
  where?: { github: GitHubClient; repo: RepoRef },
): Promise<void> {
  if (!isAegisPull(pull)) return;
  const fingerprint = parsePrMeta(pull.body)?.fingerprint;
  const fields = { number: pull.number, branch: pull.head.ref, fingerprint };
  // A closed PR still carries GitHub's test merge_commit_sha: only merged/merged_at tell a merge.
  if (pull.merged === true || pull.merged_at) {
    deps.metrics.fixesApplied.inc();
    log.info(fields, 'fix PR merged');
    if (deps.guard && where && pull.merge_commit_sha) {
      const merged = toMergedPull(where.repo, {
        ...pull,
        title: pull.title ?? '',
        labels: pull.labels ?? [],
        base: { ...pull.base, ref: pull.base.ref ?? 'main' },
      });
      await deps.guard.startWatch(where.github, merged);
      log.info({ ...fields, mergeSha: pull.merge_commit_sha }, 'rollout watch started');
    }
    return;
  }
  log.info(fields, 'fix PR closed unmerged; fingerprint silenced');
}
