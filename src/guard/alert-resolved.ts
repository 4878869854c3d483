// "Healthy through the watch window (and the alert resolved)": resolve-incident comments only on
// open PRs, so a resolved alert is also noted on the merged fix the guard still watches. The
// note is the same RESOLVED_MARKER comment, which the guard looks for when the window ends.
import { upsertComment } from '../chatops/comments.js';
import { labelNames } from '../chatops/labels.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { LABELS } from '../propose/naming.js';
import { parsePrMeta } from '../propose/pr-meta.js';
import { RESOLVED_MARKER } from '../propose/resolve-incident.js';

interface IssueShape {
  number: number;
  body?: string | null;
  labels: (string | { name?: string | null })[];
  pull_request?: { merged_at?: string | null } | null;
}

/** Notes the resolution on each merged, not yet judged AEGIS PR of the incident; their numbers. */
export async function noteResolvedAfterMerge(
  github: GitHubClient,
  repo: RepoRef,
  incident: { fingerprint: string; alertname: string },
): Promise<number[]> {
  const { data } = await github.rest.issues.listForRepo({
    ...repo,
    labels: LABELS.aegis,
    state: 'closed',
    sort: 'updated',
    direction: 'desc',
    per_page: 100,
  });
  const watched = (data as IssueShape[]).filter((item) => {
    const labels = labelNames(item.labels);
    return (
      item.pull_request?.merged_at &&
      parsePrMeta(item.body)?.fingerprint === incident.fingerprint &&
      !labels.includes(LABELS.verifiedInProd) &&
      !labels.includes(LABELS.reverted)
    );
  });
  for (const item of watched)
    await upsertComment(
      github,
      { ...repo, number: item.number },
      RESOLVED_MARKER,
      `The alert \`${incident.alertname}\` resolved after this fix was merged; the rollout guard counts that toward verified-in-prod.`,
    );
  return watched.map((item) => item.number);
}
