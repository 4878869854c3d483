// pull_request.closed on an AEGIS branch: a merge counts as an applied fix; closing without a
// merge silences the incident's fingerprint (the PR limits read closed PRs, so this only records).
import type { Logger } from 'pino';
import { parsePrMeta } from '../propose/pr-meta.js';
import { isAegisPull } from './aegis-pull.js';
import type { ChatOpsDeps } from './chatops-deps.js';

export interface ClosedPull {
  number: number;
  merged?: boolean | null;
  merged_at?: string | null;
  body?: string | null;
  head: { ref: string; repo?: { full_name: string } | null };
  base: { repo: { full_name: string } };
}

export function handlePullRequestClosed(
  pull: ClosedPull,
  log: Logger,
  deps: Pick<ChatOpsDeps, 'metrics'>,
): void {
  if (!isAegisPull(pull)) return;
  const fingerprint = parsePrMeta(pull.body)?.fingerprint;
  const fields = { number: pull.number, branch: pull.head.ref, fingerprint };
  // A closed PR still carries GitHub's test merge_commit_sha: only merged/merged_at tell a merge.
  if (pull.merged === true || pull.merged_at) {
    deps.metrics.fixesApplied.inc();
    log.info(fields, 'fix PR merged');
    return;
  }
  log.info(fields, 'fix PR closed unmerged; fingerprint silenced');
}
