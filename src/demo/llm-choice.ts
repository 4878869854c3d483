// Rules or rules + LLM: the LLM second opinion runs when OLLAMA_HOST names an Ollama that answers;
// otherwise the rule-based analyzers alone (the embedded default), and the demo says why.
import { llmDeps } from '../cli/diagnosis-inputs.js';
import type { CliEnv } from '../config/env.js';
import { describeError } from '../core/errors.js';
import { redact } from '../evidence/redact.js';
import type { DiagnoseDeps } from '../pipeline/diagnose.js';

export interface LlmChoice {
  deps: Pick<DiagnoseDeps, 'llm' | 'runbook'>;
  /** One line for the timeline: which path and why. */
  description: string;
}

export async function chooseLlm(
  env: Pick<CliEnv, 'OLLAMA_HOST' | 'AEGIS_OLLAMA_MODEL'>,
  probe: (url: string) => Promise<void> = probeOllama,
): Promise<LlmChoice> {
  if (!env.OLLAMA_HOST) return { deps: {}, description: 'rules only (OLLAMA_HOST is not set)' };
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(env.OLLAMA_HOST)
    ? env.OLLAMA_HOST
    : `http://${env.OLLAMA_HOST}`;
  const shown = redact(url);
  try {
    await probe(url);
  } catch (error: unknown) {
    return {
      deps: {},
      description: `rules only (Ollama at ${shown} did not answer: ${describeError(error)})`,
    };
  }
  const deps = await llmDeps({
    llm: 'ollama',
    ollamaUrl: url,
    llmTimeout: '60s',
    ...(env.AEGIS_OLLAMA_MODEL ? { model: env.AEGIS_OLLAMA_MODEL } : {}),
  });
  return { deps, description: `rules + LLM (${deps.llm?.model ?? 'model'} on Ollama at ${shown})` };
}

async function probeOllama(url: string): Promise<void> {
  const response = await fetch(`${url.replace(/\/+$/, '')}/api/tags`, { signal: AbortSignal.timeout(3000) });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
}
