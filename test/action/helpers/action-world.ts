// What the verify Action meets in a workflow, built for tests: a GitOps repository on an "origin"
// (a bare repo) whose PR head exists only as refs/pull/<n>/head, a workspace cloned with its main
// branch only (so the Action must fetch the head), and the GitHub double holding the PR with the
// app's queued `aegis/verify` check. Real git throughout.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Octokit } from '@octokit/rest';
import { createVerifyCheck } from '../../../src/github/verify-check.js';
import { type GitHubDouble, type RepoState, startGitHubDouble } from '../../../src/testing/github-double.js';
import { testPrivateKey } from '../../server/harness.js';

const run = promisify(execFile);

export const OWNER = 'acme';
export const REPO = 'gitops';
export const PR = 7;
/** The AEGIS app's installation token and the workflow's GITHUB_TOKEN (the Actions app). */
export const APP_TOKEN = 'ghs_aegisapptoken000000000000000000000';
export const WORKFLOW_TOKEN = 'ghs_workflowtoken00000000000000000000';
export const BRANCH = 'aegis/demo/web/oom-killed-1a2b3c4d';

export async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    'git',
    [
      '-c',
      'user.name=aegis-test',
      '-c',
      'user.email=test@aegis.local',
      '-c',
      'commit.gpgsign=false',
      ...args,
    ],
    { cwd: dir },
  );
  return stdout.trim();
}

function deployment(memoryLimit: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: demo}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: app
          image: localhost/aegis-demo:1
          ports: [{name: http, containerPort: 8080}]
          resources: {limits: {memory: ${memoryLimit}}}
`;
}

const SERVICE = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: demo}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
`;

/** Short load, no warm-up, both read from the base like every rule. */
const AEGIS_YML = `verification:
  load:
    warmupSeconds: 0
    durationSeconds: 1
    connections: 1
`;

export type HeadChange = 'memory-limit' | 'readme';

export interface ActionWorld {
  dir: string;
  origin: string;
  workspace: string;
  baseSha: string;
  headSha: string;
  double: GitHubDouble;
  state: RepoState;
  /** The app's queued check on the head, as the app creates it before dispatching. */
  queueAppCheck(): Promise<number>;
  /** A file in the world's folder for GITHUB_OUTPUT / GITHUB_STEP_SUMMARY. */
  file(name: string): string;
  read(name: string): Promise<string>;
  remove(): Promise<void>;
}

export async function createActionWorld(change: HeadChange = 'memory-limit'): Promise<ActionWorld> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aegis-action-'));
  const origin = path.join(dir, 'origin.git');
  const seed = path.join(dir, 'seed');
  const workspace = path.join(dir, 'workspace');
  await git(dir, 'init', '-q', '--bare', '-b', 'main', origin);
  await git(dir, 'init', '-q', '-b', 'main', seed);
  await mkdir(path.join(seed, 'apps/web'), { recursive: true });
  await mkdir(path.join(seed, '.github'), { recursive: true });
  await writeFile(path.join(seed, 'apps/web/deployment.yaml'), deployment('64Mi'));
  await writeFile(path.join(seed, 'apps/web/service.yaml'), SERVICE);
  await writeFile(path.join(seed, '.github/aegis.yml'), AEGIS_YML);
  await writeFile(path.join(seed, 'README.md'), '# gitops\n');
  await git(seed, 'add', '-A');
  await git(seed, 'commit', '-qm', 'base');
  const baseSha = await git(seed, 'rev-parse', 'HEAD');
  await git(seed, 'push', '-q', origin, 'main');
  await git(seed, 'checkout', '-qb', BRANCH);
  if (change === 'memory-limit')
    await writeFile(path.join(seed, 'apps/web/deployment.yaml'), deployment('256Mi'));
  else await writeFile(path.join(seed, 'README.md'), '# gitops\n\nOn-call notes.\n');
  await git(seed, 'commit', '-qam', 'head');
  const headSha = await git(seed, 'rev-parse', 'HEAD');
  // Only the PR ref: a single-branch clone of main does not have the head.
  await git(seed, 'push', '-q', origin, `HEAD:refs/pull/${PR}/head`);
  // file:// rather than a path: a local clone would hardlink every object, the head's too.
  await git(dir, 'clone', '-q', '--single-branch', '--branch', 'main', `file://${origin}`, workspace);

  const double = await startGitHubDouble({
    privateKey: testPrivateKey(),
    installations: {},
    tokens: [APP_TOKEN],
    actionsTokens: [WORKFLOW_TOKEN],
  });
  const state = double.repo(OWNER, REPO);
  state.pulls.push({
    number: PR,
    title: 'fix(web): set app memory limit 256Mi [aegis]',
    body: '',
    head: BRANCH,
    headSha,
    base: 'main',
    baseSha,
    state: 'open',
    merged: false,
    labels: ['aegis', 'aegis/oom-killed', 'aegis/verify:pending'],
    createdAt: '2026-11-20T00:00:00Z',
    reviews: 0,
  });
  const app = new Octokit({ auth: APP_TOKEN, baseUrl: double.url });
  return {
    dir,
    origin,
    workspace,
    baseSha,
    headSha,
    double,
    state,
    queueAppCheck: async () =>
      (await createVerifyCheck(app, { owner: OWNER, repo: REPO, headSha, prNumber: PR })).id,
    file: (name) => path.join(dir, name),
    read: (name) => readFile(path.join(dir, name), 'utf8').catch(() => ''),
    remove: async () => {
      await double.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The runner's environment for one run: INPUT_* as the runner names them, plus GITHUB_*. */
export function actionEnv(
  world: ActionWorld,
  inputs: Record<string, string>,
  run = 'run',
): Record<string, string> {
  const env: Record<string, string> = {
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_API_URL: world.double.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_WORKSPACE: world.workspace,
    GITHUB_OUTPUT: world.file(`${run}.output`),
    GITHUB_STEP_SUMMARY: world.file(`${run}.summary.md`),
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

/** `name=value` and heredoc outputs as the runner parses $GITHUB_OUTPUT. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}
