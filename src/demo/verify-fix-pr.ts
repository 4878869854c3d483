// Step 7 of the demo: the fix PR shadow-verified with podman exactly as `aegis verify` does it —
// control from main, candidate from the PR branch, the same load on both, the verdict from the
// repository's own rules at main — then the report written out and recorded on the PR.
import path from 'node:path';
import type { PullRequest } from '../forge/forge.js';
import { parsePrMeta } from '../propose/pr-meta.js';
import type { SandboxBackend } from '../sandbox/sandbox.js';
import { loadRepoConfigAt } from '../verify/config-at-ref.js';
import { resolveCommit } from '../verify/git-refs.js';
import { renderReportMarkdown } from '../verify/report-markdown.js';
import { runVerification } from '../verify/run-verification.js';
import type { VerificationReport } from '../verify/types.js';
import type { LocalBot } from './local-bot.js';
import { writeJson, writeText } from './output.js';
import { recordVerification } from './pull-request.js';
import type { DemoOptions } from './run-demo.js';
import { DEMO } from './settings.js';

export interface VerifiedPr {
  report: VerificationReport;
  paths: { markdown: string; json: string };
}

export async function verifyFixPr(
  ctx: DemoOptions & { backend: SandboxBackend; runId: string; outDir: string },
  input: { clone: string; pr: PullRequest; head: string; bot: LocalBot },
): Promise<VerifiedPr> {
  const { timeline: t } = ctx;
  const base = DEMO.baseBranch;
  const config = await loadRepoConfigAt(input.clone, await resolveCommit(input.clone, base));
  const { load } = config.verification;
  t.say(
    `shadow verification of PR #${input.pr.number} with podman: control ${base} vs candidate ${input.head}, each ${load.warmupSeconds} s warm-up + ${load.durationSeconds} s at ${load.rate ?? 'max'} requests/s`,
  );
  const category = parsePrMeta(input.pr.body)?.category;
  const report = await runVerification({
    repoDir: input.clone,
    base,
    head: input.head,
    backend: ctx.backend,
    config: config.verification,
    ...(category ? { category } : {}),
    progress: (line) => ctx.progress(`verify: ${line}`),
    runId: ctx.runId,
  });
  const markdown = `${renderReportMarkdown(report)}\n`;
  const paths = {
    markdown: path.join(ctx.outDir, 'verification', 'report.md'),
    json: path.join(ctx.outDir, 'verification', 'report.json'),
  };
  await writeText(paths.markdown, markdown);
  await writeJson(paths.json, report);
  await recordVerification(input.bot.forge, input.pr, report.verdict, markdown);
  const { control, candidate } = report.sides;
  const side = (name: string, s: typeof control) =>
    s
      ? `${name} ${s.oomKills} OOM kills, ${s.restarts} restarts, ${s.load.errors}/${s.load.requests} errors`
      : `${name} not measured`;
  t.say(
    `verification ${report.verdict.toUpperCase()}: ${side('control', control)}; ${side('candidate', candidate)} (${report.redGreen.statement})`,
  );
  t.say(
    `verification report → ${paths.markdown} and ${paths.json}; PR #${input.pr.number} labelled and commented`,
  );
  return { report, paths };
}
