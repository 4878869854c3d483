// The incident handler of the GitHub App (DESIGN.md §1, §6): gather evidence, route the incident
// to its GitOps repository, diagnose it on a cached checkout, and open or update the PR with the
// installation's token (so the verify workflow triggers), then queue the aegis/verify check run.
// A resolved alert comments on (and may close) what the incident opened instead.
import path from 'node:path';
import type { RepoConfig } from '../config/repo-config.js';
import { loadRepoConfig } from '../config/repo-config.js';
import type { ClusterReader } from '../evidence/cluster-reader.js';
import { gatherEvidence } from '../evidence/gather-evidence.js';
import { createGitHubForge } from '../forge/github-forge.js';
import type { GitHubAppAuth } from '../github/app-auth.js';
import type { CheckoutCache } from '../github/checkout-cache.js';
import { gitRemoteFor } from '../github/git-url.js';
import type { PrAdmission } from '../github/pr-admission.js';
import { createVerifyCheck } from '../github/verify-check.js';
import { indexRepo } from '../gitops/index-repo.js';
import { warmRenderers } from '../gitops/propose.js';
import type { RepoIndex } from '../gitops/types.js';
import { noteResolvedAfterMerge } from '../guard/alert-resolved.js';
import { findHold, listHolds } from '../guard/hold-record.js';
import type { OllamaDiagnoser } from '../llm/diagnoser.js';
import { createGitHubRunbook } from '../llm/github-runbook.js';
import type { RunbookMemory } from '../llm/runbook.js';
import { diagnoseIncident } from '../pipeline/diagnose.js';
import { commitTree, treeWithEdits } from '../propose/commit-edits.js';
import { branchName, commitMessage } from '../propose/naming.js';
import {
  type PrebuiltTree,
  type PrefetchedBranch,
  type ProposeOutcome,
  proposeIncident,
} from '../propose/propose-incident.js';
import { resolveIncident } from '../propose/resolve-incident.js';
import { routeIncident } from '../routing/route-incident.js';
import type { RoutesFile } from '../routing/routes-file.js';
import type { IncidentHandler } from './incident-handler.js';
import type { Metrics } from './metrics.js';

export interface GitHubHandlerDeps {
  auth: GitHubAppAuth;
  reader: ClusterReader;
  routes: RoutesFile;
  checkouts: CheckoutCache;
  admission: PrAdmission;
  /** AEGIS_GIT_BASE_URL: GitHub Enterprise, or a folder of bare repositories in tests. */
  gitBaseUrl?: string;
  metrics?: Metrics;
  llm?: OllamaDiagnoser;
  runbook?: RunbookMemory;
  /** Render with kubectl/helm to check the blast radius (default true). */
  render?: boolean;
}

export function createGitHubIncidentHandler(deps: GitHubHandlerDeps): IncidentHandler {
  // The last index of each checkout folder, reused while the base commit does not move: indexing a
  // large repository is the slowest step of a warm incident.
  const indexes = new Map<string, { sha: string; index: RepoIndex; config: RepoConfig }>();

  return async (draft, { log }) => {
    const gathered = await gatherEvidence(deps.reader, draft);
    const route = routeIncident(gathered.incident, gathered.evidence, deps.routes);
    if (!route) {
      log.warn(
        { namespace: draft.namespace },
        'no GitOps repository for this incident: add a route to AEGIS_ROUTES or manage the workload with Argo CD',
      );
      return;
    }
    const { owner, repo } = route;
    const routed = log.child({ repo: `${owner}/${repo}`, base: route.base, via: route.via });
    const access = await deps.auth.forRepo(owner, repo);
    const remote = gitRemoteFor(owner, repo, access.token, deps.gitBaseUrl);
    const forge = createGitHubForge({
      octokit: access.github,
      owner,
      repo,
      token: access.token,
      remoteUrl: remote.url,
    });

    if (draft.status === 'resolved') {
      const items = await resolveIncident(draft, forge);
      // The rollout guard waits for this on merged fixes it still watches.
      const merged = await noteResolvedAfterMerge(access.github, { owner, repo }, draft);
      routed.info(
        { items, merged },
        items.length ? 'alert resolved: reported on its PR or issue' : 'alert resolved',
      );
      return;
    }

    // The rollout guard reverted a fix of this application: a human clears the hold first.
    const hold = findHold(await listHolds(access.github, { owner, repo }), {
      ...(gathered.evidence.argoApplication?.metadata?.name
        ? { application: gathered.evidence.argoApplication.metadata.name }
        : {}),
      ...(gathered.incident.namespace ? { namespace: gathered.incident.namespace } : {}),
      ...(gathered.incident.workload ? { workload: gathered.incident.workload.name } : {}),
    });
    if (hold) {
      routed.info(
        { hold: hold.issue },
        'incident skipped: remediation of this application is on hold (/aegis unhold on the hold issue)',
      );
      return;
    }

    const outcome = await deps.checkouts.withCheckout(
      { owner, repo, base: route.base, remote },
      async (checkout) => {
        const repoRoot = path.join(checkout.dir, route.path);
        const cached = indexes.get(repoRoot);
        const warm = cached?.sha === checkout.sha ? cached : undefined;
        const [index, config] = warm
          ? [warm.index, warm.config]
          : await Promise.all([indexRepo(repoRoot), loadRepoConfig(checkout.dir)]);
        if (!warm) {
          indexes.set(repoRoot, { sha: checkout.sha, index, config });
          warmRenderers(index, { render: deps.render ?? true });
        }
        const location = { top: checkout.dir, prefix: gitPrefixOf(route.path) };
        // The checkout was just reset to the base commit: its index is the base tree.
        const baseIndex = path.join(checkout.dir, '.git', 'index');
        const admitNewPr = (branch: string) => deps.admission.refuse(access.github, { owner, repo, branch });
        let prebuilt: PrebuiltTree | undefined;
        let prefetched: PrefetchedBranch | undefined;
        const result = await diagnoseIncident(draft, {
          // The fix's git tree and what GitHub holds for its branch need only the edits and the
          // diagnosis: asked while the render check runs, used once it passes. Their git
          // processes run at a lower priority so that they do not slow the render itself.
          onEdits: (edits, subject) => {
            const tree = treeWithEdits(location, checkout.sha, edits, { baseIndex, background: true });
            const message = commitMessage(subject);
            const sha = tree.then((built) =>
              'tree' in built
                ? commitTree(location, {
                    tree: built.tree,
                    parent: checkout.sha,
                    message,
                    date: new Date(),
                    background: true,
                  })
                : undefined,
            );
            prebuilt = { base: checkout.sha, edits, tree, commit: { message, sha } };
            const branch = branchName(subject);
            const pr = forge.findOpenPr(branch);
            prefetched = {
              branch,
              existing: forge.fetchBranch(checkout.dir, branch, { background: true }),
              pr,
              // Admission is asked only for a new PR: no GitHub reads spent on an existing one.
              refusal: pr.then((open) => (open ? undefined : admitNewPr(branch))),
            };
            // proposeIncident awaits them, or asks again without them.
            for (const early of [tree, sha, prefetched.existing, prefetched.pr, prefetched.refusal])
              early?.catch(() => {});
          },
          reader: deps.reader,
          repoRoot,
          index,
          config,
          gathered,
          progress: (message) => routed.debug({ stage: 'diagnose' }, message),
          ...(deps.render === undefined ? {} : { render: deps.render }),
          ...(deps.llm ? { llm: deps.llm } : {}),
          // Without a configured memory, the repository's own verified-in-prod PRs are the runbook.
          runbook: deps.runbook ?? createGitHubRunbook(access.github, { owner, repo }),
        });
        const propose = (early?: PrefetchedBranch) =>
          proposeIncident(result, {
            forge,
            repoDir: repoRoot,
            baseBranch: route.base,
            baseSha: checkout.sha,
            location,
            baseIndex,
            ...(prebuilt ? { prebuilt } : {}),
            ...(early ? { prefetched: early } : {}),
            progress: (message) => routed.debug({ stage: 'propose' }, message),
            admitNewPr,
          });
        try {
          return await propose(prefetched);
        } catch (error: unknown) {
          // Another replica pushed the branch first: look again and adopt what it made.
          if (!isLeaseFailure(error)) throw error;
          routed.info('the incident branch moved during the push; adopting it');
          return propose();
        }
      },
    );

    if (outcome.outcome === 'opened') deps.admission.opened({ owner, repo });
    if (outcome.outcome === 'opened' || outcome.outcome === 'updated') deps.metrics?.fixesProposed.inc();
    // A new head commit needs its check; so does a PR opened on a branch pushed by an earlier try.
    if (outcome.pr && outcome.commit && (outcome.pushed || outcome.outcome === 'opened'))
      await createVerifyCheck(access.github, {
        owner,
        repo,
        headSha: outcome.commit,
        prNumber: outcome.pr.number,
      });
    routed.info(outcomeFields(outcome), `incident ${outcome.outcome}`);
  };
}

/** `apps/shop/` for a route path `./apps/shop`, '' for the whole repository (git's --show-prefix). */
function gitPrefixOf(routePath: string): string {
  const relative = path.posix
    .normalize(routePath)
    .replace(/^\.\/?/, '')
    .replace(/\/+$/, '');
  return relative ? `${relative}/` : '';
}

/** git's words when force-with-lease does not hold, the branch appeared meanwhile, or the remote was updating that ref at the same moment. */
function isLeaseFailure(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /stale info|\[rejected\]|\[remote rejected\]|fetch first|already exists|non-fast-forward/i.test(
    message,
  );
}

function outcomeFields(outcome: ProposeOutcome) {
  return {
    outcome: outcome.outcome,
    ...(outcome.branch ? { branch: outcome.branch } : {}),
    ...(outcome.commit ? { commit: outcome.commit } : {}),
    ...(outcome.pr ? { pr: outcome.pr.number, url: outcome.pr.url } : {}),
    ...(outcome.issue ? { issue: outcome.issue.number, url: outcome.issue.url } : {}),
    ...(outcome.reason ? { reason: outcome.reason } : {}),
  };
}
