// The LLM path's contract with the pipeline: what goes in (evidence, the rules' findings, the
// located manifests, past incidents and the guardrail check bound by the caller) and what comes
// out (an answer that passed schema and guardrails, or a stated reason to fall back to the rules).
import type { Evidence, Finding, Incident, OperationType, Plan } from '../core/types.js';
import type { LlmAnswer } from './answer-schema.js';
import type { ManifestText } from './manifest-text.js';
import type { PastIncident } from './runbook.js';

export type PlanVerdict = { ok: true } | { ok: false; reason: string };

/** The guardrails a rule's plan passes (checkPlan and friends), bound to this incident by the caller. */
export type PlanCheck = (plan: Plan) => PlanVerdict;

export interface LlmInput {
  incident: Incident;
  evidence: Evidence;
  /** `runAnalyzers()`'s result: the chosen finding and every analyzer that matched. */
  rules: { finding: Finding; matched: readonly Finding[] };
  /** Only the documents that produce the located workload (see `workloadManifests`). */
  manifests: readonly ManifestText[];
  /** Up to three similar past incidents (`RunbookMemory.similar`); more are ignored. */
  pastIncidents?: readonly PastIncident[];
  check: PlanCheck;
}

export interface ReviseInput extends LlmInput {
  /** The reviewer's `/aegis revise <text>`: untrusted, redacted and bounded before it is sent. */
  instruction: string;
  /** The finding currently proposed in the pull request; default `rules.finding`. */
  current?: Finding;
}

export interface LlmMeta {
  model: string;
  /** Versions of the prompt templates used, e.g. `system@1a2b3c4d5e6f+diagnose@…`. */
  promptVersion: string;
  /** Wall time of the whole call, retries included. */
  latencyMs: number;
  /** Ollama's prompt_eval_count, summed over attempts (0 when the model never answered). */
  promptTokens: number;
  /** Ollama's eval_count, summed over attempts. */
  completionTokens: number;
  /** Chat requests sent to Ollama. */
  attempts: number;
  /** AEGIS's own estimate of the first prompt, before sending. */
  estimatedPromptTokens: number;
  /** Evidence and manifest lines left out to fit the token budget. */
  droppedLines: number;
  /** Set when the rules decide alone: why, in one line, for the PR body. */
  fallback?: string;
}

export type LlmOutcome =
  /** Schema-valid, and the plan passed the LLM operation policy and the caller's guardrails. */
  | { status: 'ok'; answer: LlmAnswer; meta: LlmMeta }
  /** Schema-valid, but its plan failed a guardrail on every attempt; the diagnosis may still be read. */
  | { status: 'blocked'; answer: LlmAnswer; reason: string; meta: LlmMeta }
  /** No schema-valid answer; `raw` is the last answer, redacted and truncated. */
  | { status: 'invalid'; reason: string; raw: string; meta: LlmMeta }
  /** Ollama did not answer: down, HTTP error, timeout, cancelled. */
  | { status: 'unavailable' | 'timeout'; reason: string; meta: LlmMeta };

/**
 * Operation types an LLM plan may use. `set-env` is left out on purpose: an environment value is
 * free text (a URL, a flag) that hostile log lines could steer; `revert-commit` names a commit
 * the evidence cannot vouch for. Rules may still use both.
 */
export const DEFAULT_LLM_OPERATIONS: readonly OperationType[] = [
  'set-resources',
  'set-image',
  'set-replicas',
  'set-hpa',
  'set-probe',
  'fix-reference',
  'set-storage-class',
  'restart',
];
