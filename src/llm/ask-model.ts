// One question to the model with a bounded number of attempts: structured output (the JSON schema
// constrains generation; zod parses the answer again), then the LLM operation policy and the
// caller's guardrails. A rejected answer is fed back once with the reasons; after that, or when
// Ollama is down, slow or erroring, the outcome says why and the rules decide alone.
import type { BaseMessage } from '@langchain/core/messages';
import { AIMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { describeError, formatIssues } from '../core/errors.js';
import type { OperationType, Plan } from '../core/types.js';
import { LlmAnswer } from './answer-schema.js';
import type { ChatModelFactory, ChatModelSettings } from './chat-model.js';
import { ollamaJsonSchema } from './ollama-schema.js';
import { chatPrompt, describeVersions, type PromptName, type PromptSet } from './prompt-templates.js';
import { promptBlock, promptLine, scrub } from './prompt-text.js';
import { describeFailure, invokeWithRetries, Timeout, type TransportSettings } from './transport.js';
import type { LlmMeta, LlmOutcome, PlanCheck, PlanVerdict } from './types.js';

export interface AskSettings extends Omit<ChatModelSettings, 'signal'>, TransportSettings {
  createModel: ChatModelFactory;
  prompts: PromptSet;
  timeoutMs: number;
  /** 2 = one answer plus one retry with the errors fed back. */
  maxAttempts: number;
  allowedOperations: readonly OperationType[];
}

export interface Question {
  task: 'diagnose' | 'revise';
  variables: Record<string, string>;
  estimatedTokens: number;
  droppedLines: number;
  check: PlanCheck;
  signal?: AbortSignal;
}

/** Raw answers reported are cut to this many lines/characters; echoed back for a retry, shorter. */
const RAW_LINES = 40;
const RAW_CHARS = 2_000;
const ECHO_CHARS = 1_500;

type Attempt =
  | { kind: 'ok'; answer: LlmAnswer }
  | { kind: 'blocked'; answer: LlmAnswer; reason: string }
  | { kind: 'invalid'; errors: string[] };

export async function askModel(question: Question, settings: AskSettings): Promise<LlmOutcome> {
  const started = performance.now();
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(new Timeout(settings.timeoutMs)), settings.timeoutMs);
  const signal = question.signal ? AbortSignal.any([timer.signal, question.signal]) : timer.signal;
  const used: PromptName[] = ['system', question.task];
  const meta: LlmMeta = {
    model: settings.model,
    promptVersion: '',
    latencyMs: 0,
    promptTokens: 0,
    completionTokens: 0,
    attempts: 0,
    estimatedPromptTokens: question.estimatedTokens,
    droppedLines: question.droppedLines,
  };
  const finish = <T extends LlmOutcome>(outcome: T): T => {
    outcome.meta.latencyMs = Math.round(performance.now() - started);
    outcome.meta.promptVersion = describeVersions(settings.prompts, used);
    return outcome;
  };
  const fallback = (status: 'unavailable' | 'timeout', reason: string) =>
    finish({ status, reason, meta: { ...meta, fallback: reason } });

  try {
    const model = settings.createModel({ ...settings, signal });
    if (typeof model.withStructuredOutput !== 'function') {
      return fallback('unavailable', 'the injected chat model has no structured output');
    }
    // The grammar comes from the zod schema (see ollama-schema.ts); zod parses the raw answer below.
    const structured = model.withStructuredOutput(ollamaJsonSchema(LlmAnswer), {
      name: 'aegis_answer',
      method: 'jsonSchema',
      includeRaw: true,
    });
    let messages = finalPass(
      await chatPrompt(settings.prompts, question.task).formatMessages(question.variables),
    );
    let lastRaw = '';
    let lastValid: { answer: LlmAnswer; reason: string } | undefined;
    let lastErrors: string[] = [];

    for (
      let attempt = 1;
      attempt <= settings.maxAttempts && meta.attempts < settings.maxRequests;
      attempt++
    ) {
      let result: { raw: BaseMessage };
      try {
        result = await invokeWithRetries(
          () => structured.invoke(messages, { signal }),
          settings,
          meta,
          signal,
        );
      } catch (error: unknown) {
        const problem = describeFailure(error, signal, settings);
        const earlier = lastErrors[0]
          ? ` (after an answer that was rejected: ${promptLine(lastErrors[0], 200)})`
          : '';
        return fallback(problem.status, `${problem.reason}${earlier}`);
      }
      countTokens(result.raw, meta);
      const rawText = contentText(result.raw);
      lastRaw = rawText;
      const checked = judge(rawText, question.check, settings.allowedOperations);
      if (checked.kind === 'ok') return finish({ status: 'ok', answer: checked.answer, meta });
      if (checked.kind === 'blocked') {
        lastValid = { answer: checked.answer, reason: checked.reason };
        lastErrors = [`plan rejected by a guardrail: ${checked.reason}`];
      } else {
        lastErrors = checked.errors;
      }
      if (attempt < settings.maxAttempts && meta.attempts < settings.maxRequests) {
        if (!used.includes('retry')) used.push('retry');
        const retry = await settings.prompts.retry.template.format({
          errors: lastErrors.map((e) => `- ${promptLine(e)}`).join('\n'),
        });
        messages = finalPass([
          ...messages,
          new AIMessage(promptBlock(rawText.slice(0, ECHO_CHARS), RAW_LINES)),
          new HumanMessage(retry),
        ]);
      }
    }
    const tries = `${meta.attempts} attempt${meta.attempts === 1 ? '' : 's'}`;
    if (lastValid) {
      const reason = `LLM plan blocked by a guardrail after ${tries}: ${lastValid.reason}`;
      return finish({
        status: 'blocked',
        answer: lastValid.answer,
        reason,
        meta: { ...meta, fallback: reason },
      });
    }
    const reason = `LLM answer invalid after ${tries}: ${lastErrors.slice(0, 3).join('; ')}`;
    return finish({
      status: 'invalid',
      reason: promptLine(reason, 600),
      raw: promptBlock(lastRaw.slice(0, RAW_CHARS), RAW_LINES),
      meta: { ...meta, fallback: promptLine(reason, 600) },
    });
  } catch (error: unknown) {
    // Building the model or the messages failed: a bug or a bad injection, never a reason to fail.
    return fallback(
      'unavailable',
      `the LLM call could not be made (${promptLine(describeError(error), 200)}); using the rules`,
    );
  } finally {
    clearTimeout(timeout);
  }
}

/** Defense in depth: whatever the templates and variables hold, every message is redacted again. */
function finalPass(messages: BaseMessage[]): BaseMessage[] {
  return messages.map((m) => {
    const text = scrub(contentText(m));
    switch (m.type) {
      case 'system':
        return new SystemMessage(text);
      case 'ai':
        return new AIMessage(text);
      default:
        return new HumanMessage(text);
    }
  });
}

function contentText(message: BaseMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  return content
    .map((part) => (typeof part === 'object' && part !== null && 'text' in part ? String(part.text) : ''))
    .join('');
}

function countTokens(raw: BaseMessage, meta: LlmMeta): void {
  const r = (raw as { response_metadata?: Record<string, unknown> }).response_metadata ?? {};
  const usage = (raw as { usage_metadata?: { input_tokens?: number; output_tokens?: number } })
    .usage_metadata;
  meta.promptTokens += numberOr(r.prompt_eval_count, usage?.input_tokens);
  meta.completionTokens += numberOr(r.eval_count, usage?.output_tokens);
}

const numberOr = (a: unknown, b: number | undefined) => (typeof a === 'number' ? a : (b ?? 0));

// ------------------------------------------------------------------ validation and guardrails

function judge(rawText: string, check: PlanCheck, allowed: readonly OperationType[]): Attempt {
  const validated = validate(rawText);
  if (!validated.ok) return { kind: 'invalid', errors: validated.errors };
  // "none" with operations is read as "none": the safe direction.
  const answer: LlmAnswer =
    validated.answer.plan.action === 'none'
      ? { ...validated.answer, plan: { ...validated.answer.plan, operations: [] } }
      : validated.answer;
  const verdict = guard(answer.plan, check, allowed);
  return verdict.ok ? { kind: 'ok', answer } : { kind: 'blocked', answer, reason: verdict.reason };
}

/**
 * Strict: LangChain's `parsed` comes from a lenient partial-JSON parser that turns a truncated
 * answer into an object, so the raw text is parsed here instead, and then checked with zod.
 */
function validate(rawText: string): { ok: true; answer: LlmAnswer } | { ok: false; errors: string[] } {
  const text = rawText
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  if (!text) return { ok: false, errors: ['the answer was empty; expected one JSON object'] };
  let candidate: unknown;
  try {
    candidate = JSON.parse(text);
  } catch (error: unknown) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, errors: [`the answer is not valid JSON (${why}); expected one JSON object`] };
  }
  const result = LlmAnswer.safeParse(candidate);
  if (result.success) return { ok: true, answer: result.data };
  return { ok: false, errors: formatIssues(result.error.issues).slice(0, 8) };
}

function guard(plan: Plan, check: PlanCheck, allowed: readonly OperationType[]): PlanVerdict {
  if (plan.action === 'none') return { ok: true };
  const forbidden = plan.operations.find((o) => !allowed.includes(o.type));
  if (forbidden) {
    return {
      ok: false,
      reason: `operation ${forbidden.type} is not allowed in LLM plans (allowed: ${allowed.join(', ')})`,
    };
  }
  try {
    return check(plan);
  } catch (error: unknown) {
    return {
      ok: false,
      reason: `guardrail check failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
