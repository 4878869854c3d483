// The LLM second opinion inside the pipeline: only the located workload's manifests and a few
// similar past incidents go in; the answer passes the same guardrails as a rule's plan.
import type { AnalysisResult } from '../analyzers/run-analyzers.js';
import type { RepoConfig } from '../config/repo-config.js';
import type { Evidence, Incident } from '../core/types.js';
import { isError, type RepoIndex } from '../gitops/types.js';
// Only LangChain-free modules of src/llm: the rules-only path must not load the LLM client.
import { type CombinedFinding, combineFindings, reviseFinding } from '../llm/combine.js';
import { DEFAULTS as LLM_DEFAULTS } from '../llm/defaults.js';
import type { OllamaDiagnoser } from '../llm/diagnoser.js';
import { guardrailCheck } from '../llm/guardrail-check.js';
import { workloadManifests } from '../llm/manifest-text.js';
import type { RunbookMemory } from '../llm/runbook.js';
import type { Located } from './locate-source.js';

export interface LlmContext {
  incident: Incident;
  evidence: Evidence;
  config: RepoConfig;
  index: RepoIndex;
  located: Located;
  historyImages: string[];
}

/**
 * The LLM sees only the located workload's manifests and up to three similar past incidents; its
 * plan passes the same guardrails as a rule's, and any failure leaves the rules in charge.
 */
export async function consultLlm(
  llm: OllamaDiagnoser,
  runbook: RunbookMemory | undefined,
  analysis: AnalysisResult,
  context: LlmContext,
): Promise<CombinedFinding> {
  const { config } = context;
  const input = await llmInput(runbook, analysis, context);
  const outcome = await llm.diagnose(input);
  return combineFindings(analysis.finding, outcome, {
    minConfidence: Math.max(LLM_DEFAULTS.minConfidence, config.minConfidence),
    reportOnly: config.reportOnly,
  });
}

/** `/aegis revise`: the reviewer's instruction is data in the prompt; guardrails decide as always. */
export async function consultRevision(
  llm: OllamaDiagnoser,
  runbook: RunbookMemory | undefined,
  analysis: AnalysisResult,
  context: LlmContext,
  instruction: string,
): Promise<ReturnType<typeof reviseFinding>> {
  const input = await llmInput(runbook, analysis, context);
  const outcome = await llm.revise({ ...input, instruction, current: analysis.finding });
  return reviseFinding(outcome, {
    minConfidence: Math.max(LLM_DEFAULTS.minConfidence, context.config.minConfidence),
    reportOnly: context.config.reportOnly,
  });
}

async function llmInput(runbook: RunbookMemory | undefined, analysis: AnalysisResult, context: LlmContext) {
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
  return {
    incident,
    evidence,
    rules: analysis,
    manifests,
    pastIncidents,
    check: guardrailCheck({ incident, evidence, config, historyImages }),
  };
}
