// The one place that constructs a ChatOllama. Facts about @langchain/ollama 1.3 this relies on
// (read from its source): every call is a streaming POST /api/chat (NDJSON), also for
// invoke(); nothing else is requested unless `checkOrPullModel` is set (then GET /api/tags and a
// pull), which AEGIS never sets. prompt_eval_count/eval_count arrive in the final chunk and end up
// in the message's response_metadata (and summed in usage_metadata). The call's AbortSignal only
// makes LangChain stop waiting; the HTTP request itself is cancelled by the fetch wrapper below.
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOllama } from '@langchain/ollama';

export interface ChatModelSettings {
  baseUrl: string;
  model: string;
  temperature: number;
  numCtx: number;
  numPredict: number;
  keepAlive: string | number;
  /** Aborted on timeout or cancellation; must cancel the HTTP request too. */
  signal: AbortSignal;
}

/** Builds the chat model for one call; injectable so tests and other runtimes can swap it. */
export type ChatModelFactory = (settings: ChatModelSettings) => BaseChatModel;

export { DEFAULTS } from './defaults.js';

export const createChatOllama: ChatModelFactory = (settings) =>
  new ChatOllama({
    baseUrl: settings.baseUrl,
    model: settings.model,
    temperature: settings.temperature,
    numCtx: settings.numCtx,
    numPredict: settings.numPredict,
    keepAlive: settings.keepAlive,
    checkOrPullModel: false,
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        signal: init?.signal ? AbortSignal.any([init.signal, settings.signal]) : settings.signal,
      }),
  });
