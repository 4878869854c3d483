// The committed bundle itself (action/dist/index.js), run as the runner runs it: `node` with the
// INPUT_* environment, against the GitHub double and a real git workspace. Proves the bundle starts
// and that git, Octokit, zod and the verification engine work bundled. The sandbox paths are
// covered in process (run-action.test.ts): a verdict that needs no sandbox is used here.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VerificationReport } from '../../src/verify/types.js';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { type CliRun, runNode } from '../helpers/run-cli.js';
import {
  type ActionWorld,
  APP_TOKEN,
  actionEnv,
  createActionWorld,
  parseOutputs,
} from './helpers/action-world.js';

const BUNDLE = path.join(PROJECT_ROOT, 'action/dist/index.js');

/** Only what a runner would set: nothing of the test process's own GITHUB_* leaks in. */
function runBundle(env: Record<string, string>, cwd: string): Promise<CliRun> {
  return runNode(BUNDLE, [], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    replaceEnv: true,
  });
}

const worlds: ActionWorld[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.remove()));
});

describe('action/dist/index.js', () => {
  it('a missing input: exit 1 with one ::error:: line naming it, before any request', async () => {
    const w = await createActionWorld('readme');
    worlds.push(w);
    const env = actionEnv(w, { pr: '7' });
    const result = await runBundle(env, w.workspace);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      '::error::aegis/verify: input github-token: is required (the workflow passes github.token by default)\n',
    );
    expect(w.double.requests).toEqual([]);
  });

  it('an unverifiable change: inconclusive everywhere, exit per fail-on, one comment across runs', async () => {
    const w = await createActionWorld('readme');
    worlds.push(w);
    const checkId = await w.queueAppCheck();
    const inputs = { 'github-token': APP_TOKEN, pr: '7', sandbox: 'vcluster', 'run-id': '4242' };

    const first = await runBundle(actionEnv(w, inputs, 'first'), w.workspace);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const outputs = parseOutputs(await w.read('first.output'));
    expect(outputs).toEqual({
      verdict: 'inconclusive',
      'report-path': path.join(w.workspace, 'aegis-verify-report.json'),
    });
    const report = VerificationReport.parse(JSON.parse(await readFile(outputs['report-path']!, 'utf8')));
    expect(report.verdict).toBe('inconclusive');
    expect(report.reasons[0]).toMatch(/the diff changes no deployable manifests \(README\.md\)/);
    expect(w.state.checkRuns).toEqual([
      expect.objectContaining({ id: checkId, status: 'completed', conclusion: 'action_required' }),
    ]);
    expect(w.state.pulls[0]!.labels).toEqual(['aegis', 'aegis/oom-killed', 'aegis/verify:inconclusive']);
    expect(w.state.comments).toHaveLength(1);
    expect(await w.read('first.summary.md')).toContain('Shadow verification inconclusive');
    expect(first.stdout).toMatch(/^::warning::aegis\/verify inconclusive: /m);
    expect(first.stderr, first.stderr).toMatch(/aegis: fetching [0-9a-f]{12} from origin/);

    const second = await runBundle(
      actionEnv(w, { ...inputs, 'fail-on': 'fail,inconclusive,error' }, 'second'),
      w.workspace,
    );
    expect(second.code).toBe(1);
    expect(second.stdout).toMatch(/^::error::aegis\/verify inconclusive: /m);
    expect(parseOutputs(await w.read('second.output')).verdict).toBe('inconclusive');
    expect(w.state.comments).toHaveLength(1);
    for (const run of [first, second]) expect(run.stdout + run.stderr).not.toContain(APP_TOKEN);
  });
});
