// Where pull requests live (DESIGN.md §1 "GitHub is the database"): one narrow interface, modelled
// on Kargo's gitprovider.Interface, with a local implementation (bare repo + Markdown state folder)
// and a GitHub one. Branch pushes go through git; everything else is PRs, issues and comments.

export interface PullRequest {
  number: number;
  url: string;
  /** Head branch (without refs/heads/). */
  branch: string;
  base: string;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed' | 'merged';
}

export interface IncidentIssue {
  number: number;
  url: string;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
}

export interface FetchBranchOptions {
  /** Asked ahead of need, next to work the caller waits for: git runs at a lower priority. */
  background?: boolean;
}

/** One AEGIS pull request or issue, as `aegis incident list` reads it. */
export interface ForgeItem {
  type: 'pull' | 'issue';
  number: number;
  url: string;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed' | 'merged';
  updatedAt?: string;
}

export interface PushRequest {
  /** Any clone of the repository that holds `sha`. */
  repoDir: string;
  branch: string;
  sha: string;
  /** force-with-lease: the sha the remote branch must still have; null = it must not exist yet. */
  expected: string | null;
}

export interface PrInput {
  branch: string;
  base: string;
  title: string;
  body: string;
  labels: string[];
}

export interface IssueInput {
  /** Hidden marker that identifies the issue (one issue per incident). */
  marker: string;
  title: string;
  body: string;
  labels: string[];
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

export interface Forge {
  /** For messages: `local forge /tmp/state` or `github.com/acme/gitops`. */
  readonly description: string;
  /**
   * Fetches the remote branch into `repoDir` (under refs/aegis/remote/) so its commits can be
   * inspected; its sha, or undefined when the remote has no such branch.
   */
  fetchBranch(repoDir: string, branch: string, options?: FetchBranchOptions): Promise<string | undefined>;
  /** Pushes `sha` to the branch with force-with-lease; throws when the lease does not hold. */
  pushBranch(request: PushRequest): Promise<void>;
  findOpenPr(branch: string): Promise<PullRequest | undefined>;
  createPr(input: PrInput): Promise<PullRequest>;
  updatePr(number: number, update: { title: string; body: string }): Promise<PullRequest>;
  addLabels(number: number, labels: string[]): Promise<void>;
  /** Removing a label the item does not carry is not an error. */
  removeLabel(number: number, label: string): Promise<void>;
  /** The one comment carrying `marker` on a PR or issue: created, edited, or left alone. */
  upsertComment(number: number, marker: string, body: string): Promise<UpsertOutcome>;
  /** The one open issue carrying `marker`: created, edited, or left alone. */
  upsertIssue(input: IssueInput): Promise<{ issue: IncidentIssue; outcome: UpsertOutcome }>;
  /** Closes a PR (unmerged) or an issue. */
  close(number: number): Promise<void>;
  /** Reviews submitted on a PR (0 for issues): a reviewed PR is never closed automatically. */
  reviewCount(number: number): Promise<number>;
  /** PRs and issues labelled `aegis`, newest first; closed ones only with `all`. */
  listItems(options?: { all?: boolean }): Promise<ForgeItem[]>;
}

/** The hidden HTML comment that marks an AEGIS-owned comment or issue. */
export function markerComment(marker: string): string {
  return `<!-- ${marker} -->`;
}

export function hasMarker(body: string | null | undefined, marker: string): boolean {
  return (body ?? '').includes(markerComment(marker));
}

/**
 * Whether a comment is one AEGIS may take for its marked comment: it carries the marker and a bot
 * wrote it. Anyone can paste a marker into a comment; taking theirs would overwrite a person's
 * words (a write token may edit any comment) and let them park the marker where no verdict lands.
 */
export function isBotMarkedComment(
  comment: { body?: string | null; user?: { type?: string } | null },
  marker: string,
): boolean {
  return comment.user?.type === 'Bot' && hasMarker(comment.body, marker);
}

/** Body with the marker as its first line (added once). */
export function withMarker(marker: string, body: string): string {
  return hasMarker(body, marker) ? body : `${markerComment(marker)}\n${body}`;
}

export const AEGIS_LABEL = 'aegis';
