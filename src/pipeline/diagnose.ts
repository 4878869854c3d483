// The remediation core: alert → evidence → diagnosis → guarded plan → located, minimal patch.
// Every entrypoint (CLI, GitHub App, Action, demo) calls this; it never writes the checkout.

import { templateContainers } from '../analyzers/evidence-queries.js';
import { type AnalysisResult, runAnalyzers } from '../analyzers/run-analyzers.js';
import { loadRepoConfig, type RepoConfig } from '../config/repo-config.js';
import type { Diagnosis, Evidence, Finding, Incident, Operation, Plan } from '../core/types.js';
import type { ClusterReader } from '../evidence/cluster-reader.js';
import { gatherEvidence } from '../evidence/gather-evidence.js';
import { previousImagesFromGit } from '../gitops/git-history.js';
import { indexRepo } from '../gitops/index-repo.js';
import { locateWorkload } from '../gitops/locate.js';
import { proposeChanges } from '../gitops/propose.js';
import { type GitopsProposal, isError, type RepoIndex, type WorkloadSource } from '../gitops/types.js';
import type { IncidentDraft } from '../intake/incidents.js';
// Only LangChain-free modules of src/llm: the rules-only path must not load the LLM client.
import { type CombinedFinding, combineFindings } from '../llm/combine.js';
import { DEFAULTS as LLM_DEFAULTS } from '../llm/defaults.js';
import type { OllamaDiagnoser } from '../llm/diagnoser.js';
import { guardrailCheck } from '../llm/guardrail-check.js';
import { workloadManifests } from '../llm/manifest-text.js';
import type { RunbookMemory } from '../llm/runbook.js';
import type { LlmMeta } from '../llm/types.js';
import { checkChanges, checkPlan } from '../plan/guardrails.js';
import { operationsToChanges } from '../plan/operation-changes.js';

export interface Remediation {
  action: Plan['action'];
  reason: string;
  operations: Operation[];
  /** Unified diff that `git apply` accepts at the repo root; empty for action none. */
  diff: string;
  files: string[];
  changes: GitopsProposal['changes'];
  renderedDiff?: string;
  notes: string[];
}

export interface DiagnoseResult {
  incident: Incident;
  diagnosis: Diagnosis;
  remediation: Remediation;
  /** The findings of every analyzer that matched, for `explain`. */
  alsoMatched: string[];
  evidenceNotes: string[];
  /** File contents after the patch (for writing the checkout or committing). */
  proposal?: GitopsProposal;
  /** Model, prompt version, latency, tokens and any fallback, when the LLM was consulted. */
  llm?: LlmMeta;
  /** The LLM's plain-words explanation when it agreed with the rules. */
  explanation?: string;
}

export interface DiagnoseDeps {
  reader: ClusterReader;
  repoRoot: string;
  /** A prebuilt index (the server keeps one per repo); built on demand otherwise. */
  index?: RepoIndex;
  config?: RepoConfig;
  /** Render with kubectl/helm to check the blast radius (default true). */
  render?: boolean;
  progress?: (message: string) => void;
  /** The LLM second opinion (Ollama); rules alone when absent. */
  llm?: OllamaDiagnoser;
  /** Similar past incidents for the LLM prompt. */
  runbook?: RunbookMemory;
}

export async function diagnoseIncident(draft: IncidentDraft, deps: DiagnoseDeps): Promise<DiagnoseResult> {
  const progress = deps.progress ?? (() => {});
  progress(`gathering evidence from ${deps.reader.description}`);
  const [{ incident, evidence }, index, config] = await Promise.all([
    gatherEvidence(deps.reader, draft),
    deps.index ? Promise.resolve(deps.index) : indexRepo(deps.repoRoot),
    deps.config ? Promise.resolve(deps.config) : loadRepoConfig(deps.repoRoot),
  ]);
  progress(
    `indexed ${index.docs.length} YAML documents${index.skipped.length ? `, skipped ${index.skipped.length} file(s)` : ''}`,
  );

  const located = locate(index, incident, evidence);
  const gitImages =
    located && !isError(located) ? await imagesFromGit(deps.repoRoot, located, evidence) : undefined;
  const analysis = runAnalyzers({ incident, evidence, config, ...(gitImages ? { gitImages } : {}) });
  progress(`rules: ${analysis.finding.diagnosis.category} (${analysis.finding.plan.action})`);
  let finding = analysis.finding;
  let llm: LlmMeta | undefined;
  let explanation: string | undefined;
  if (deps.llm) {
    progress(`asking ${deps.llm.model} for a second opinion`);
    ({ finding, llm, explanation } = await consultLlm(deps.llm, deps.runbook, analysis, {
      incident,
      evidence,
      config,
      index,
      located,
      historyImages: Object.values(gitImages ?? {}).flat(),
    }));
    progress(
      llm.fallback
        ? `LLM not used: ${llm.fallback}`
        : `LLM answered in ${llm.latencyMs} ms (${finding.diagnosis.source})`,
    );
  }
  const base = {
    incident,
    diagnosis: finding.diagnosis,
    alsoMatched: analysis.matched.slice(1).map((f) => f.diagnosis.category),
    evidenceNotes: [...evidence.notes, ...index.skipped.map((s) => `skipped ${s.file}: ${s.reason}`)],
    ...(llm ? { llm } : {}),
    ...(explanation ? { explanation } : {}),
  };
  const outcome = await remediate(finding, {
    incident,
    evidence,
    config,
    index,
    deps,
    located,
    gitImages,
  });
  return { ...base, ...outcome };
}

interface LlmContext {
  incident: Incident;
  evidence: Evidence;
  config: RepoConfig;
  index: RepoIndex;
  located: ReturnType<typeof locate>;
  historyImages: string[];
}

/**
 * The LLM sees only the located workload's manifests and up to three similar past incidents; its
 * plan passes the same guardrails as a rule's, and any failure leaves the rules in charge.
 */
async function consultLlm(
  llm: OllamaDiagnoser,
  runbook: RunbookMemory | undefined,
  analysis: AnalysisResult,
  context: LlmContext,
): Promise<CombinedFinding> {
  const { incident, evidence, config, index, located, historyImages } = context;
  const manifests = located && !isError(located) ? await workloadManifests(index, located) : [];
  const pastIncidents = runbook
    ? await runbook
        .similar(
          {
            alertname: incident.alertname,
            category: analysis.finding.diagnosis.category,
            ...(incident.namespace ? { namespace: incident.namespace } : {}),
            ...(evidence.workload ? { workload: evidence.workload.name } : {}),
          },
          3,
        )
        .catch(() => [])
    : [];
  const outcome = await llm.diagnose({
    incident,
    evidence,
    rules: analysis,
    manifests,
    pastIncidents,
    check: guardrailCheck({ incident, evidence, config, historyImages }),
  });
  return combineFindings(analysis.finding, outcome, {
    minConfidence: Math.max(LLM_DEFAULTS.minConfidence, config.minConfidence),
    reportOnly: config.reportOnly,
  });
}

interface RemediateInput {
  incident: Incident;
  evidence: Evidence;
  config: RepoConfig;
  index: RepoIndex;
  deps: DiagnoseDeps;
  located: ReturnType<typeof locate>;
  gitImages: Record<string, string[]> | undefined;
}

function locate(index: RepoIndex, incident: Incident, evidence: Evidence) {
  const workload = evidence.workload;
  if (!workload) return undefined;
  const namespace = incident.namespace ?? evidence.namespace;
  const target = { kind: workload.kind, name: workload.name, ...(namespace ? { namespace } : {}) };
  const hints = incident.labels.cluster ? { cluster: incident.labels.cluster } : undefined;
  return locateWorkload(index, target, hints);
}

/** Earlier images per container from the git history of the file that defines the workload. */
async function imagesFromGit(root: string, source: WorkloadSource, evidence: Evidence) {
  if (source.type === 'helm') return undefined;
  const out: Record<string, string[]> = {};
  for (const container of templateContainers(evidence)) {
    const images = await previousImagesFromGit(root, source.doc.file, {
      container: container.name,
      kind: source.target.kind,
      name: source.doc.name ?? source.target.name,
    });
    if (images.length) out[container.name] = images;
  }
  return Object.keys(out).length ? out : undefined;
}

async function remediate(
  finding: Finding,
  input: RemediateInput,
): Promise<Pick<DiagnoseResult, 'remediation' | 'proposal'>> {
  const { plan } = finding;
  const notes: string[] = [];
  const none = (reason: string) => ({ remediation: emptyRemediation(reason, notes) });
  if (plan.action === 'none') return none(plan.reason);

  const historyImages = Object.values(input.gitImages ?? {}).flat();
  const guard = checkPlan({
    plan,
    incident: input.incident,
    evidence: input.evidence,
    config: input.config,
    historyImages,
  });
  if (!guard.ok) return none(`Guardrail: ${guard.reason}`);
  const workload = input.evidence.workload;
  if (!workload) return none('No workload was resolved for this alert.');
  const namespace = input.incident.namespace ?? input.evidence.namespace;
  const target = { kind: workload.kind, name: workload.name, ...(namespace ? { namespace } : {}) };

  const converted = operationsToChanges(plan.operations, {
    workload: { ...target, object: workload.object },
    evidence: input.evidence,
  });
  if ('error' in converted)
    return none(`The plan cannot be expressed as a manifest change: ${converted.error}.`);
  const allowed = [
    target,
    ...(input.evidence.hpa?.metadata?.name
      ? [{ kind: 'HorizontalPodAutoscaler', name: input.evidence.hpa.metadata.name }]
      : []),
    ...input.evidence.pvcs.map((p) => ({ kind: 'PersistentVolumeClaim', name: p.metadata?.name ?? '' })),
    ...input.evidence.services.map((s) => ({ kind: 'Service', name: s.metadata?.name ?? '' })),
  ];
  const fieldGuard = checkChanges(converted.changes, allowed);
  if (!fieldGuard.ok) return none(`Guardrail: ${fieldGuard.reason}`);

  const hints = input.incident.labels.cluster ? { cluster: input.incident.labels.cluster } : undefined;
  const source = locateWorkload(input.index, target, hints);
  if (isError(source))
    return none(
      `No confident fix: cannot find the manifest that produces ${workload.kind} ${workload.name} (${source.error}).`,
    );
  notes.push(...source.notes);

  const proposal = await proposeChanges(input.index, source, converted.changes, {
    render: input.deps.render ?? true,
  });
  if (isError(proposal)) return none(`No confident fix: ${proposal.error}`);
  notes.push(...proposal.notes);
  return {
    remediation: {
      action: 'patch',
      reason: plan.reason,
      operations: plan.operations,
      diff: proposal.diff,
      files: proposal.files,
      changes: proposal.changes,
      ...(proposal.renderedDiff ? { renderedDiff: proposal.renderedDiff } : {}),
      notes,
    },
    proposal,
  };
}

function emptyRemediation(reason: string, notes: string[]): Remediation {
  return { action: 'none', reason, operations: [], diff: '', files: [], changes: [], notes };
}
