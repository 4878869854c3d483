// The remediation core: alert → evidence → diagnosis → guarded plan → located, minimal patch.
// Every entrypoint (CLI, GitHub App, Action, demo) calls this; it never writes the checkout.

import { runAnalyzers } from '../analyzers/run-analyzers.js';
import { loadRepoConfig, type RepoConfig } from '../config/repo-config.js';
import { UserError } from '../core/errors.js';
import type { Diagnosis, Evidence, Finding, Incident, Operation, Plan } from '../core/types.js';
import type { ClusterReader } from '../evidence/cluster-reader.js';
import { gatherEvidence } from '../evidence/gather-evidence.js';
import { indexRepo } from '../gitops/index-repo.js';
import { proposeChanges, warmRenderCheck } from '../gitops/propose.js';
import { type FileEdit, type GitopsProposal, isError, type RepoIndex } from '../gitops/types.js';
import type { IncidentDraft } from '../intake/incidents.js';
import type { OllamaDiagnoser } from '../llm/diagnoser.js';
import type { RunbookMemory } from '../llm/runbook.js';
import type { LlmMeta } from '../llm/types.js';
import { checkChanges, checkPlan } from '../plan/guardrails.js';
import { operationsToChanges } from '../plan/operation-changes.js';
import { consultLlm, consultRevision } from './consult-llm.js';
import { imagesFromGit, type Located, locate } from './locate-source.js';

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
  /** With DiagnoseDeps.revision: why no revised plan was made (the remediation is then `none`). */
  revisionRefused?: string;
}

/** What a fix's commit message and branch name are made of, known before its render check ends. */
export type EditsSubject = Pick<DiagnoseResult, 'incident' | 'diagnosis'> & {
  remediation: Pick<Remediation, 'operations'>;
};

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
  /** `/aegis revise`: ask the LLM (required) for a different plan following this instruction. */
  revision?: { instruction: string };
  /**
   * Told a proposal's file edits, with the diagnosis they fix and the plan's operations, while its
   * render check runs (see ProposeOptions.onEdits): the caller may start work that depends only on
   * them (the server builds the fix's tree and commit).
   */
  onEdits?: (edits: FileEdit[], subject: EditsSubject) => void;
  /** Evidence already gathered for this draft (the server routes on it first); read otherwise. */
  gathered?: { incident: Incident; evidence: Evidence };
}

export async function diagnoseIncident(draft: IncidentDraft, deps: DiagnoseDeps): Promise<DiagnoseResult> {
  const progress = deps.progress ?? (() => {});
  if (!deps.gathered) progress(`gathering evidence from ${deps.reader.description}`);
  const [{ incident, evidence }, index, config] = await Promise.all([
    deps.gathered ? Promise.resolve(deps.gathered) : gatherEvidence(deps.reader, draft),
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
  // A patch (or an LLM that may propose one) will be render-checked: start kubectl now.
  if (located && !isError(located) && (analysis.finding.plan.action === 'patch' || deps.llm))
    warmRenderCheck(index, located, { render: deps.render ?? true });
  let finding = analysis.finding;
  let llm: LlmMeta | undefined;
  let explanation: string | undefined;
  let revisionRefused: string | undefined;
  const llmContext = {
    incident,
    evidence,
    config,
    index,
    located,
    historyImages: Object.values(gitImages ?? {}).flat(),
  };
  if (deps.revision) {
    if (!deps.llm) throw new UserError('revising a plan needs the LLM', 'configure Ollama (OLLAMA_HOST)');
    progress(`asking ${deps.llm.model} to revise the plan`);
    const revised = await consultRevision(
      deps.llm,
      deps.runbook,
      analysis,
      llmContext,
      deps.revision.instruction,
    );
    llm = revised.llm;
    if ('refused' in revised) {
      revisionRefused = revised.refused;
      finding = {
        ...finding,
        plan: { action: 'none', reason: `Revision refused: ${revised.refused}`, operations: [] },
      };
    } else finding = revised.finding;
  } else if (deps.llm) {
    progress(`asking ${deps.llm.model} for a second opinion`);
    ({ finding, llm, explanation } = await consultLlm(deps.llm, deps.runbook, analysis, llmContext));
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
    ...(revisionRefused ? { revisionRefused } : {}),
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

interface RemediateInput {
  incident: Incident;
  evidence: Evidence;
  config: RepoConfig;
  index: RepoIndex;
  deps: DiagnoseDeps;
  located: Located;
  gitImages: Record<string, string[]> | undefined;
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

  const source = input.located;
  if (!source) return none('No workload was resolved for this alert.');
  if (isError(source))
    return none(
      `No confident fix: cannot find the manifest that produces ${workload.kind} ${workload.name} (${source.error}).`,
    );
  notes.push(...source.notes);

  const proposal = await proposeChanges(input.index, source, converted.changes, {
    render: input.deps.render ?? true,
    ...(input.deps.onEdits
      ? {
          onEdits: (edits: FileEdit[]) =>
            input.deps.onEdits?.(edits, {
              incident: input.incident,
              diagnosis: finding.diagnosis,
              remediation: { operations: plan.operations },
            }),
        }
      : {}),
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
