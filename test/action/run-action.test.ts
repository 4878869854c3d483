// The verify Action's run in process, with the scripted fake sandbox (no podman, no cluster), a
// local HTTP app as both sides' endpoint, real git and the GitHub double: what the check run, the
// one report comment, the verify label, the outputs, the JSON report and the exit code say for
// each verdict, across reruns, and when something breaks.

import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readInputs, readRunnerEnv } from '../../src/action/inputs.js';
import { type ActionResult, runAction } from '../../src/action/run-action.js';
import { REVERIFY_ACTION, VERIFY_CHECK_NAME } from '../../src/github/verify-check.js';
import { createFakeBackend, type FakeSandboxScript } from '../../src/sandbox/fake-sandbox.js';
import type { ContainerObservation } from '../../src/sandbox/sandbox.js';
import { DOUBLE_APP_ID } from '../../src/testing/github-double.js';
import { REPORT_MARKER } from '../../src/verify/report-markdown.js';
import { parseResultBlocks } from '../../src/verify/result-block.js';
import { VerificationReport } from '../../src/verify/types.js';
import { sharedDir } from '../helpers/paths.js';
import {
  type ActionWorld,
  APP_TOKEN,
  actionEnv,
  createActionWorld,
  type HeadChange,
  OWNER,
  PR,
  parseOutputs,
  REPO,
  WORKFLOW_TOKEN,
} from './helpers/action-world.js';

let app: http.Server;
let appUrl: string;
beforeAll(async () => {
  app = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => app.close(() => resolve())));

const worlds: ActionWorld[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.remove()));
});

async function world(change?: HeadChange): Promise<ActionWorld> {
  const w = await createActionWorld(change);
  worlds.push(w);
  return w;
}

const healthy = (overrides: Partial<ContainerObservation> = {}): ContainerObservation => ({
  workload: 'web',
  container: 'app',
  restarts: 0,
  oomKills: 0,
  running: true,
  ready: true,
  memoryBytes: 40 * 2 ** 20,
  ...overrides,
});

interface Run extends ActionResult {
  stdout: string[];
  progress: string[];
  outputs: Record<string, string>;
  summary: string;
  backend: ReturnType<typeof createFakeBackend>;
}

async function act(
  w: ActionWorld,
  inputs: Record<string, string>,
  scripts: Record<string, FakeSandboxScript> = {},
  run = 'run',
  extraEnv: Record<string, string> = {},
): Promise<Run> {
  const env = {
    ...actionEnv(w, { 'github-token': APP_TOKEN, pr: '7', 'run-id': 'c0ffee', ...inputs }, run),
    ...extraEnv,
  };
  const parsed = readInputs(env);
  const stdout: string[] = [];
  const progress: string[] = [];
  const backend = createFakeBackend({
    control: { containers: [healthy()], endpoints: { web: appUrl } },
    candidate: { containers: [healthy()], endpoints: { web: appUrl } },
    ...scripts,
  });
  const result = await runAction({
    inputs: parsed,
    runner: readRunnerEnv(env),
    workspace: w.workspace,
    github: new Octokit({ auth: parsed['github-token'], baseUrl: w.double.url }),
    openBackend: () => backend,
    runId: parsed['run-id'] ?? 'x',
    files: {
      outputFile: env.GITHUB_OUTPUT,
      summaryFile: env.GITHUB_STEP_SUMMARY,
      write: (line) => stdout.push(line),
    },
    progress: (line) => progress.push(line),
    sampleEveryMs: 200,
  });
  return {
    ...result,
    stdout,
    progress,
    outputs: parseOutputs(await w.read(`${run}.output`)),
    summary: await w.read(`${run}.summary.md`),
    backend,
  };
}

describe('runAction', () => {
  it('pass: completes the app’s check with success, one comment, the passed label, outputs and report', async () => {
    const w = await world();
    const checkId = await w.queueAppCheck();
    const result = await act(w, { scanners: 'zap' });

    expect(result.verdict, JSON.stringify(w.state.checkRuns)).toBe('pass');
    expect(result.exitCode).toBe(0);
    // The head was fetched from origin (the workspace is a single-branch clone of main).
    expect(result.progress).toContain(`fetching ${w.headSha.slice(0, 12)} from origin (not in the checkout)`);
    expect(result.backend.created.map((s) => [s.name, s.destroyed])).toEqual([
      ['aegis-c0ffee-control', true],
      ['aegis-c0ffee-candidate', true],
    ]);
    expect(w.state.checkRuns).toEqual([
      expect.objectContaining({
        id: checkId,
        name: VERIFY_CHECK_NAME,
        headSha: w.headSha,
        status: 'completed',
        conclusion: 'success',
        detailsUrl: 'https://github.com/acme/gitops/actions/runs/4242',
        actions: [expect.objectContaining({ identifier: REVERIFY_ACTION })],
      }),
    ]);
    const check = w.state.checkRuns[0]!;
    expect(check.title).toMatch(/^pass: /);
    expect(check.summary).toContain('Shadow verification passed');
    expect(w.state.comments).toHaveLength(1);
    expect(w.state.comments[0]!.body).toContain(REPORT_MARKER);
    // Also when the Action completed the check itself (the app then finds nothing left to do).
    expect(parseResultBlocks(w.state.comments[0]!.body)).toEqual([
      expect.objectContaining({
        verdict: 'pass',
        headSha: w.headSha,
        conclusion: 'success',
        title: check.title,
      }),
    ]);
    expect(w.state.pulls[0]!.labels).toEqual(['aegis', 'aegis/oom-killed', 'aegis/verify:passed']);

    expect(result.outputs.verdict).toBe('pass');
    const report = VerificationReport.parse(
      JSON.parse(await readFile(result.outputs['report-path']!, 'utf8')),
    );
    expect(report.verdict).toBe('pass');
    expect(report.refs).toEqual({ base: w.baseSha, head: w.headSha });
    expect(report.sides.candidate?.load.requests).toBeGreaterThan(0);
    // Scanners left out of the input are skipped with that reason, never passed.
    expect(report.scans.find((s) => s.scanner === 'trivy')).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining("not in the Action's scanners input"),
    });
    expect(result.summary).toContain('Shadow verification passed');
    expect(result.stdout.filter((line) => line.startsWith('::error::'))).toEqual([]);
  });

  it('fail then pass on the same PR: the comment is edited, never duplicated; labels follow', async () => {
    const w = await world();
    await w.queueAppCheck();
    const oom = { containers: [healthy({ oomKills: 1, restarts: 1 })], endpoints: { web: appUrl } };
    const first = await act(w, {}, { candidate: oom }, 'first');
    expect(first.verdict).toBe('fail');
    expect(first.exitCode).toBe(1); // fail-on defaults to fail,error
    expect(first.stdout.some((line) => line.startsWith('::error::aegis/verify fail'))).toBe(true);
    expect(w.state.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(w.state.pulls[0]!.labels).toEqual(['aegis', 'aegis/oom-killed', 'aegis/verify:failed']);
    const commentId = w.state.comments[0]!.id;
    expect(w.state.comments[0]!.body).toContain('Shadow verification failed');

    // A reverify: the app queues a fresh check; the Action completes that one, not the old one.
    const second = await w.queueAppCheck();
    const rerun = await act(w, {}, {}, 'second');
    expect(rerun.verdict).toBe('pass');
    expect(rerun.exitCode).toBe(0);
    expect(w.state.checkRuns.map((c) => [c.id === second, c.conclusion])).toEqual([
      [false, 'failure'],
      [true, 'success'],
    ]);
    expect(w.state.comments).toEqual([
      expect.objectContaining({ id: commentId, body: expect.stringContaining('Shadow verification passed') }),
    ]);
    expect(w.state.pulls[0]!.labels).toEqual(['aegis', 'aegis/oom-killed', 'aegis/verify:passed']);
  });

  it.each([
    ['fail,error', 0],
    ['fail,inconclusive', 1],
  ])(
    'inconclusive (the diff touches no Deployment) with fail-on %s exits %i; never a pass',
    async (failOn, code) => {
      const w = await world('readme');
      await w.queueAppCheck();
      const result = await act(w, { 'fail-on': failOn });
      expect(result.verdict).toBe('inconclusive');
      expect(result.exitCode).toBe(code);
      expect(result.backend.created).toEqual([]);
      expect(w.state.checkRuns[0]).toMatchObject({ conclusion: 'action_required' });
      expect(w.state.checkRuns[0]!.title).toMatch(
        /^inconclusive: not verified: the diff changes no deployable/,
      );
      expect(w.state.pulls[0]!.labels).toContain('aegis/verify:inconclusive');
      expect(w.state.pulls[0]!.labels).not.toContain('aegis/verify:pending');
      expect(result.outputs.verdict).toBe('inconclusive');
    },
  );

  it('a sandbox that breaks is an error: a failure check, the error label, exit 1, sandboxes removed', async () => {
    const w = await world();
    await w.queueAppCheck();
    const broken = { applyError: new Error('vcluster create: connection refused') };
    const result = await act(w, {}, { candidate: broken });
    expect(result.verdict).toBe('error');
    expect(result.exitCode).toBe(1);
    expect(result.backend.created.every((s) => s.destroyed)).toBe(true);
    expect(w.state.checkRuns[0]).toMatchObject({ conclusion: 'failure' });
    expect(w.state.checkRuns[0]!.title).toMatch(/^error: sandbox error: .*connection refused/);
    expect(w.state.pulls[0]!.labels).toContain('aegis/verify:error');
  });

  it('with the workflow’s GITHUB_TOKEN: no second check; the verdict goes to the app in the comment', async () => {
    const w = await world('readme');
    const appCheck = await w.queueAppCheck();
    const result = await act(w, { 'github-token': WORKFLOW_TOKEN });
    expect(result.verdict).toBe('inconclusive');
    // Untouched (GitHub refuses this token), and no `aegis/verify` of the Actions app beside it.
    expect(w.state.checkRuns).toEqual([
      expect.objectContaining({ id: appCheck, status: 'queued', appId: DOUBLE_APP_ID }),
    ]);
    expect(w.double.requests.filter((r) => r.startsWith('POST') && r.endsWith('/check-runs'))).toEqual([
      `POST /repos/${OWNER}/${REPO}/check-runs`, // the app's own queueAppCheck
    ]);
    expect(w.state.comments).toHaveLength(1);
    const [block] = parseResultBlocks(w.state.comments[0]!.body);
    expect(block).toEqual({
      verdict: 'inconclusive',
      headSha: w.headSha,
      conclusion: 'action_required',
      title: expect.stringMatching(/^inconclusive: not verified: the diff changes no deployable/),
      runId: 4242,
      runUrl: 'https://github.com/acme/gitops/actions/runs/4242',
    });
    expect(w.state.pulls[0]!.labels).toContain('aegis/verify:inconclusive');
    const annotations = result.stdout.join('\n');
    expect(annotations).toMatch(/::notice::.*check run \d+ belongs to the AEGIS app, which completes it/);
    expect(annotations).not.toMatch(/::warning::.*belongs to/);
    expect(annotations).not.toContain(WORKFLOW_TOKEN);
  });

  it('a crash with the workflow’s GITHUB_TOKEN: the comment says so and carries the verdict error', async () => {
    const w = await world();
    const appCheck = await w.queueAppCheck();
    // GitHub fails the first label write: the Action stops right after finding the check.
    w.double.failNext(
      new RegExp(`^POST /repos/${OWNER}/${REPO}/issues/${PR}/labels$`),
      502,
      1,
      'Bad Gateway',
    );
    const result = await act(w, { 'github-token': WORKFLOW_TOKEN });
    expect(result.verdict).toBe('error');
    expect(result.exitCode).toBe(1);
    expect(w.state.checkRuns).toEqual([expect.objectContaining({ id: appCheck, status: 'queued' })]);
    expect(w.state.comments).toHaveLength(1);
    const body = w.state.comments[0]!.body;
    expect(body).toContain('Shadow verification could not run');
    expect(body).toContain('starting the aegis/verify check run failed');
    expect(parseResultBlocks(body)).toEqual([
      {
        verdict: 'error',
        headSha: w.headSha,
        conclusion: 'failure',
        title: expect.stringMatching(/^error: starting the aegis\/verify check run failed: .*Bad Gateway/),
        runId: 4242,
        runUrl: 'https://github.com/acme/gitops/actions/runs/4242',
      },
    ]);
    expect(w.state.pulls[0]!.labels).toContain('aegis/verify:error');
    expect(result.stdout.filter((line) => line.startsWith('::warning::'))).toEqual([]);
  });

  it('no check queued: the Action creates it; the PR from the pull_request event payload', async () => {
    const w = await world('readme');
    const result = await act(w, { pr: '' });
    expect(result.exitCode).toBe(1); // no pr input and no event: nothing to verify
    expect(result.verdict).toBeUndefined();
    expect(result.stdout).toEqual([expect.stringMatching(/^::error::.*input pr: no pull request to verify/)]);
    expect(w.state.checkRuns).toEqual([]);

    // The pull_request event GitHub wrote (a real payload), naming PR 7.
    const event = JSON.parse(
      await readFile(
        path.join(sharedDir(), 'fixtures/github-webhooks/octokit.pull_request.opened.json'),
        'utf8',
      ),
    );
    event.number = PR;
    event.pull_request.number = PR;
    await writeFile(w.file('event.json'), JSON.stringify(event));
    const fine = await act(w, { pr: '' }, {}, 'event', { GITHUB_EVENT_PATH: w.file('event.json') });
    expect(fine.verdict).toBe('inconclusive');
    expect(w.state.checkRuns).toEqual([expect.objectContaining({ status: 'completed', appId: 1 })]);
  });

  it('a crash (the head cannot be fetched) completes the check as failure titled error: and exits 1', async () => {
    const w = await world();
    await w.queueAppCheck();
    w.state.pulls[0]!.headSha = 'f'.repeat(40); // GitHub names a head the origin does not have
    const checkId = await w.queueAppCheck(); // queued on the old head; the new head has none
    const result = await act(w, {});
    expect(result.exitCode).toBe(1);
    expect(result.verdict).toBe('error');
    const crashed = w.state.checkRuns.find((c) => c.headSha === 'f'.repeat(40));
    expect(crashed).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(crashed?.title).toMatch(
      /^error: fetching the base and head commits failed: commit f{40} is not in/,
    );
    expect(w.state.checkRuns.find((c) => c.id === checkId)?.status).toBe('queued');
    expect(w.state.comments).toEqual([
      expect.objectContaining({ body: expect.stringContaining('Shadow verification could not run') }),
    ]);
    expect(w.state.pulls[0]!.labels).toEqual(['aegis', 'aegis/oom-killed', 'aegis/verify:error']);
    expect(result.outputs).toEqual({ verdict: 'error' });
    expect(result.stdout).toEqual([
      expect.stringMatching(/^::error::aegis\/verify error: fetching the base/),
    ]);
  });
});
