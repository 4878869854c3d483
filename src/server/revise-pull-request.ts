// The real `/aegis revise <instruction>` (ChatOps' ReviseFn): re-read the evidence of the PR's
// incident, ask the LLM for a plan that follows the reviewer's instruction, pass it through the
// same guardrails and GitOps engine as any plan, and force-with-lease the PR's branch with it.
// The incident comes back from the PR's hidden meta block: GitHub is the database.
import type { ReviseFn } from '../chatops/revise-fn.js';
import { loadRepoConfig } from '../config/repo-config.js';
import { describeError } from '../core/errors.js';
import type { ClusterReader } from '../evidence/cluster-reader.js';
import { createGitHubForge } from '../forge/github-forge.js';
import type { CheckoutCache } from '../github/checkout-cache.js';
import { gitRemoteFor } from '../github/git-url.js';
import { groupIncidents } from '../intake/incidents.js';
import { parseAlertPayload } from '../intake/parse-alert.js';
import type { OllamaDiagnoser } from '../llm/diagnoser.js';
import type { RunbookMemory } from '../llm/runbook.js';
import { diagnoseIncident } from '../pipeline/diagnose.js';
import type { PrMeta } from '../propose/pr-meta.js';
import { proposeIncident } from '../propose/propose-incident.js';

export interface ReviseDeps {
  reader: ClusterReader;
  checkouts: CheckoutCache;
  llm: OllamaDiagnoser;
  runbook?: RunbookMemory;
  gitBaseUrl?: string;
  render?: boolean;
}

/** Alert label that names each workload kind (the inverse of intake's target hints). */
const WORKLOAD_LABEL: Record<string, string> = {
  Deployment: 'deployment',
  StatefulSet: 'statefulset',
  DaemonSet: 'daemonset',
  Job: 'job_name',
  CronJob: 'cronjob',
};

export function createReviseFn(deps: ReviseDeps): ReviseFn {
  return async ({ github, owner, repo, pr, meta, instruction, log }) => {
    const draft = draftFromMeta(meta);
    if (!draft)
      return { outcome: 'refused', reason: `AEGIS cannot rebuild incident ${meta.fingerprint} from this PR` };
    const { data: pull } = await github.rest.pulls.get({ owner, repo, pull_number: pr.number });
    const base = pull.base.ref;
    const { token } = (await (github as unknown as { auth(o: object): Promise<{ token: string }> }).auth({
      type: 'installation',
    })) as { token: string };
    const remote = gitRemoteFor(owner, repo, token, deps.gitBaseUrl);
    const forge = createGitHubForge({ octokit: github, owner, repo, token, remoteUrl: remote.url });
    return deps.checkouts.withCheckout({ owner, repo, base, remote }, async (checkout) => {
      // The whole checkout is indexed: a revision may touch any file the workload comes from.
      const repoRoot = checkout.dir;
      const result = await diagnoseIncident(draft, {
        reader: deps.reader,
        repoRoot,
        config: await loadRepoConfig(checkout.dir),
        llm: deps.llm,
        revision: { instruction },
        progress: (message) => log.debug({ stage: 'revise' }, message),
        ...(deps.runbook ? { runbook: deps.runbook } : {}),
        ...(deps.render === undefined ? {} : { render: deps.render }),
      });
      if (result.revisionRefused) return { outcome: 'refused', reason: result.revisionRefused };
      if (result.remediation.action !== 'patch')
        return { outcome: 'refused', reason: result.remediation.reason };
      try {
        const outcome = await proposeIncident(result, {
          forge,
          repoDir: repoRoot,
          baseBranch: base,
          branch: pr.branch,
        });
        if (outcome.outcome === 'skipped' || !outcome.commit)
          return { outcome: 'refused', reason: outcome.reason ?? 'nothing was committed' };
        const changes = result.remediation.changes
          .map((c) => `\`${c.field}\` ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)} in \`${c.file}\``)
          .join('; ');
        return {
          outcome: 'revised',
          commit: outcome.commit,
          summary: `${result.remediation.reason} (${changes})`,
        };
      } catch (error: unknown) {
        return { outcome: 'refused', reason: describeError(error) };
      }
    });
  };
}

/** The incident a PR was opened for, as intake would have grouped its alert. */
export function draftFromMeta(meta: PrMeta) {
  const labels: Record<string, string> = { alertname: meta.alertname };
  if (meta.namespace) labels.namespace = meta.namespace;
  const label = meta.workload ? WORKLOAD_LABEL[meta.workload.kind] : undefined;
  if (meta.workload && label) labels[label] = meta.workload.name;
  const parsed = parseAlertPayload({
    version: '4',
    status: 'firing',
    receiver: 'aegis',
    groupLabels: {},
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: '',
    alerts: [{ status: 'firing', labels, annotations: {}, startsAt: new Date().toISOString() }],
  });
  return parsed.ok ? groupIncidents(parsed.payload)[0] : undefined;
}
