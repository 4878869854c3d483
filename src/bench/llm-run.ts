// `npm run bench:llm -- --ollama-url U --model M`: every scenario through rules + LLM, one row per
// case, so a user with a GPU can score a model. CI runs it against the Ollama test double.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readCliEnv } from '../config/env.js';
import { DEFAULTS } from '../llm/defaults.js';
import { benchLlm, promptStats } from './llm-bench.js';
import { table } from './table.js';

async function main(): Promise<void> {
  const env = readCliEnv();
  const { values } = parseArgs({
    options: {
      'ollama-url': { type: 'string', default: env.OLLAMA_HOST ?? DEFAULTS.baseUrl },
      model: { type: 'string', default: env.AEGIS_OLLAMA_MODEL ?? DEFAULTS.model },
      scenarios: { type: 'string', default: path.resolve('../shared/scenarios') },
      'timeout-ms': { type: 'string', default: String(DEFAULTS.timeoutMs) },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: npm run bench:llm -- [--ollama-url URL] [--model NAME] [--scenarios DIR] [--timeout-ms N]\n',
    );
    return;
  }
  process.stderr.write(`bench:llm: ${values.model} at ${values['ollama-url']} over ${values.scenarios}\n`);
  const rows = await benchLlm({
    ollamaUrl: values['ollama-url'],
    model: values.model,
    scenariosDir: values.scenarios,
    timeoutMs: Number(values['timeout-ms']),
  });
  const stats = await promptStats({ scenariosDir: values.scenarios, rows });
  const header = ['case', 'expected', 'rules', 'llm', 'combined', 'outcome', 'latency ms', 'prompt tokens'];
  const body = rows.map((r) => [
    r.id,
    r.expected.join('|'),
    r.rules,
    r.llm ?? '-',
    `${r.combined} (${r.source})`,
    r.outcome,
    String(r.latencyMs),
    String(r.promptTokens),
  ]);
  process.stdout.write(`${table(header, body)}\n`);
  const right = rows.filter((r) => r.expected.includes(r.llm ?? '')).length;
  process.stdout.write(
    `\nLLM category right in ${right}/${rows.length} cases; prompt p95 ${stats.p95} tokens (est.), at most ${stats.llmCallsPerIncident.max} LLM calls per incident\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:llm: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
