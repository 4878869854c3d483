// Runbook memory kept in GitHub (DESIGN.md §1: "PR labelled verified-in-prod, this is the runbook
// memory"): the merged AEGIS PRs of a repository labelled aegis/verified-in-prod (and the reverted
// ones, so the model also learns what failed), read back from their hidden meta and ranked by
// category, workload and alert like the file runbook. Recording is labelling the PR.
import type { GitHubClient, RepoRef } from '../github/client.js';
import { LABELS } from '../propose/naming.js';
import { parsePrMeta } from '../propose/pr-meta.js';
import { type PastIncident, type RunbookMemory, rank } from './runbook.js';

export interface GitHubRunbook extends RunbookMemory {
  /** Records a fix as verified in production (idempotent). */
  recordVerified(number: number): Promise<void>;
}

interface IssueShape {
  number: number;
  title: string;
  body?: string | null;
  closed_at?: string | null;
  labels: (string | { name?: string | null })[];
  pull_request?: { merged_at?: string | null } | null;
}

const OUTCOME_LABELS = [
  [LABELS.verifiedInProd, 'verified-in-prod'],
  [LABELS.reverted, 'reverted'],
] as const;

/** Most recent first; the memory is a hint for the model, not an archive. */
const MAX_ITEMS = 200;

export function createGitHubRunbook(github: GitHubClient, repo: RepoRef): GitHubRunbook {
  return {
    async similar(query, limit) {
      const entries: PastIncident[] = [];
      for (const [label, outcome] of OUTCOME_LABELS) {
        const { data } = await github.rest.issues.listForRepo({
          ...repo,
          labels: `${LABELS.aegis},${label}`,
          state: 'closed',
          sort: 'updated',
          direction: 'desc',
          per_page: 100,
        });
        for (const item of (data as IssueShape[]).slice(0, MAX_ITEMS)) {
          const entry = toPastIncident(item, outcome);
          if (entry) entries.push(entry);
        }
      }
      // rank() breaks ties by position, newest last.
      entries.sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
      return rank(entries, query, limit);
    },
    async recordVerified(number) {
      await github.rest.issues.addLabels({ ...repo, issue_number: number, labels: [LABELS.verifiedInProd] });
    },
  };
}

function toPastIncident(item: IssueShape, outcome: string): PastIncident | undefined {
  if (!item.pull_request?.merged_at) return undefined;
  const meta = parsePrMeta(item.body);
  if (!meta || meta.revertOf !== undefined) return undefined;
  const workload = meta.workload?.name ?? meta.subject;
  return {
    category: meta.category,
    workload: meta.namespace ? `${meta.namespace}/${workload}` : workload,
    alertname: meta.alertname,
    summary: `#${item.number} ${item.title.replace(/ \[aegis\]$/, '')}`,
    fix: item.title.replace(/^[a-z]+\([^)]*\): /, '').replace(/ \[aegis\]$/, ''),
    outcome,
    ...(meta.namespace ? { namespace: meta.namespace } : {}),
    at: item.pull_request.merged_at,
  };
}
