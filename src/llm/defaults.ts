// LLM defaults, kept free of LangChain imports so the rules-only path never loads the client.
export const DEFAULTS = {
  baseUrl: 'http://127.0.0.1:11434',
  /**
   * Qwen2.5 7B Instruct: among the small open models the most reliable at JSON that follows a
   * schema and at reading logs and YAML, 32k context, Apache-2.0; the Q4_K_M build Ollama serves
   * under this tag needs about 5 GB of VRAM, so it fits a single 8 GB GPU with an 8k context.
   */
  model: 'qwen2.5:7b-instruct',
  timeoutMs: 60_000,
  numCtx: 8192,
  /** The answer is a small JSON object; this bounds latency when a model rambles. */
  numPredict: 1024,
  temperature: 0,
  /** Alerts come in bursts; keeping the model loaded avoids a cold load per incident. */
  keepAlive: '30m',
  promptTokens: 6000,
  minConfidence: 0.7,
  /** One answer plus one retry with the errors fed back; transport retries spend the same budget. */
  maxAttempts: 2,
} as const;
