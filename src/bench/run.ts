// `npm run bench`: runs the benchmarks and prints one table. Targets are checked here, never in
// unit tests (timings on a shared 2-core machine are not test assertions).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchDiagnose } from './diagnose-bench.js';
import { type BenchResult, benchGitops } from './gitops-bench.js';
import { benchPrompts } from './llm-bench.js';
import { benchServer } from './server-bench.js';
import { table } from './table.js';
import { benchVerify } from './verify-bench.js';

const SUITES: Record<string, (shared: string) => Promise<BenchResult[]>> = {
  gitops: () => benchGitops(),
  diagnose: (shared) => benchDiagnose({ scenariosDir: path.join(shared, 'scenarios') }),
  prompts: (shared) => benchPrompts({ scenariosDir: path.join(shared, 'scenarios') }),
  verify: () => benchVerify(),
  server: () => benchServer(),
};

function resultTable(rows: BenchResult[]): string {
  return table(
    ['benchmark', 'value', 'unit', 'target', 'ok'],
    rows.map((r) => [r.name, String(r.value), r.unit, r.target, r.ok ? 'yes' : 'NO']),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      shared: { type: 'string', default: process.env.AEGIS_SHARED_DIR ?? path.resolve('../shared') },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      `usage: npm run bench [-- --only ${Object.keys(SUITES).join(',')}] [--shared DIR]\n`,
    );
    return;
  }
  const wanted = values.only ? values.only.split(',') : Object.keys(SUITES);
  const rows: BenchResult[] = [];
  for (const name of wanted) {
    const suite = SUITES[name];
    if (!suite) throw new Error(`unknown suite ${name}; choose from ${Object.keys(SUITES).join(', ')}`);
    process.stderr.write(`bench: ${name}…\n`);
    rows.push(...(await suite(values.shared)));
  }
  rows.push({
    name: 'process.peak_rss',
    value: Math.round(process.resourceUsage().maxRSS / 1024),
    unit: 'MB',
    target: '<= 300',
    ok: process.resourceUsage().maxRSS / 1024 <= 300,
  });
  process.stdout.write(`${resultTable(rows)}\n`);
  if (rows.some((r) => !r.ok)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
