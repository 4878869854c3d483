// `aegis verify`: DESIGN.md §4 and §7. Shadow-verifies the change between two refs of a GitOps
// repository: the Markdown report on stdout (or --report FILE), the JSON artifact to --json FILE,
// progress on stderr, and the verdict as the exit code.
import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { CATEGORIES, type Category } from '../core/types.js';
import { newRunId } from '../sandbox/labels.js';
import { loadRepoConfigAt } from '../verify/config-at-ref.js';
import { resolveCommit } from '../verify/git-refs.js';
import { renderReportMarkdown } from '../verify/report-markdown.js';
import { runVerification } from '../verify/run-verification.js';
import type { Verdict } from '../verify/types.js';
import { ExitStatus } from './exit-status.js';
import { onInterrupt } from './interrupt.js';
import { requireDirectory } from './read-input.js';
import { openBackend, removeRun, type SandboxKind, sandboxOption } from './sandbox-backend.js';

/** The verdict as the exit code; 1 and 2 stay "crashed" and "bad input" as for every command. */
export const VERIFY_EXIT: Record<Verdict, number> = { pass: 0, fail: 3, inconclusive: 4, error: 5 };

interface VerifyOptions {
  repo: string;
  base: string;
  head: string;
  sandbox: SandboxKind;
  json?: string;
  report?: string;
  category?: Category;
  quiet?: boolean;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'Shadow-verify the change between two refs: control (base) vs candidate (head) under the same load.',
    )
    .requiredOption('--repo <dir>', 'GitOps repository clone (a git work tree; both refs must be in it)')
    .requiredOption('--base <ref>', 'ref deployed as control, e.g. main')
    .requiredOption('--head <ref>', 'ref deployed as candidate, e.g. the PR branch')
    .addOption(sandboxOption())
    .option('--json <file>', 'write the JSON artifact (VerificationReport) to this file')
    .option('--report <file>', 'write the Markdown report to this file instead of stdout')
    .addOption(
      new Option('--category <category>', 'diagnosis category; picks the red → green signal').choices(
        CATEGORIES,
      ),
    )
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      [
        '',
        'Load profile, verdict rules, scanners and the ready timeout come from the `verification:`',
        'section of .github/aegis.yml at --base (never from --head: the change must not set its own rules).',
        '',
        'Exit codes:',
        `  ${VERIFY_EXIT.pass}  pass`,
        `  ${VERIFY_EXIT.fail}  fail          (a rule failed: crash, OOM, errors, latency, new findings)`,
        `  ${VERIFY_EXIT.inconclusive}  inconclusive  (could not compare: no renderer, no baseline, scanner error)`,
        `  ${VERIFY_EXIT.error}  error         (the sandbox failed or timed out; says nothing about the change)`,
        '  1  unexpected failure, 2  bad input (unknown ref, bad config, bad option)',
        '',
        'Examples:',
        '  aegis verify --repo ./gitops --base main --head aegis/billing/api/oom-killed-1a2b3c4d --sandbox podman',
        '  aegis verify --repo . --base origin/main --head HEAD --sandbox podman --json verify.json --report verify.md',
      ].join('\n'),
    )
    .action(async (options: VerifyOptions) => {
      const progress = options.quiet ? () => {} : (line: string) => process.stderr.write(`aegis: ${line}\n`);
      await requireDirectory(options.repo, 'GitOps repository');
      const backend = openBackend(options.sandbox, process.env);
      const base = await resolveCommit(options.repo, options.base);
      const config = await loadRepoConfigAt(options.repo, base);
      const runId = newRunId();
      const stopListening = onInterrupt(async (signal) => {
        progress(`${signal}: removing the sandboxes of run ${runId}`);
        await removeRun(options.sandbox, runId, process.env);
      });
      const report = await runVerification({
        repoDir: options.repo,
        base: options.base,
        head: options.head,
        backend,
        config: config.verification,
        ...(options.category ? { category: options.category } : {}),
        progress,
        runId,
      }).finally(stopListening);
      if (options.json) await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
      const markdown = `${renderReportMarkdown(report)}\n`;
      if (options.report) await writeFile(options.report, markdown);
      else process.stdout.write(markdown);
      progress(`verdict: ${report.verdict} (${report.reasons[0] ?? report.redGreen.statement})`);
      if (VERIFY_EXIT[report.verdict] !== 0) throw new ExitStatus(VERIFY_EXIT[report.verdict]);
    });
}
