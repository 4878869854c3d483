// Inputs for the LLM tests: a shared scenario gathered and analysed the way the pipeline does,
// the located workload's manifests, the guardrails bound to it, and answers a model might give.
import { type AnalysisResult, runAnalyzers } from '../../src/analyzers/run-analyzers.js';
import { defaultRepoConfig, type RepoConfig } from '../../src/config/repo-config.js';
import type { Evidence, Incident } from '../../src/core/types.js';
import { indexRepo } from '../../src/gitops/index-repo.js';
import { locateWorkload } from '../../src/gitops/locate.js';
import { isError } from '../../src/gitops/types.js';
import type { LlmAnswer } from '../../src/llm/answer-schema.js';
import { guardrailCheck } from '../../src/llm/guardrail-check.js';
import { type ManifestText, workloadManifests } from '../../src/llm/manifest-text.js';
import type { LlmInput } from '../../src/llm/types.js';
import { scenarioDir, scenarioEvidence } from '../helpers/scenario-evidence.js';

export interface Case {
  incident: Incident;
  evidence: Evidence;
  config: RepoConfig;
  rules: AnalysisResult;
  manifests: ManifestText[];
  input: LlmInput;
}

export async function loadCase(
  name: string,
  edit: { evidence?: (e: Evidence) => void; noRules?: boolean } = {},
): Promise<Case> {
  const { incident, evidence } = await scenarioEvidence(name);
  edit.evidence?.(evidence);
  const config = defaultRepoConfig();
  const rules = runAnalyzers({ incident, evidence, config }, edit.noRules ? [] : undefined);
  const index = await indexRepo(`${scenarioDir(name)}/gitops`);
  const workload = evidence.workload;
  if (!workload) throw new Error(`${name}: no workload`);
  const source = locateWorkload(index, {
    kind: workload.kind,
    name: workload.name,
    ...(incident.namespace ? { namespace: incident.namespace } : {}),
  });
  if (isError(source)) throw new Error(`${name}: ${source.error}`);
  const manifests = await workloadManifests(index, source);
  const input: LlmInput = {
    incident,
    evidence,
    rules,
    manifests,
    check: guardrailCheck({ incident, evidence, config }),
  };
  return { incident, evidence, config, rules, manifests, input };
}

/** A model answer about the OOM scenario; `plan` defaults to the rules' own plan. */
export function oomAnswer(
  overrides: Partial<LlmAnswer['diagnosis']> = {},
  plan?: LlmAnswer['plan'],
): LlmAnswer {
  return {
    diagnosis: {
      category: 'oom-killed',
      summary: 'The PDF renderer runs out of memory while rendering the month-end batch.',
      rootCause:
        'RSS grows past the 512Mi limit during large batches; the kernel kills the container (exit 137).',
      confidence: 0.9,
      evidenceRefs: ['container renderer ... last=terminated OOMKilled exit 137'],
      hypotheses: ['A single very large invoice (INV-2025-02-0881934) may spike memory.'],
      ...overrides,
    },
    plan: plan ?? {
      action: 'patch',
      reason: 'Raise the memory limit to fit the batch working set.',
      operations: [{ type: 'set-resources', container: 'renderer', limits: { memory: '768Mi' } }],
    },
  };
}

export const patch = (...operations: LlmAnswer['plan']['operations']): LlmAnswer['plan'] => ({
  action: 'patch',
  reason: 'the model says so',
  operations,
});
