// Rules first, LLM second (DESIGN.md §1). The rules' finding stands unless they found nothing:
// - agreement on the category: the rule plan, `rules+llm`, and the LLM's plain-words explanation;
// - disagreement on a category the rules know: the rule finding, the LLM's view as a hypothesis;
// - rules say `unknown`: the LLM's diagnosis (and plan, which already passed every guardrail) only
//   at or above the confidence threshold, else `unknown` with the LLM's view as a hypothesis;
// - the LLM failed, timed out or was blocked: the rule finding, and `llm.fallback` says why.
import type { Category, Finding, Plan } from '../core/types.js';
import type { LlmAnswer } from './answer-schema.js';
import { DEFAULTS } from './defaults.js';
import { scrub } from './prompt-text.js';
import type { LlmMeta, LlmOutcome } from './types.js';

export interface CombineOptions {
  /** An LLM diagnosis replaces `unknown` only at or above this confidence; default 0.7. */
  minConfidence?: number;
  /** The repo's report-only categories: an adopted LLM plan for them becomes `none`. */
  reportOnly?: readonly Category[];
}

export interface CombinedFinding {
  finding: Finding;
  llm: LlmMeta;
  /** The LLM's summary and root cause when it agreed with the rules, for the PR body. */
  explanation?: string;
}

const MAX_HYPOTHESES = 8;

export function combineFindings(
  rules: Finding,
  outcome: LlmOutcome,
  options: CombineOptions = {},
): CombinedFinding {
  const threshold = options.minConfidence ?? DEFAULTS.minConfidence;
  const meta = outcome.meta;
  if (outcome.status !== 'ok' && outcome.status !== 'blocked') return { finding: rules, llm: meta };
  const answer = clean(outcome.answer);
  const ruleCategory = rules.diagnosis.category;
  const llmCategory = answer.diagnosis.category;

  if (outcome.status === 'blocked') {
    return {
      finding: withHypotheses(rules, [`${viewOf(answer, meta)} Its plan was blocked: ${outcome.reason}`]),
      llm: meta,
    };
  }

  if (ruleCategory !== 'unknown') {
    if (llmCategory === ruleCategory) {
      const extra = [
        ...answer.diagnosis.hypotheses.map((h) => `LLM: ${h}`),
        ...(rules.plan.action === 'none' && answer.plan.action === 'patch'
          ? [`The LLM proposed a change the rules do not make (not applied): ${answer.plan.reason}`]
          : []),
      ];
      const finding = withHypotheses(rules, extra);
      return {
        finding: { ...finding, diagnosis: { ...finding.diagnosis, source: 'rules+llm' } },
        llm: meta,
        explanation: `${answer.diagnosis.summary} ${answer.diagnosis.rootCause}`.trim(),
      };
    }
    return { finding: withHypotheses(rules, [viewOf(answer, meta)]), llm: meta };
  }

  // The rules know nothing: the LLM may speak, if it is confident enough.
  const confidence = answer.diagnosis.confidence;
  if (llmCategory === 'unknown' || confidence < threshold) {
    const why =
      llmCategory === 'unknown'
        ? 'The LLM does not recognise the failure either.'
        : `LLM confidence ${confidence} is under the threshold ${threshold}; AEGIS changes nothing.`;
    const finding = withHypotheses(rules, [viewOf(answer, meta)]);
    return {
      finding: {
        ...finding,
        plan: { action: 'none', reason: `${rules.plan.reason} ${why}`.trim(), operations: [] },
      },
      llm: meta,
    };
  }
  return { finding: adopt(answer, options.reportOnly ?? []), llm: meta };
}

/**
 * `/aegis revise`: the reviewer asked for a different plan, so a schema-valid, guardrail-passing
 * LLM patch replaces the current one; anything else keeps the PR as it is, with the reason.
 */
export function reviseFinding(
  outcome: LlmOutcome,
  options: CombineOptions = {},
): { finding: Finding; llm: LlmMeta } | { refused: string; llm: LlmMeta } {
  const meta = outcome.meta;
  if (outcome.status === 'invalid')
    return { refused: `the LLM gave no valid plan (${outcome.reason})`, llm: meta };
  if (outcome.status === 'blocked')
    return { refused: `the revised plan broke a guardrail: ${outcome.reason}`, llm: meta };
  if (outcome.status !== 'ok') return { refused: `the LLM did not answer (${outcome.reason})`, llm: meta };
  const answer = clean(outcome.answer);
  const threshold = options.minConfidence ?? DEFAULTS.minConfidence;
  if (answer.plan.action !== 'patch')
    return { refused: `the LLM proposes no change: ${answer.plan.reason}`, llm: meta };
  if (answer.diagnosis.confidence < threshold)
    return {
      refused: `the LLM's confidence ${answer.diagnosis.confidence} is under the threshold ${threshold}`,
      llm: meta,
    };
  const finding = adopt(answer, options.reportOnly ?? []);
  if (finding.plan.action !== 'patch') return { refused: finding.plan.reason, llm: meta };
  return { finding, llm: meta };
}

function adopt(answer: LlmAnswer, reportOnly: readonly Category[]): Finding {
  const { diagnosis, plan } = answer;
  const finalPlan: Plan =
    plan.action === 'patch' && reportOnly.includes(diagnosis.category)
      ? {
          action: 'none',
          reason: `Repo policy makes ${diagnosis.category} report-only (reportOnly in .github/aegis.yml).`,
          operations: [],
        }
      : { action: plan.action, reason: `${plan.reason} (proposed by the LLM)`, operations: plan.operations };
  return { diagnosis: { ...diagnosis, source: 'llm' }, plan: finalPlan };
}

function viewOf(answer: LlmAnswer, meta: LlmMeta): string {
  const d = answer.diagnosis;
  return `LLM (${meta.model}) reads this as ${d.category} (confidence ${d.confidence}): ${d.summary}`;
}

function withHypotheses(finding: Finding, extra: readonly string[]): Finding {
  const seen = new Set(finding.diagnosis.hypotheses);
  const added = extra.filter((h) => h && !seen.has(h));
  return {
    ...finding,
    diagnosis: {
      ...finding.diagnosis,
      hypotheses: [...finding.diagnosis.hypotheses, ...added].slice(
        0,
        Math.max(MAX_HYPOTHESES, finding.diagnosis.hypotheses.length),
      ),
    },
  };
}

/** LLM text goes into PR bodies: redacted once more, whatever the model echoed. */
function clean(answer: LlmAnswer): LlmAnswer {
  const d = answer.diagnosis;
  return {
    diagnosis: {
      ...d,
      summary: scrub(d.summary),
      rootCause: scrub(d.rootCause),
      evidenceRefs: d.evidenceRefs.map(scrub),
      hypotheses: d.hypotheses.map(scrub),
    },
    plan: { ...answer.plan, reason: scrub(answer.plan.reason) },
  };
}
