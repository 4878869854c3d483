// The real incident handler of `aegis serve` (local mode, DESIGN.md §6 and §9): diagnose the
// incident against the GitOps checkout, then commit the fix on its incident branch, push it and
// open or update the pull request (or, with no confident fix, open or update one issue).
// The checkout's working tree is never written: proposeIncident commits from the base commit.
import type { RepoConfig } from '../config/repo-config.js';
import type { ClusterReader } from '../evidence/cluster-reader.js';
import type { Forge } from '../forge/forge.js';
import { createGit } from '../git/create-git.js';
import type { OllamaDiagnoser } from '../llm/diagnoser.js';
import type { RunbookMemory } from '../llm/runbook.js';
import { type DiagnoseResult, diagnoseIncident } from '../pipeline/diagnose.js';
import { type ProposeOutcome, proposeIncident } from '../propose/propose-incident.js';
import { resolveIncident } from '../propose/resolve-incident.js';
import type { IncidentHandler } from './incident-handler.js';
import type { Metrics } from './metrics.js';

export interface ProposeHandlerDeps {
  reader: ClusterReader;
  /** The GitOps checkout (a git work tree, or a folder inside one). */
  repoDir: string;
  baseBranch: string;
  forge: Forge;
  /** The server's metrics: fixes proposed are counted here. */
  metrics?: Metrics;
  /** The LLM second opinion; rules alone when absent. */
  llm?: OllamaDiagnoser;
  runbook?: RunbookMemory;
  /** Render with kubectl/helm to check the blast radius (default true). */
  render?: boolean;
  /** Repository config; read from the checkout on each incident when absent. */
  config?: RepoConfig;
}

export function createProposeHandler(deps: ProposeHandlerDeps): IncidentHandler {
  // Incidents of different fingerprints run concurrently; their git writes (fetch, commit, push)
  // go one at a time so two incidents never race for the same refs or the same lock files.
  let gitTurn: Promise<unknown> = Promise.resolve();
  const serialGit = <T>(task: () => Promise<T>): Promise<T> => {
    const next = gitTurn.then(task, task);
    gitTurn = next.catch(() => undefined);
    return next;
  };

  return async (draft, { log }) => {
    // log is bound to the incident: every line carries its fingerprint.
    if (draft.status === 'resolved') {
      const items = await serialGit(() => resolveIncident(draft, deps.forge));
      log.info({ items }, items.length ? 'alert resolved: reported on its PR or issue' : 'alert resolved');
      return;
    }
    let stage: 'diagnose' | 'propose' = 'diagnose';
    try {
      const result = await diagnoseIncident(draft, {
        reader: deps.reader,
        repoRoot: deps.repoDir,
        progress: (message) => log.debug({ stage }, message),
        ...(deps.render === undefined ? {} : { render: deps.render }),
        ...(deps.config ? { config: deps.config } : {}),
        ...(deps.llm ? { llm: deps.llm } : {}),
        ...(deps.runbook ? { runbook: deps.runbook } : {}),
      });
      stage = 'propose';
      const outcome = await serialGit(async () => {
        await fetchBase(deps.repoDir, deps.baseBranch);
        return proposeIncident(result, {
          forge: deps.forge,
          repoDir: deps.repoDir,
          baseBranch: deps.baseBranch,
          progress: (message) => log.debug({ stage }, message),
        });
      });
      if (outcome.outcome === 'opened' || outcome.outcome === 'updated') deps.metrics?.fixesProposed.inc();
      log.info(outcomeFields(result, outcome), `incident ${outcome.outcome}`);
    } catch (error: unknown) {
      // ctx.log is bound to the incident (fingerprint, alertname, namespace).
      log.error({ err: error, stage }, `incident ${stage} failed`);
      throw error;
    }
  };
}

/** `git fetch origin BASE` when the checkout has an origin, so its remote-tracking ref is current. */
async function fetchBase(repoDir: string, baseBranch: string): Promise<void> {
  const git = createGit(repoDir);
  const origin = await git
    .raw(['remote', 'get-url', 'origin'])
    .then((url) => url.trim())
    .catch(() => '');
  if (!origin) return;
  await git.raw(['fetch', '--quiet', '--no-tags', 'origin', baseBranch]);
}

function outcomeFields(result: DiagnoseResult, outcome: ProposeOutcome) {
  return {
    outcome: outcome.outcome,
    category: result.diagnosis.category,
    action: result.remediation.action,
    ...(outcome.branch ? { branch: outcome.branch } : {}),
    ...(outcome.commit ? { commit: outcome.commit } : {}),
    ...(outcome.pr ? { pr: outcome.pr.number, url: outcome.pr.url } : {}),
    ...(outcome.issue ? { issue: outcome.issue.number, url: outcome.issue.url } : {}),
    ...(outcome.reason ? { reason: outcome.reason } : {}),
  };
}
