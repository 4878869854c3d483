// "Hold remediation for that app until a human clears it" (DESIGN.md §8), kept in GitHub: one open
// issue labelled aegis + aegis/hold per Argo CD Application, with a hidden block naming the
// Application and the workload. The incident handler skips held workloads; `/aegis unhold` on the
// issue closes it. An issue (not a label on the merged PR) because a closed PR takes no commands.
import { labelNames } from '../chatops/labels.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { LABELS } from '../propose/naming.js';

export interface HoldScope {
  application?: string;
  namespace?: string;
  /** Workload name (Deployment, StatefulSet, …). */
  workload?: string;
}

export interface HoldRecord extends HoldScope {
  issue: number;
}

const HOLD_PATTERN = /<!-- aegis:hold (\{[\s\S]*?\}) -->/;

export function holdMarkerLine(scope: HoldScope): string {
  const json = JSON.stringify(scope)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/--/g, '-\\u002d');
  return `<!-- aegis:hold ${json} -->`;
}

export function parseHold(body: string | null | undefined): HoldScope | undefined {
  const match = HOLD_PATTERN.exec(body ?? '');
  if (!match) return undefined;
  try {
    const raw = JSON.parse(match[1] ?? '') as Record<string, unknown>;
    const pick = (key: string) => (typeof raw[key] === 'string' ? { [key]: raw[key] as string } : {});
    return { ...pick('application'), ...pick('namespace'), ...pick('workload') };
  } catch {
    return undefined;
  }
}

/** The open hold records of a repository. */
export async function listHolds(github: GitHubClient, repo: RepoRef): Promise<HoldRecord[]> {
  const items = (await github.paginate(github.rest.issues.listForRepo, {
    ...repo,
    labels: `${LABELS.aegis},${LABELS.hold}`,
    state: 'open',
    per_page: 100,
  })) as { number: number; body?: string | null; pull_request?: unknown }[];
  return items.flatMap((item) => {
    const scope = item.pull_request ? undefined : parseHold(item.body);
    return scope ? [{ ...scope, issue: item.number }] : [];
  });
}

/** A hold covers the same Application, or the same namespace and workload. */
export function findHold(holds: readonly HoldRecord[], scope: HoldScope): HoldRecord | undefined {
  return holds.find(
    (h) =>
      (h.application !== undefined && h.application === scope.application) ||
      (h.workload !== undefined &&
        h.workload === scope.workload &&
        (h.namespace ?? '') === (scope.namespace ?? '')),
  );
}

/** Opens the hold issue unless one already covers the scope; returns its number either way. */
export async function recordHold(
  github: GitHubClient,
  repo: RepoRef,
  scope: HoldScope,
  why: { revertedPr: number; revertPr: number },
): Promise<number> {
  const existing = findHold(await listHolds(github, repo), scope);
  if (existing) return existing.issue;
  const what = scope.application ?? `${scope.namespace ?? 'cluster'}/${scope.workload ?? 'unknown'}`;
  const body = [
    `AEGIS reverted #${why.revertedPr} (revert PR #${why.revertPr}) after its rollout failed, and holds`,
    `remediation of \`${what}\`: new alerts for it get no AEGIS pull request until a maintainer`,
    'has looked. Comment `/aegis unhold` here to clear the hold.',
    '',
    holdMarkerLine(scope),
  ].join('\n');
  const { data } = await github.rest.issues.create({
    ...repo,
    title: `Remediation held for ${what} after a revert [aegis]`,
    body,
    labels: [LABELS.aegis, LABELS.hold],
  });
  return data.number;
}

/** Whether an issue is a hold record (for `/aegis unhold`). */
export function isHoldIssue(issue: { body?: string | null; labels?: (string | { name?: string | null })[] }) {
  return labelNames(issue.labels).includes(LABELS.hold) && parseHold(issue.body) !== undefined;
}
