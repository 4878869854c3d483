// Both sides of the hand-over with the workflow's default GITHUB_TOKEN, against the GitHub double
// (which, like GitHub, lets only the creating app modify a check run and names each comment's
// author after the token's app): the Action leaves the app's check alone and writes the report
// comment; the app's workflow_run handler then completes its check from that very comment.
import { Octokit } from '@octokit/rest';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { readInputs, readRunnerEnv } from '../../src/action/inputs.js';
import { runAction } from '../../src/action/run-action.js';
import { handleVerifyWorkflowRun, type VerifyWorkflowRun } from '../../src/chatops/on-workflow-run.js';
import { REVERIFY_ACTION } from '../../src/github/verify-check.js';
import { createFakeBackend } from '../../src/sandbox/fake-sandbox.js';
import { DOUBLE_APP_ID } from '../../src/testing/github-double.js';
import {
  type ActionWorld,
  APP_TOKEN,
  actionEnv,
  BRANCH,
  createActionWorld,
  OWNER,
  REPO,
  WORKFLOW_TOKEN,
} from './helpers/action-world.js';

const RUN_URL = 'https://github.com/acme/gitops/actions/runs/4242';

const worlds: ActionWorld[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.remove()));
});

/** The Action as the workflow runs it, with the GITHUB_TOKEN; a README-only change needs no sandbox. */
async function actWithWorkflowToken(w: ActionWorld): Promise<void> {
  const env = actionEnv(w, { 'github-token': WORKFLOW_TOKEN, pr: '7', 'run-id': 'c0ffee' });
  const inputs = readInputs(env);
  await runAction({
    inputs,
    runner: readRunnerEnv(env),
    workspace: w.workspace,
    github: new Octokit({ auth: WORKFLOW_TOKEN, baseUrl: w.double.url }),
    openBackend: () => createFakeBackend({}),
    runId: 'c0ffee',
    files: { write: () => {} },
    progress: () => {},
  });
}

/** What the app is sent when that workflow run completes (dispatched: no pull_requests). */
async function runCompleted(w: ActionWorld, fields: Partial<VerifyWorkflowRun> = {}): Promise<void> {
  await handleVerifyWorkflowRun(
    {
      github: new Octokit({ auth: APP_TOKEN, baseUrl: w.double.url }),
      log: pino({ level: 'silent' }),
      repo: { owner: OWNER, repo: REPO },
      run: {
        id: 4242,
        workflow_id: 7,
        path: '.github/workflows/aegis-verify.yml',
        head_sha: w.headSha,
        head_branch: BRANCH,
        conclusion: 'success',
        html_url: RUN_URL,
        pull_requests: [],
        ...fields,
      },
    },
    { verifyWorkflow: 'aegis-verify.yml', appId: DOUBLE_APP_ID },
  );
}

describe('the app completes its own check from the Action’s report', () => {
  it('inconclusive: the app’s check becomes action_required with the report, once', async () => {
    const w = await createActionWorld('readme');
    worlds.push(w);
    const appCheck = await w.queueAppCheck();
    await actWithWorkflowToken(w);
    expect(w.state.checkRuns).toEqual([expect.objectContaining({ id: appCheck, status: 'queued' })]);
    expect(w.state.comments[0]?.appId).not.toBe(DOUBLE_APP_ID); // written as github-actions[bot]

    await runCompleted(w);

    expect(w.state.checkRuns).toEqual([
      expect.objectContaining({
        id: appCheck,
        status: 'completed',
        conclusion: 'action_required',
        detailsUrl: RUN_URL,
        title: expect.stringMatching(/^inconclusive: not verified: the diff changes no deployable/),
        actions: [expect.objectContaining({ identifier: REVERIFY_ACTION })],
      }),
    ]);
    const summary = w.state.checkRuns[0]!.summary ?? '';
    expect(summary).toContain('Shadow verification inconclusive');
    expect(summary).not.toContain('aegis:verify-result');

    // A redelivery: nothing left to complete, no write.
    const writes = () => w.double.requests.filter((r) => r.startsWith('PATCH')).length;
    const before = writes();
    await runCompleted(w);
    expect(writes()).toBe(before);
  });

  it('the report of another run is not this run’s verdict: a run without one fails the check', async () => {
    const w = await createActionWorld('readme');
    worlds.push(w);
    const appCheck = await w.queueAppCheck();
    await actWithWorkflowToken(w);
    w.state.workflowRuns.push({ id: 4243, workflowId: 7, headSha: w.headSha, status: 'completed' });

    await runCompleted(w, { id: 4243 });

    expect(w.state.checkRuns).toEqual([
      expect.objectContaining({
        id: appCheck,
        status: 'completed',
        conclusion: 'failure',
        title: 'error: the verification workflow ended success without a verdict',
      }),
    ]);
  });
});
