// The LLM diagnoser the pipeline holds: options resolved once, prompt templates loaded once, one
// chat model built per call (so that each call's timeout can cancel its own HTTP request).
import { describeError } from '../core/errors.js';
import type { OperationType } from '../core/types.js';
import { askModel } from './ask-model.js';
import { buildPrompt } from './build-prompt.js';
import { type ChatModelFactory, createChatOllama, DEFAULTS } from './chat-model.js';
import { loadPrompts, type PromptSet } from './prompt-templates.js';
import { DEFAULT_LLM_OPERATIONS, type LlmInput, type LlmOutcome, type ReviseInput } from './types.js';

export interface OllamaDiagnoserOptions {
  /** Ollama's URL (OLLAMA_HOST), default http://127.0.0.1:11434. */
  baseUrl?: string;
  /** Default qwen2.5:7b-instruct (see chat-model.ts for why). */
  model?: string;
  /** Budget for the whole call, retries included; default 60 000 ms. */
  timeoutMs?: number;
  numCtx?: number;
  numPredict?: number;
  temperature?: number;
  keepAlive?: string | number;
  /** Prompt token budget; default 6 000, lowered when num_ctx leaves less room. */
  promptTokens?: number;
  /** Answers per question: 2 = one retry with the errors fed back (default). */
  maxAttempts?: number;
  /** Extra tries for 502/503/504 and dropped connections; default 1. */
  transientRetries?: number;
  /** Operation types an LLM plan may use; default DEFAULT_LLM_OPERATIONS (no set-env, no revert-commit). */
  allowedOperations?: readonly OperationType[];
  /** Prompt templates: preloaded, or read from this directory (default: the package's prompts/). */
  prompts?: PromptSet;
  promptsDir?: string;
  /** Chat model factory; default a ChatOllama. */
  createModel?: ChatModelFactory;
}

export interface CallOptions {
  /** Cancels the call (server shutdown); the outcome is then `unavailable`. */
  signal?: AbortSignal;
}

export interface OllamaDiagnoser {
  readonly model: string;
  diagnose(input: LlmInput, call?: CallOptions): Promise<LlmOutcome>;
  revise(input: ReviseInput, call?: CallOptions): Promise<LlmOutcome>;
}

/** Room kept in num_ctx beyond the first prompt: the retry's echoed answer (≤ 1 500 chars) and errors. */
const RETRY_HEADROOM = 900;

export function createOllamaDiagnoser(options: OllamaDiagnoserOptions = {}): OllamaDiagnoser {
  const numCtx = options.numCtx ?? DEFAULTS.numCtx;
  const numPredict = options.numPredict ?? DEFAULTS.numPredict;
  const promptTokens = Math.max(
    500,
    Math.min(options.promptTokens ?? DEFAULTS.promptTokens, numCtx - numPredict - RETRY_HEADROOM),
  );
  const settings = {
    baseUrl: options.baseUrl ?? DEFAULTS.baseUrl,
    model: options.model ?? DEFAULTS.model,
    temperature: options.temperature ?? DEFAULTS.temperature,
    numCtx,
    numPredict,
    keepAlive: options.keepAlive ?? DEFAULTS.keepAlive,
    createModel: options.createModel ?? createChatOllama,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    maxAttempts: Math.max(1, options.maxAttempts ?? DEFAULTS.maxAttempts),
    transientRetries: Math.max(0, options.transientRetries ?? 1),
    // Issue target: at most 2 LLM calls per incident, whatever mix of failures happens.
    maxRequests: Math.max(1, options.maxAttempts ?? DEFAULTS.maxAttempts),
    allowedOperations: options.allowedOperations ?? DEFAULT_LLM_OPERATIONS,
  };
  let prompts: Promise<PromptSet> | undefined = options.prompts
    ? Promise.resolve(options.prompts)
    : undefined;
  const loaded = () => {
    prompts ??= loadPrompts(options.promptsDir);
    return prompts;
  };

  const ask = async (
    task: 'diagnose' | 'revise',
    input: LlmInput | ReviseInput,
    call: CallOptions = {},
  ): Promise<LlmOutcome> => {
    let set: PromptSet;
    let built: ReturnType<typeof buildPrompt>;
    try {
      set = await loaded();
      built = buildPrompt(task, input, set, promptTokens);
    } catch (error: unknown) {
      // The LLM is never required: a broken install or an unexpected input shape means rules only.
      prompts = undefined;
      return notAsked(
        settings.model,
        `the LLM prompt could not be built (${describeError(error)}); using the rules`,
      );
    }
    return askModel(
      {
        task,
        variables: built.variables,
        estimatedTokens: built.estimatedTokens,
        droppedLines: built.droppedLines,
        check: input.check,
        ...(call.signal ? { signal: call.signal } : {}),
      },
      { ...settings, prompts: set },
    );
  };

  return {
    model: settings.model,
    diagnose: (input, call) => ask('diagnose', input, call),
    revise: (input, call) => ask('revise', input, call),
  };
}

function notAsked(model: string, reason: string): LlmOutcome {
  return {
    status: 'unavailable',
    reason,
    meta: {
      model,
      promptVersion: '',
      latencyMs: 0,
      promptTokens: 0,
      completionTokens: 0,
      attempts: 0,
      estimatedPromptTokens: 0,
      droppedLines: 0,
      fallback: reason,
    },
  };
}

/**
 * `/aegis revise <text>`: the same schema, LLM operation policy and guardrails as a diagnosis;
 * the reviewer's text is data inside the prompt, never instructions that could widen a plan.
 */
export function reviseWithLlm(
  input: ReviseInput,
  options: OllamaDiagnoserOptions | OllamaDiagnoser = {},
  call?: CallOptions,
): Promise<LlmOutcome> {
  const diagnoser = 'revise' in options ? options : createOllamaDiagnoser(options);
  return diagnoser.revise(input, call);
}
