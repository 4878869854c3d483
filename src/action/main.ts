// The verify Action's main (index.ts runs it; action/action.yml runs their bundle): reads the
// inputs and the runner's environment, builds the real clients (Octokit, the sandbox backend of
// the `sandbox` input) and runs runAction. The exit code is the outcome; an input error is one
// `::error::` line and exit 1 before anything else happens.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Octokit } from '@octokit/rest';
import { onInterrupt } from '../cli/interrupt.js';
import { openBackend, removeRun } from '../cli/sandbox-backend.js';
import { describeError } from '../core/errors.js';
import { redact } from '../evidence/redact.js';
import { newRunId } from '../sandbox/labels.js';
import { type ActionInputs, inputVariable, readInputs, readRunnerEnv } from './inputs.js';
import { runAction } from './run-action.js';
import { annotate, type RunnerFiles } from './runner-files.js';

/** The repo's podman containers.conf: both dist/action/ and action/dist/ sit two levels below it. */
const CONTAINERS_CONF = fileURLToPath(new URL('../../src/sandbox/podman/containers.conf', import.meta.url));

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const files: RunnerFiles = {
    outputFile: env.GITHUB_OUTPUT || undefined,
    summaryFile: env.GITHUB_STEP_SUMMARY || undefined,
    write: (line) => process.stdout.write(`${line}\n`),
  };
  let inputs: ActionInputs;
  let runner: ReturnType<typeof readRunnerEnv>;
  try {
    inputs = readInputs(env);
    runner = readRunnerEnv(env);
  } catch (error: unknown) {
    annotate(files, 'error', `aegis/verify: ${describeError(error)}`);
    return 1;
  }
  // Tools the verification starts (vcluster, podman, trivy, zap, git) inherit this environment:
  // the token is not theirs to see.
  delete env[inputVariable('github-token')];
  const toolEnv: NodeJS.ProcessEnv = {
    ...env,
    AEGIS_VCLUSTER_DRIVER: inputs['vcluster-driver'],
    AEGIS_VCLUSTER_VERSION: inputs['vcluster-version'],
    ...(inputs.kubeconfig ? { KUBECONFIG: inputs.kubeconfig } : {}),
    ...(!env.CONTAINERS_CONF && existsSync(CONTAINERS_CONF) ? { CONTAINERS_CONF } : {}),
  };
  const runId = inputs['run-id'] ?? newRunId();
  const progress = (line: string) => process.stderr.write(`aegis: ${redact(line)}\n`);
  const github = new Octokit({
    auth: inputs['github-token'],
    baseUrl: runner.GITHUB_API_URL,
    userAgent: 'aegis-verify-action',
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  // A cancelled job: the sandboxes go now (the workflow's cleanup step deletes them again by name).
  const stopListening = onInterrupt(async (signal) => {
    progress(`${signal}: removing the sandboxes of run ${runId}`);
    await removeRun(inputs.sandbox, runId, toolEnv);
  });
  try {
    const result = await runAction({
      inputs,
      runner,
      workspace: runner.GITHUB_WORKSPACE ?? process.cwd(),
      github,
      openBackend: (kind) => openBackend(kind, toolEnv),
      runId,
      files,
      progress,
    });
    return result.exitCode;
  } finally {
    stopListening();
  }
}
