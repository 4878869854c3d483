// `aegis demo`: DESIGN.md §9. Runs the whole flow on this machine with podman and prints a
// timeline (stdout) as it goes; verification progress goes to stderr. Exit 0 only when every step
// worked, the fix verified `pass` and production stayed healthy after the rollout.
import path from 'node:path';
import type { Command } from 'commander';
import { readCliEnv } from '../config/env.js';
import { writeText } from '../demo/output.js';
import { createDemoRun, type DemoResult } from '../demo/run-demo.js';
import { createTimeline, seconds, type Timeline } from '../demo/timeline.js';
import { ExitStatus } from './exit-status.js';
import { onInterrupt } from './interrupt.js';
import { VERIFY_EXIT } from './verify-command.js';

interface DemoCommandOptions {
  out?: string;
  keep?: boolean;
  quiet?: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Run the whole AEGIS flow on this machine with podman: a leaking app OOM-killed in "production", the alert to the bot, its fix PR, shadow verification, merge, rollout and watch.',
    )
    .option('--out <dir>', 'output folder (new or empty): snapshot, alert, PR, verification report, timeline')
    .option('--keep', 'keep production running and the temporary git repositories (default: remove them)')
    .option('-q, --quiet', 'no progress on stderr (the timeline is still printed)')
    .addHelpText(
      'after',
      [
        '',
        'Needs podman with runc (as root), kubectl and git: apt-get install -y podman runc kubectl git.',
        'Runs in about two minutes. With OLLAMA_HOST set to a reachable Ollama, the LLM second opinion runs',
        'too; otherwise the rule-based analyzers alone.',
        '',
        'Steps: preflight · build the demo image · GitOps repo (bare origin + clone) · deploy production ·',
        'traffic until the OOM kill · cluster snapshot from podman · bot (aegis serve, local mode) gets the',
        'alert over HTTP and opens the PR · shadow verification · merge · rollout · watch · cleanup.',
        '',
        'Exit codes: 0 everything worked and verification passed, 3/4/5 verification fail/inconclusive/error,',
        '  1 another step failed (production not OOM-killed, no PR, unhealthy rollout), 2 missing tools or bad --out.',
        '',
        'Example:',
        '  aegis demo --out ./aegis-demo',
      ].join('\n'),
    )
    .action(async (options: DemoCommandOptions) => {
      const timeline = createTimeline((line) => process.stdout.write(`${line}\n`));
      const demo = createDemoRun({
        ...(options.out ? { outDir: options.out } : {}),
        keep: options.keep ?? false,
        env: process.env,
        cliEnv: readCliEnv(),
        timeline,
        progress: options.quiet ? () => {} : (line) => process.stderr.write(`aegis: ${line}\n`),
      });
      const stopListening = onInterrupt(async (signal) => {
        process.stderr.write(`aegis: ${signal}: removing what the demo started (run ${demo.runId})\n`);
        await demo.cleanup();
      });
      const result = await demo.run().finally(stopListening);
      await writeText(path.join(result.outDir, 'timeline.txt'), `${timeline.lines.join('\n')}\n`);
      process.stdout.write(summary(result, timeline));
      const code = exitCode(result);
      if (code !== 0) throw new ExitStatus(code);
    });
}

export function exitCode(result: DemoResult): number {
  if (result.verdict && result.verdict !== 'pass') return VERIFY_EXIT[result.verdict];
  return result.stoppedAt || result.verdict !== 'pass' || result.healthy !== true ? 1 : 0;
}

function summary(result: DemoResult, timeline: Timeline): string {
  const ok = exitCode(result) === 0;
  const steps = [...timeline.steps].map(([name, ms]) => `${name} ${seconds(ms)}`).join(' · ');
  const lines = [
    '',
    ok
      ? `AEGIS demo passed in ${seconds(timeline.elapsedMs())}: fix verified (pass) and production healthy after the rollout.`
      : `AEGIS demo FAILED in ${seconds(timeline.elapsedMs())} at step ${result.stoppedAt ?? 'unknown'}.`,
    `  steps:         ${steps}`,
    ...(result.pr ? [`  pull request:  ${result.pr.markdown} (branch ${result.pr.branch})`] : []),
    ...(result.report
      ? [`  verification:  ${result.report.markdown}`, `                 ${result.report.json}`]
      : []),
    `  output folder: ${result.outDir}`,
    '',
  ];
  return lines.join('\n');
}
