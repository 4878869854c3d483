// One server benchmark in a process of its own (`node dist/bench/server-bench-child.js storm`):
// memory peaks are then the benchmark's own, not what earlier suites left behind in the heap
// and the process's resident set. Prints the rows as JSON on stdout.
import { benchAlertStorm, benchAlertToPr } from './server-bench.js';

const BENCHES = { 'alert-to-pr': benchAlertToPr, storm: benchAlertStorm } as const;

const name = process.argv[2] as keyof typeof BENCHES;
const bench = BENCHES[name];
if (!bench) {
  process.stderr.write(`usage: server-bench-child.js ${Object.keys(BENCHES).join('|')}\n`);
  process.exitCode = 2;
} else {
  bench()
    .then((rows) => process.stdout.write(`${JSON.stringify(rows)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`bench ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}
