// Whether AEGIS may open one more pull request (DESIGN.md §6 limits). Decided from GitHub itself
// wherever it can be, so that replicas agree without shared state:
// - a fix PR closed unmerged silences its branch (incident + category) for `silenceMs`;
// - at most `maxOpenPrs` open AEGIS PRs per repository and `maxNewPrsPerHour` opened per hour;
// - at most `maxOpenPrsPerApp` across repositories: counted from the open PRs this process last
//   saw in each repository (a replica that never touched a repository does not count it).
import { AEGIS_LABEL } from '../forge/forge.js';
import type { GitHubClient, RepoRef } from './client.js';

export interface PrLimits {
  maxOpenPrs: number;
  maxOpenPrsPerApp: number;
  maxNewPrsPerHour: number;
  silenceMs: number;
}

export interface PrAdmission {
  /** A reason when the new PR must not be opened. */
  refuse(github: GitHubClient, target: RepoRef & { branch: string }): Promise<string | undefined>;
  /** Counts a PR just opened (until the next look at that repository). */
  opened(target: RepoRef): void;
}

const HOUR_MS = 3_600_000;

interface IssueItem {
  state: string;
  created_at: string;
  pull_request?: unknown;
}

export function createPrAdmission(limits: PrLimits, clock: () => Date = () => new Date()): PrAdmission {
  const openByRepo = new Map<string, number>();
  const key = (t: RepoRef) => `${t.owner}/${t.repo}`.toLowerCase();

  return {
    async refuse(github, target) {
      const now = clock().getTime();
      // Three independent reads: asked at once.
      const [silenced, recentPage, openItems] = await Promise.all([
        closedUnmergedSince(github, target, now - limits.silenceMs),
        github.rest.issues.listForRepo({
          owner: target.owner,
          repo: target.repo,
          labels: AEGIS_LABEL,
          state: 'all',
          sort: 'created',
          direction: 'desc',
          per_page: 100,
        }),
        github.paginate(github.rest.issues.listForRepo, {
          owner: target.owner,
          repo: target.repo,
          labels: AEGIS_LABEL,
          state: 'open',
          per_page: 100,
        }),
      ]);
      if (silenced)
        return `PR #${silenced.number} for ${target.branch} was closed without merging at ${silenced.closedAt}; this incident is silenced until ${new Date(Date.parse(silenced.closedAt) + limits.silenceMs).toISOString()}`;
      const pulls = (recentPage.data as IssueItem[]).filter((i) => i.pull_request);
      const openHere = (openItems as IssueItem[]).filter((i) => i.pull_request).length;
      openByRepo.set(key(target), openHere);

      if (openHere >= limits.maxOpenPrs)
        return `${openHere} AEGIS pull requests are open in ${target.owner}/${target.repo} (limit ${limits.maxOpenPrs}, AEGIS_MAX_OPEN_PRS)`;
      const lastHour = pulls.filter((p) => Date.parse(p.created_at) > now - HOUR_MS).length;
      if (lastHour >= limits.maxNewPrsPerHour)
        return `${lastHour} AEGIS pull requests were opened in ${target.owner}/${target.repo} in the last hour (limit ${limits.maxNewPrsPerHour}, AEGIS_MAX_NEW_PRS_PER_HOUR)`;
      const openApp = [...openByRepo.values()].reduce((sum, n) => sum + n, 0);
      if (openApp >= limits.maxOpenPrsPerApp)
        return `${openApp} AEGIS pull requests are open across repositories (limit ${limits.maxOpenPrsPerApp}, AEGIS_MAX_OPEN_PRS_PER_APP)`;
      return undefined;
    },
    opened(target) {
      openByRepo.set(key(target), (openByRepo.get(key(target)) ?? 0) + 1);
    },
  };
}

async function closedUnmergedSince(
  github: GitHubClient,
  target: RepoRef & { branch: string },
  since: number,
): Promise<{ number: number; closedAt: string } | undefined> {
  const { data } = await github.rest.pulls.list({
    owner: target.owner,
    repo: target.repo,
    state: 'closed',
    head: `${target.owner}:${target.branch}`,
    sort: 'updated',
    direction: 'desc',
    per_page: 20,
  });
  const silencing = data.find(
    (p) => p.head.ref === target.branch && !p.merged_at && p.closed_at && Date.parse(p.closed_at) > since,
  );
  return silencing?.closed_at ? { number: silencing.number, closedAt: silencing.closed_at } : undefined;
}
