// The LLM path (issue "LLM diagnosis on Ollama"): explain, handle the long tail, never be required.
export { LlmAnswer, LlmDiagnosis, LlmPlan } from './answer-schema.js';
export {
  type ChatModelFactory,
  type ChatModelSettings,
  createChatOllama,
  DEFAULTS as LLM_DEFAULTS,
} from './chat-model.js';
export { type CombinedFinding, type CombineOptions, combineFindings } from './combine.js';
export {
  type CallOptions,
  createOllamaDiagnoser,
  type OllamaDiagnoser,
  type OllamaDiagnoserOptions,
  reviseWithLlm,
} from './diagnoser.js';
export { type GuardrailContext, guardrailCheck } from './guardrail-check.js';
export { type ManifestText, redactManifest, workloadManifests } from './manifest-text.js';
export { DEFAULT_PROMPTS_DIR, loadPrompts, type PromptSet, promptVersion } from './prompt-templates.js';
export {
  createFileRunbook,
  type FileRunbook,
  PastIncident,
  type RunbookMemory,
  type RunbookQuery,
} from './runbook.js';
export { estimateTokens } from './token-budget.js';
export {
  DEFAULT_LLM_OPERATIONS,
  type LlmInput,
  type LlmMeta,
  type LlmOutcome,
  type PlanCheck,
  type PlanVerdict,
  type ReviseInput,
} from './types.js';
