// The forge on GitHub: REST calls through an injected Octokit (the server adds retry/throttle
// plugins; tests inject one with none) and branch pushes with git over HTTPS with an installation
// or user token. The token is only ever part of the push URL, and scrubbed from git's errors.
import { upsertComment } from '../chatops/comments.js';
import type { GitHubClient } from '../github/client.js';
import {
  AEGIS_LABEL,
  type Forge,
  type ForgeItem,
  hasMarker,
  type IncidentIssue,
  type PrInput,
  type PullRequest,
  type UpsertOutcome,
  withMarker,
} from './forge.js';
import { fetchRemoteBranch, type GitRemote, pushWithLease } from './git-remote.js';

export interface GitHubForgeOptions {
  octokit: GitHubClient;
  owner: string;
  repo: string;
  /** Installation or user token with contents and pull-requests write. */
  token: string;
  /** Where branches are pushed; default `https://x-access-token:<token>@github.com/OWNER/REPO.git`. */
  remoteUrl?: string;
}

type Label = string | { name?: string | null };
interface PullData {
  number: number;
  html_url: string;
  title: string;
  body?: string | null;
  state: string;
  merged_at?: string | null;
  labels: Label[];
  head: { ref: string };
  base: { ref: string };
}
interface IssueData {
  number: number;
  html_url: string;
  title: string;
  body?: string | null;
  state: string;
  labels: Label[];
  updated_at?: string;
  pull_request?: { merged_at?: string | null } | null;
}

export function createGitHubForge(options: GitHubForgeOptions): Forge {
  const { octokit, owner, repo } = options;
  const remote: GitRemote = {
    url:
      options.remoteUrl ??
      `https://x-access-token:${encodeURIComponent(options.token)}@github.com/${owner}/${repo}.git`,
    secrets: [options.token, encodeURIComponent(options.token)],
  };
  const rest = octokit.rest;

  const openIssues = () =>
    octokit.paginate(rest.issues.listForRepo, {
      owner,
      repo,
      labels: AEGIS_LABEL,
      state: 'open',
      per_page: 100,
    });

  async function findOpenPr(branch: string): Promise<PullRequest | undefined> {
    const { data } = await rest.pulls.list({ owner, repo, head: `${owner}:${branch}`, state: 'open' });
    const pr = (data as PullData[]).find((p) => p.head.ref === branch);
    return pr ? toPr(pr) : undefined;
  }

  async function addLabels(number: number, labels: string[]): Promise<void> {
    if (labels.length) await rest.issues.addLabels({ owner, repo, issue_number: number, labels });
  }

  return {
    description: `github.com/${owner}/${repo}`,
    fetchBranch: (repoDir, branch, options) => fetchRemoteBranch(repoDir, remote, branch, options),
    pushBranch: (request) => pushWithLease(request.repoDir, remote, request),
    findOpenPr,
    async createPr(input: PrInput) {
      let created: PullData;
      try {
        ({ data: created } = await rest.pulls.create({
          owner,
          repo,
          head: input.branch,
          base: input.base,
          title: input.title,
          body: input.body,
          maintainer_can_modify: true,
        }));
      } catch (error: unknown) {
        // Another replica opened it between our lookup and this call: adopt it (one PR per branch).
        const existing = isAlreadyExists(error) ? await findOpenPr(input.branch) : undefined;
        if (!existing) throw error;
        return existing;
      }
      await addLabels(created.number, input.labels);
      return { ...toPr(created), labels: input.labels };
    },
    async updatePr(number, update) {
      const { data } = await rest.pulls.update({ owner, repo, pull_number: number, ...update });
      return toPr(data as PullData);
    },
    addLabels,
    async removeLabel(number, label) {
      try {
        await rest.issues.removeLabel({ owner, repo, issue_number: number, name: label });
      } catch (error: unknown) {
        if ((error as { status?: number }).status !== 404) throw error;
      }
    },
    upsertComment: (number, marker, body): Promise<UpsertOutcome> =>
      upsertComment(octokit, { owner, repo, number }, marker, body),
    async upsertIssue(input) {
      const body = withMarker(input.marker, input.body);
      const existing = ((await openIssues()) as IssueData[]).find(
        (i) => !i.pull_request && hasMarker(i.body, input.marker),
      );
      if (!existing) {
        const { data } = await rest.issues.create({
          owner,
          repo,
          title: input.title,
          body,
          labels: input.labels,
        });
        return { issue: toIssue(data as IssueData), outcome: 'created' as const };
      }
      const labels = labelNames(existing.labels);
      const missing = input.labels.filter((l) => !labels.includes(l));
      if (existing.title === input.title && existing.body === body && missing.length === 0)
        return { issue: toIssue(existing), outcome: 'unchanged' as const };
      const { data } = await rest.issues.update({
        owner,
        repo,
        issue_number: existing.number,
        title: input.title,
        body,
        labels: [...labels, ...missing],
      });
      return { issue: toIssue(data as IssueData), outcome: 'updated' as const };
    },
    async close(number) {
      // The issues endpoint closes pull requests too.
      await rest.issues.update({ owner, repo, issue_number: number, state: 'closed' });
    },
    async reviewCount(number) {
      const reviews = await octokit.paginate(rest.pulls.listReviews, {
        owner,
        repo,
        pull_number: number,
        per_page: 100,
      });
      return reviews.length;
    },
    async listItems(opts = {}) {
      const items = (await octokit.paginate(rest.issues.listForRepo, {
        owner,
        repo,
        labels: AEGIS_LABEL,
        state: opts.all ? 'all' : 'open',
        sort: 'updated',
        per_page: 100,
      })) as IssueData[];
      return items.map(
        (i): ForgeItem => ({
          type: i.pull_request ? 'pull' : 'issue',
          number: i.number,
          url: i.html_url,
          title: i.title,
          body: i.body ?? '',
          labels: labelNames(i.labels),
          state: i.pull_request?.merged_at ? 'merged' : i.state === 'open' ? 'open' : 'closed',
          ...(i.updated_at ? { updatedAt: i.updated_at } : {}),
        }),
      );
    },
  };
}

/** GitHub's 422 for a second PR on the same head: "A pull request already exists for o:branch." */
function isAlreadyExists(error: unknown): boolean {
  const { status, message } = error as { status?: number; message?: string };
  return status === 422 && /already exists/i.test(message ?? '');
}

function labelNames(labels: Label[]): string[] {
  return labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean);
}

function toPr(data: PullData): PullRequest {
  return {
    number: data.number,
    url: data.html_url,
    branch: data.head.ref,
    base: data.base.ref,
    title: data.title,
    body: data.body ?? '',
    labels: labelNames(data.labels),
    state: data.merged_at ? 'merged' : data.state === 'open' ? 'open' : 'closed',
  };
}

function toIssue(data: IssueData): IncidentIssue {
  return {
    number: data.number,
    url: data.html_url,
    title: data.title,
    body: data.body ?? '',
    labels: labelNames(data.labels),
    state: data.state === 'open' ? 'open' : 'closed',
  };
}

/** `acme/gitops` → {owner, repo}; anything else is a user error with the expected format. */
export function parseRepoSlug(value: string): { owner: string; repo: string } | undefined {
  const match = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+)$/.exec(value.trim());
  return match ? { owner: match[1]!, repo: match[2]!.replace(/\.git$/, '') } : undefined;
}
