// One run of the verify Action (DESIGN.md §7): the PR's two commits in the workspace, the
// `aegis/verify` check in progress, runVerification (which always removes its sandboxes), then the
// verdict everywhere a person or a machine looks: the check run, the one report comment (with the
// hidden result block the app completes its check from when this token may not), the verify
// label, the JSON report, the step outputs and summary, and the exit code per `fail-on`. A crash
// at any step still reports the verdict `error` (check failure titled `error: <what broke>`) and
// exits 1.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { upsertComment } from '../chatops/comments.js';
import { setVerifyLabel, VERDICT_LABEL } from '../chatops/verify-labels.js';
import type { SandboxKind } from '../cli/sandbox-backend.js';
import { describeError } from '../core/errors.js';
import { redact } from '../evidence/redact.js';
import type { GitHubClient } from '../github/client.js';
import type { Renderer } from '../gitops/renderer.js';
import { LABELS } from '../propose/naming.js';
import type { SandboxBackend } from '../sandbox/sandbox.js';
import { loadRepoConfigAt } from '../verify/config-at-ref.js';
import {
  CHECK_SUMMARY_LIMIT,
  CHECK_TITLE_LIMIT,
  REPORT_MARKER,
  REPORT_MARKER_NAME,
  renderCheckRunOutput,
  renderReportMarkdown,
} from '../verify/report-markdown.js';
import { renderResultBlock } from '../verify/result-block.js';
import type { ScannerDeps } from '../verify/run-scans.js';
import { runVerification } from '../verify/run-verification.js';
import type { Verdict, VerificationReport } from '../verify/types.js';
import { skippedScanners, withLoadInputs } from './action-config.js';
import { ensureCommits } from './ensure-commits.js';
import type { ActionInputs, RunnerEnv } from './inputs.js';
import { fetchPullTarget, type PullTarget, pullNumber } from './pull-target.js';
import { annotate, appendSummary, type RunnerFiles, setOutput } from './runner-files.js';
import {
  CHECK_CONCLUSION,
  type CheckCompletion,
  completeVerifyCheck,
  startVerifyCheck,
  type VerifyCheckRun,
} from './verify-check-run.js';

export interface ActionDeps {
  inputs: ActionInputs;
  runner: RunnerEnv;
  /** The checkout of the GitOps repository (GITHUB_WORKSPACE). */
  workspace: string;
  github: GitHubClient;
  openBackend: (kind: SandboxKind) => SandboxBackend;
  /** Shared by both sandboxes, so the workflow's cleanup step finds them by name. */
  runId: string;
  files: RunnerFiles;
  progress: (message: string) => void;
  renderer?: Renderer;
  scanners?: ScannerDeps;
  sampleEveryMs?: number;
}

export interface ActionResult {
  exitCode: number;
  /** Absent when the Action failed before it knew which PR to verify. */
  verdict?: Verdict;
}

export async function runAction(deps: ActionDeps): Promise<ActionResult> {
  const { inputs, runner, github, files, progress } = deps;
  const [owner, repo] = runner.GITHUB_REPOSITORY.split('/') as [string, string];
  const runUrl = runner.GITHUB_RUN_ID
    ? `${runner.GITHUB_SERVER_URL}/${runner.GITHUB_REPOSITORY}/actions/runs/${runner.GITHUB_RUN_ID}`
    : undefined;
  const run: WorkflowRun = {
    ...(runUrl ? { url: runUrl } : {}),
    ...(Number(runner.GITHUB_RUN_ID) > 0 ? { id: Number(runner.GITHUB_RUN_ID) } : {}),
  };
  let stage = 'finding the pull request';
  let pull: PullTarget | undefined;
  let check: VerifyCheckRun | undefined;
  try {
    const number = await pullNumber(inputs.pr, runner.GITHUB_EVENT_PATH);
    pull = await fetchPullTarget(github, { owner, repo }, number);
    progress(
      `verifying PR #${number}: ${pull.base.ref}@${pull.base.sha.slice(0, 7)} (control) vs ${pull.head.ref}@${pull.head.sha.slice(0, 7)} (candidate)`,
    );

    stage = 'starting the aegis/verify check run';
    check = await startVerifyCheck(
      github,
      { owner, repo, headSha: pull.head.sha, prNumber: number, ...(runUrl ? { detailsUrl: runUrl } : {}) },
      (message) => annotate(files, 'notice', message),
    );
    pull.labels = await setVerifyLabel(github, issueOf(pull), LABELS.verifyRunning, pull.labels);

    stage = 'fetching the base and head commits';
    await ensureCommits(
      deps.workspace,
      [
        { sha: pull.base.sha, refspecs: [`refs/heads/${pull.base.ref}`] },
        { sha: pull.head.sha, refspecs: [`refs/pull/${number}/head`] },
      ],
      { token: inputs['github-token'], serverUrl: runner.GITHUB_SERVER_URL },
      progress,
    );

    stage = 'reading .github/aegis.yml at the base commit';
    const repoConfig = await loadRepoConfigAt(deps.workspace, pull.base.sha);
    const config = withLoadInputs(repoConfig.verification, inputs);

    stage = 'running the verification';
    const report = await runVerification({
      repoDir: deps.workspace,
      base: pull.base.sha,
      head: pull.head.sha,
      backend: deps.openBackend(inputs.sandbox),
      config,
      ...(pull.category ? { category: pull.category } : {}),
      progress,
      runId: deps.runId,
      skipScanners: skippedScanners(inputs),
      ...(deps.renderer ? { renderer: deps.renderer } : {}),
      ...(deps.scanners ? { scanners: deps.scanners } : {}),
      ...(deps.sampleEveryMs ? { sampleEveryMs: deps.sampleEveryMs } : {}),
    });
    progress(`verdict: ${report.verdict} (${report.reasons[0] ?? report.redGreen.statement})`);

    stage = 'reporting the verdict';
    await publish(deps, pull, check, report, run);
    const failing = (inputs['fail-on'] as readonly Verdict[]).includes(report.verdict);
    const headline = `aegis/verify ${report.verdict}: ${report.reasons[0] ?? report.redGreen.statement}`;
    if (failing) annotate(files, 'error', redact(headline));
    else if (report.verdict !== 'pass') annotate(files, 'warning', redact(headline));
    return { exitCode: failing ? 1 : 0, verdict: report.verdict };
  } catch (error: unknown) {
    const what = redact(`${stage} failed: ${describeError(error)}`);
    annotate(files, 'error', `aegis/verify error: ${what}`);
    if (pull) await reportCrash(deps, pull, check, what, run);
    await setOutput(files, 'verdict', 'error').catch(() => undefined);
    return { exitCode: 1, ...(pull ? { verdict: 'error' as const } : {}) };
  }
}

/** This workflow run (absent outside a runner). */
interface WorkflowRun {
  id?: number;
  url?: string;
}

function issueOf(pull: PullTarget) {
  return { owner: pull.owner, repo: pull.repo, number: pull.number };
}

/**
 * The report comment: the Markdown report plus the hidden result block, which is how the verdict
 * reaches the app when this token may not complete its check. The report is cut to leave room for
 * the block within GitHub's comment limit.
 */
function reportComment(
  markdown: (maxChars: number) => string,
  pull: PullTarget,
  verdict: Verdict,
  outcome: CheckCompletion,
  run: WorkflowRun,
): string {
  const block = renderResultBlock({
    verdict,
    headSha: pull.head.sha,
    conclusion: outcome.conclusion,
    title: outcome.title,
    ...(run.id ? { runId: run.id } : {}),
    ...(run.url ? { runUrl: run.url } : {}),
  });
  return `${markdown(CHECK_SUMMARY_LIMIT - block.length - 1)}\n${block}`;
}

async function publish(
  deps: ActionDeps,
  pull: PullTarget,
  check: VerifyCheckRun,
  report: VerificationReport,
  run: WorkflowRun,
): Promise<void> {
  const { files } = deps;
  const reportPath = path.resolve(deps.workspace, deps.inputs['report-path']);
  await mkdir(path.dirname(reportPath), { recursive: true });
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  await setOutput(files, 'verdict', report.verdict);
  await setOutput(files, 'report-path', reportPath);
  const runUrl = run.url ? { runUrl: run.url } : {};
  const markdown = renderReportMarkdown(report, runUrl);
  await appendSummary(files, markdown);
  const outcome = { conclusion: CHECK_CONCLUSION[report.verdict], ...renderCheckRunOutput(report, run.url) };
  const completed = await completeVerifyCheck(deps.github, check, outcome);
  const body = reportComment(
    (maxChars) => renderReportMarkdown(report, { ...runUrl, maxChars }),
    pull,
    report.verdict,
    outcome,
    run,
  );
  const comment = await upsertComment(deps.github, issueOf(pull), REPORT_MARKER_NAME, body);
  deps.progress(`report comment ${comment}; check run ${completed}`);
  await setVerifyLabel(deps.github, issueOf(pull), VERDICT_LABEL[report.verdict], pull.labels);
}

/** Best effort: each place that shows the verdict is told, and one that cannot be is only warned. */
async function reportCrash(
  deps: ActionDeps,
  pull: PullTarget,
  started: VerifyCheckRun | undefined,
  what: string,
  run: WorkflowRun,
): Promise<void> {
  const { github, files } = deps;
  const link = run.url ? `\n\nSee the [workflow run](${run.url}) for the log.` : '';
  const summary = `${REPORT_MARKER}\n## 🛑 Shadow verification could not run\n\n**The Action stopped: ${what}**\n\nNothing was verified: this is not a pass.${link}`;
  const outcome: CheckCompletion = {
    conclusion: CHECK_CONCLUSION.error,
    title: `error: ${what}`.slice(0, CHECK_TITLE_LIMIT),
    summary: summary.slice(0, CHECK_SUMMARY_LIMIT),
  };
  const attempts: [string, () => Promise<unknown>][] = [
    [
      'complete the check run',
      async () => {
        const check =
          started ??
          (await startVerifyCheck(
            github,
            { owner: pull.owner, repo: pull.repo, headSha: pull.head.sha, prNumber: pull.number },
            (message) => annotate(files, 'notice', message),
          ));
        await completeVerifyCheck(github, check, outcome);
      },
    ],
    [
      'update the report comment',
      () =>
        upsertComment(
          github,
          issueOf(pull),
          REPORT_MARKER_NAME,
          reportComment((maxChars) => summary.slice(0, maxChars), pull, 'error', outcome, run),
        ),
    ],
    ['set the verify label', () => setVerifyLabel(github, issueOf(pull), VERDICT_LABEL.error, pull.labels)],
  ];
  for (const [action, attempt] of attempts) {
    await attempt().catch((error: unknown) =>
      annotate(files, 'warning', redact(`could not ${action}: ${describeError(error)}`)),
    );
  }
}
