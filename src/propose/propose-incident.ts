// From a diagnosis to a pull request (DESIGN.md §6): one deterministic branch per incident, one
// bot commit on it, one PR; or, with no confident fix, one issue. Safe to run again at any time:
// an existing branch/PR is adopted, identical content changes nothing, a human commit stops AEGIS.
import { UserError } from '../core/errors.js';
import type { Forge, IncidentIssue, PullRequest, UpsertOutcome } from '../forge/forge.js';
import { BOT_AUTHOR, createGit, type GitOptions } from '../git/create-git.js';
import type { FileEdit } from '../gitops/types.js';
import type { DiagnoseResult } from '../pipeline/diagnose.js';
import {
  commitsSince,
  commitTree,
  locateRepo,
  type RepoLocation,
  resolveCommit,
  type TreeResult,
  treeOf,
  treeWithEdits,
} from './commit-edits.js';
import { incidentMarker, renderIssueBody } from './issue-body.js';
import { branchName, commitMessage, issueLabels, issueTitle, LABELS, prLabels, prTitle } from './naming.js';
import { renderPrBody } from './pr-body.js';

export const HUMAN_COMMIT_MARKER = 'aegis:human-commits';

export interface ProposeDeps {
  /** Where the PR or issue goes; without one the fix is only committed on the local branch. */
  forge?: Forge;
  /** The GitOps checkout that was diagnosed (inside a git work tree; may be a subfolder). */
  repoDir: string;
  baseBranch: string;
  clock?: () => Date;
  author?: NonNullable<GitOptions['author']>;
  progress?: (message: string) => void;
  /**
   * Asked before a new PR is opened (never for one that exists): a reason refuses it (PR caps, a
   * silenced fingerprint) and nothing is pushed.
   */
  admitNewPr?: (branch: string) => Promise<string | undefined>;
  /** The PR's branch when it is given (a revision may change the category, not the branch). */
  branch?: string;
  /** The base commit when the caller has just fetched it into repoDir (saves a round trip). */
  baseSha?: string;
  /** Where repoDir sits in its git repository, when the caller knows (saves asking git). */
  location?: RepoLocation;
  /** A git index file that holds exactly the base commit's tree (a clean checkout of it). */
  baseIndex?: string;
  /**
   * The fix's tree, started by the caller on `base` while the proposal was still being checked
   * (DiagnoseDeps.onEdits); used only when it was built from exactly the proposal's edits.
   */
  prebuilt?: PrebuiltTree;
  /**
   * What the forge said of the branch, asked while the proposal was still being checked; used
   * only for the branch it names (a retry after a lost lease must ask again, without it).
   */
  prefetched?: PrefetchedBranch;
}

export interface PrefetchedBranch {
  branch: string;
  existing: Promise<string | undefined>;
  pr: Promise<PullRequest | undefined>;
  /** admitNewPr's answer, for when no PR is open. */
  refusal?: Promise<string | undefined>;
}

export interface PrebuiltTree {
  base: string;
  edits: FileEdit[];
  tree: Promise<TreeResult>;
  /**
   * The fix's commit on `tree`, made ahead with this message (and the time it was made); used only
   * when the proposal's commit message is the same. Undefined when the tree could not be built.
   */
  commit?: { message: string; sha: Promise<string | undefined> };
}

export interface ProposeOutcome {
  outcome: 'opened' | 'updated' | 'unchanged' | 'issue' | 'skipped';
  branch?: string;
  commit?: string;
  pr?: PullRequest;
  issue?: IncidentIssue & { change: UpsertOutcome };
  title?: string;
  /** The PR or issue body (also when no forge was given, for a draft file). */
  body?: string;
  reason?: string;
  /** A new commit was pushed to the branch (it needs a new verification). */
  pushed?: boolean;
}

export async function proposeIncident(result: DiagnoseResult, deps: ProposeDeps): Promise<ProposeOutcome> {
  if (result.remediation.action === 'none' || !result.proposal) return proposeIssue(result, deps);
  const repo = deps.location ?? (await locateRepo(deps.repoDir));
  if (!repo) throw new UserError(`${deps.repoDir} is not inside a git repository`);
  const progress = deps.progress ?? (() => {});
  const author = deps.author ?? BOT_AUTHOR;
  const branch = deps.branch ?? branchName(result);
  const title = prTitle(result);
  const body = renderPrBody(result, { branch });
  const drafted = { branch, title, body };

  const { forge } = deps;
  const base = deps.baseSha
    ? deps.baseSha
    : forge
      ? await forge.fetchBranch(repo.top, deps.baseBranch)
      : await resolveCommit(createGit(repo.top), `refs/heads/${deps.baseBranch}`);
  if (!base)
    throw new UserError(
      `base branch ${deps.baseBranch} not found ${forge ? `on ${forge.description}` : 'in the local repository'}`,
      'pass --base BRANCH',
    );
  // The fix's tree depends only on the base: built while the forge is asked about the branch.
  const prebuilt =
    deps.prebuilt && deps.prebuilt.base === base && sameEdits(deps.prebuilt.edits, result.proposal.edits)
      ? deps.prebuilt
      : undefined;
  const building =
    prebuilt?.tree ??
    treeWithEdits(repo, base, result.proposal.edits, deps.baseIndex ? { baseIndex: deps.baseIndex } : {});
  building.catch(() => {}); // awaited below; an early return must not leave it unhandled
  const early = forge && deps.prefetched?.branch === branch ? deps.prefetched : undefined;
  const [existing, pr] = await Promise.all([
    early?.existing ??
      (forge
        ? forge.fetchBranch(repo.top, branch)
        : resolveCommit(createGit(repo.top), `refs/heads/${branch}`)),
    early?.pr ?? (forge ? forge.findOpenPr(branch) : undefined),
  ]);
  if (pr?.labels.includes(LABELS.hold))
    return { outcome: 'skipped', ...drafted, pr, reason: `PR #${pr.number} is on hold (${LABELS.hold})` };

  if (existing) {
    const human = (await commitsSince(repo, base, existing)).find(
      (c) => c.email !== author.email || c.committerEmail !== author.email,
    );
    if (human) {
      const reason = `${human.name} committed ${human.sha.slice(0, 7)} to ${branch}; AEGIS no longer updates this branch`;
      if (forge && pr)
        await forge.upsertComment(
          pr.number,
          HUMAN_COMMIT_MARKER,
          `A person has committed to \`${branch}\`, so AEGIS stopped updating this pull request. It will not force-push over human work; close the PR or remove the commits to let AEGIS take over again.`,
        );
      return { outcome: 'skipped', ...drafted, ...(pr ? { pr } : {}), reason };
    }
  }

  if (forge && !pr && deps.admitNewPr) {
    const refusal = await (early?.refusal ?? deps.admitNewPr(branch));
    if (refusal) return { outcome: 'skipped', ...drafted, reason: refusal };
  }

  const built = await building;
  if ('mismatch' in built)
    return { outcome: 'skipped', ...drafted, reason: `${built.mismatch}; update the checkout and run again` };
  const reuse =
    existing && (await treeOf(repo, existing)) === built.tree && (await isChildOf(repo, existing, base));
  const message = commitMessage(result);
  // A commit made ahead from this very tree and message (it also has the bot as its author).
  const ahead =
    prebuilt?.commit?.message === message && author === BOT_AUTHOR
      ? await prebuilt.commit.sha.catch(() => undefined)
      : undefined;
  const commit =
    reuse && existing
      ? existing
      : (ahead ??
        (await commitTree(repo, {
          tree: built.tree,
          parent: base,
          message,
          date: (deps.clock ?? (() => new Date()))(),
          author,
        })));
  const rewritten = commit !== existing;

  if (!forge) {
    if (rewritten) await setLocalBranch(repo, branch, commit, existing);
    progress(rewritten ? `committed ${commit.slice(0, 7)} on ${branch}` : `${branch} already holds this fix`);
    return { outcome: !rewritten ? 'unchanged' : existing ? 'updated' : 'opened', ...drafted, commit };
  }

  if (rewritten) {
    await forge.pushBranch({ repoDir: repo.top, branch, sha: commit, expected: existing ?? null });
    progress(`pushed ${commit.slice(0, 7)} to ${branch}${existing ? ' (force-with-lease)' : ''}`);
  }
  if (!pr) {
    const opened = await forge.createPr({
      branch,
      base: deps.baseBranch,
      title,
      body,
      labels: prLabels(result),
    });
    return { outcome: 'opened', ...drafted, commit, pr: opened, pushed: rewritten };
  }
  return {
    ...(await refreshPr(forge, pr, { title, body, rewritten, labels: prLabels(result) })),
    ...drafted,
    commit,
    pushed: rewritten,
  };
}

function sameEdits(a: FileEdit[], b: FileEdit[]): boolean {
  return (
    a.length === b.length &&
    a.every((e, i) => e.file === b[i]?.file && e.before === b[i]?.before && e.after === b[i]?.after)
  );
}

async function refreshPr(
  forge: Forge,
  pr: PullRequest,
  next: { title: string; body: string; rewritten: boolean; labels: string[] },
): Promise<Pick<ProposeOutcome, 'outcome' | 'pr'>> {
  let changed = next.rewritten;
  let current = pr;
  if (pr.title !== next.title || pr.body !== next.body) {
    current = await forge.updatePr(pr.number, { title: next.title, body: next.body });
    changed = true;
  }
  if (next.rewritten) {
    // A new commit has not been verified yet.
    for (const stale of [LABELS.verifyPassed, LABELS.verifyFailed, LABELS.verifyRunning])
      if (pr.labels.includes(stale)) await forge.removeLabel(pr.number, stale);
  }
  const missing = next.labels.filter(
    (l) => !pr.labels.includes(l) && (next.rewritten || l !== LABELS.verifyPending || !hasVerdict(pr.labels)),
  );
  if (missing.length) {
    await forge.addLabels(pr.number, missing);
    changed = true;
  }
  const labels = [...new Set([...pr.labels.filter((l) => !next.rewritten || !isVerdict(l)), ...missing])];
  return { outcome: changed ? 'updated' : 'unchanged', pr: { ...current, labels } };
}

const isVerdict = (label: string) =>
  label === LABELS.verifyPassed || label === LABELS.verifyFailed || label === LABELS.verifyRunning;
const hasVerdict = (labels: string[]) => labels.some(isVerdict);

async function proposeIssue(result: DiagnoseResult, deps: ProposeDeps): Promise<ProposeOutcome> {
  const title = issueTitle(result);
  const body = renderIssueBody(result);
  const reason = result.remediation.reason;
  if (!deps.forge) return { outcome: 'skipped', title, body, reason };
  const { issue, outcome } = await deps.forge.upsertIssue({
    marker: incidentMarker(result.incident.fingerprint),
    title,
    body,
    labels: issueLabels(result),
  });
  return { outcome: 'issue', title, body, reason, issue: { ...issue, change: outcome } };
}

async function isChildOf(repo: RepoLocation, commit: string, parent: string): Promise<boolean> {
  const parents = (await createGit(repo.top).raw(['rev-list', '--parents', '-n', '1', commit]))
    .trim()
    .split(' ');
  return parents.length === 2 && parents[1] === parent;
}

/** Moves the local incident branch, refusing when it is checked out (its files would look changed). */
async function setLocalBranch(repo: RepoLocation, branch: string, commit: string, old: string | undefined) {
  const git = createGit(repo.top);
  const head = (await git.raw(['symbolic-ref', '-q', 'HEAD']).catch(() => '')).trim();
  if (head === `refs/heads/${branch}`)
    throw new UserError(`${branch} is checked out in ${repo.top}`, `switch to another branch first`);
  await git.raw(['update-ref', `refs/heads/${branch}`, commit, old ?? '']);
}
