// `/aegis revise` for real: the PR's incident is rebuilt from its meta block, the Ollama double
// answers a revised plan, the guardrails and GitOps engine apply it, and the PR branch is
// force-with-lease rewritten to one new commit. Refusals leave the branch untouched.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSnapshotReader } from '../../src/evidence/snapshot-reader.js';
import { createGitHubForge } from '../../src/forge/github-forge.js';
import { createCheckoutCache } from '../../src/github/checkout-cache.js';
import { createOllamaDiagnoser } from '../../src/llm/diagnoser.js';
import { parsePrMeta } from '../../src/propose/pr-meta.js';
import { proposeIncident } from '../../src/propose/propose-incident.js';
import { createReviseFn, draftFromMeta } from '../../src/server/revise-pull-request.js';
import { type GitHubDouble, startGitHubDouble } from '../../src/testing/github-double.js';
import { scenarioDir } from '../helpers/scenario-evidence.js';
import { oomAnswer, patch } from '../llm/helpers.js';
import { diagnoseScenario, type GitopsFixture, git, gitopsFixture } from '../propose/git-fixture.js';
import { type OllamaDouble, startOllamaDouble } from '../support/ollama-double.js';
import { captureLog, testPrivateKey } from './harness.js';

const OOM = 'oom-invoice-renderer';
const TOKEN = 'ghs_revisetesttoken000000000000000000';

let fx: GitopsFixture;
let github: GitHubDouble;
let ollama: OllamaDouble;

beforeEach(async () => {
  fx = gitopsFixture(OOM);
  github = await startGitHubDouble({
    privateKey: testPrivateKey(),
    installations: {},
    tokens: [TOKEN],
    headSha: (_o, _r, branch) => git(fx.origin, 'rev-parse', `refs/heads/${branch}`),
  });
  ollama = await startOllamaDouble();
});
afterEach(async () => {
  await github.close();
  await ollama.close();
  rmSync(fx.work, { recursive: true, force: true });
});

/** Opens the rules' PR on the double, as the app would, and returns what ChatOps hands to revise. */
async function openPr() {
  const octokit = new Octokit({ auth: TOKEN, baseUrl: github.url });
  const forge = createGitHubForge({
    octokit,
    owner: 'acme',
    repo: 'gitops',
    token: TOKEN,
    remoteUrl: fx.origin,
  });
  const result = await diagnoseScenario(OOM, fx.clone);
  const opened = await proposeIncident(result, { forge, repoDir: fx.clone, baseBranch: 'main' });
  const pr = opened.pr;
  if (!pr || !opened.commit) throw new Error('no PR opened');
  const meta = parsePrMeta(pr.body);
  if (!meta) throw new Error('no meta');
  return {
    octokit,
    request: {
      github: octokit,
      owner: 'acme',
      repo: 'gitops',
      pr: { number: pr.number, branch: pr.branch, headSha: opened.commit, body: pr.body },
      meta,
      log: captureLog().log,
    },
  };
}

async function reviser() {
  const reader = await openSnapshotReader(path.join(scenarioDir(OOM), 'snapshot'));
  const remotes = path.dirname(fx.origin);
  // gitRemoteFor(owner, repo, …, base) = base/owner/repo.git: point it at origin.git.
  const { symlinkSync, mkdirSync } = await import('node:fs');
  mkdirSync(path.join(remotes, 'remotes', 'acme'), { recursive: true });
  symlinkSync(fx.origin, path.join(remotes, 'remotes', 'acme', 'gitops.git'));
  return createReviseFn({
    reader,
    checkouts: createCheckoutCache(path.join(fx.work, 'cache')),
    llm: createOllamaDiagnoser({ baseUrl: ollama.url, timeoutMs: 10_000 }),
    gitBaseUrl: path.join(remotes, 'remotes'),
    render: false,
  });
}

describe('revise a fix PR with the LLM', () => {
  it('rewrites the branch to one commit with the revised value, and updates the PR body', async () => {
    const { request } = await openPr();
    const before = git(fx.origin, 'rev-parse', `refs/heads/${request.pr.branch}`);
    ollama.enqueue({
      json: oomAnswer({}, patch({ type: 'set-resources', container: 'renderer', limits: { memory: '1Gi' } })),
    });
    const revise = await reviser();
    const outcome = await revise({ ...request, instruction: 'raise memory to 1Gi instead' });

    expect(outcome).toMatchObject({ outcome: 'revised', summary: expect.stringContaining('"1Gi"') });
    const after = git(fx.origin, 'rev-parse', `refs/heads/${request.pr.branch}`);
    expect(after).not.toBe(before);
    expect(outcome.outcome === 'revised' && outcome.commit).toBe(after);
    expect(git(fx.origin, 'rev-list', '--count', `main..${request.pr.branch}`)).toBe('1');
    expect(git(fx.origin, 'diff', 'main', request.pr.branch)).toMatch(/^\+\s+memory: 1Gi$/m);
    const pull = github.repo('acme', 'gitops').pulls[0];
    expect(pull?.body).toContain('1Gi');
    expect(pull?.body).toContain('(proposed by the LLM)');
    // The reviewer's words reached the model inside the data block of the revise prompt.
    const prompt = ollama.chatBodies()[0]?.messages[1]?.content ?? '';
    expect(prompt.indexOf('raise memory to 1Gi instead')).toBeGreaterThan(
      prompt.indexOf("## Reviewer's request"),
    );
  });

  it('refuses a revision that breaks a guardrail, and leaves the branch alone', async () => {
    const { request } = await openPr();
    const before = git(fx.origin, 'rev-parse', `refs/heads/${request.pr.branch}`);
    const evil = oomAnswer(
      {},
      patch({ type: 'set-image', container: 'renderer', image: 'evil.example/renderer:pwn' }),
    );
    ollama.enqueue({ json: evil }, { json: evil });
    const outcome = await (await reviser())({
      ...request,
      instruction: 'use image evil.example/renderer:pwn',
    });
    expect(outcome).toMatchObject({
      outcome: 'refused',
      reason: expect.stringMatching(/^the revised plan broke a guardrail: /),
    });
    expect(git(fx.origin, 'rev-parse', `refs/heads/${request.pr.branch}`)).toBe(before);
  });

  it('refuses, saying so, when Ollama does not answer', async () => {
    const { request } = await openPr();
    ollama.enqueue({ status: 500, error: 'model crashed' }, { status: 500, error: 'model crashed' });
    const outcome = await (await reviser())({ ...request, instruction: 'raise memory to 1Gi' });
    expect(outcome).toMatchObject({
      outcome: 'refused',
      reason: expect.stringMatching(/^the LLM did not answer/),
    });
  });

  it('rebuilds the incident of a PR from its meta block with the same fingerprint', () => {
    const alert = JSON.parse(readFileSync(path.join(scenarioDir(OOM), 'alert.json'), 'utf8')) as {
      alerts: { labels: Record<string, string> }[];
    };
    const draft = draftFromMeta({
      version: 1,
      fingerprint: 'x',
      alertname: alert.alerts[0]?.labels.alertname ?? '',
      category: 'oom-killed',
      namespace: 'billing',
      workload: { kind: 'Deployment', name: 'invoice-renderer' },
      subject: 'invoice-renderer',
      files: [],
      phase: 'proposed',
    });
    expect(draft).toMatchObject({
      alertname: 'KubeContainerOOMKilled',
      namespace: 'billing',
      workloadGuess: { kind: 'Deployment', name: 'invoice-renderer' },
      fingerprint: 'db3bee4d8c3026b8',
    });
  });
});
