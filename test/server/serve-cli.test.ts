// `aegis serve` as a user runs it (the built binary): local mode without GitHub App variables
// opens the PR in the local forge; without --repo it runs as the GitHub App.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, PROJECT_ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { scenarioDir } from '../helpers/scenario-evidence.js';
import { type GitopsFixture, gitopsFixture } from '../propose/git-fixture.js';
import { ALERT_TOKEN, testPrivateKey } from './harness.js';

const OOM = 'oom-invoice-renderer';
const APP_VARIABLES = ['APP_ID', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH', 'WEBHOOK_SECRET'];

let child: ChildProcessWithoutNullStreams | undefined;
let fx: GitopsFixture | undefined;

afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
  if (fx) rmSync(fx.work, { recursive: true, force: true });
  fx = undefined;
});

/** Starts `aegis serve ARGS` on a free port; resolves with its URL once it listens. */
function serve(args: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !APP_VARIABLES.includes(k)));
  const proc = spawn(process.execPath, [CLI, 'serve', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...base, AEGIS_ALERT_TOKEN: ALERT_TOKEN, HOST: '127.0.0.1', PORT: '0', ...env },
  });
  child = proc;
  let stdout = '';
  const exited = new Promise<number>((resolve) => proc.on('close', (code) => resolve(code ?? -1)));
  const url = new Promise<string>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /Listening on (http:\/\/\S+?)"/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`aegis serve exited with ${code}: ${stdout}`)));
  });
  return { url, exited, output: () => stdout };
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('aegis serve', () => {
  it('--repo opens the PR in the local forge without GitHub App variables', async () => {
    fx = gitopsFixture(OOM);
    const state = path.join(fx.work, 'state');
    const dir = scenarioDir(OOM);
    const server = serve([
      '--repo',
      fx.clone,
      '--snapshot',
      path.join(dir, 'snapshot'),
      '--state',
      state,
      '--no-render',
    ]);
    const url = await server.url;

    const response = await fetch(`${url}/api/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALERT_TOKEN}` },
      body: readFileSync(path.join(dir, 'alert.json'), 'utf8'),
    });
    expect(response.status).toBe(202);
    await until(() => server.output().includes('"msg":"incident opened"'));

    const files = readdirSync(state).filter((n) => /^\d+-/.test(n));
    expect(files.sort()).toEqual([
      expect.stringMatching(/^1-aegis-billing-invoice-renderer-oom-killed-[0-9a-f]{8}\.json$/),
      expect.stringMatching(/^1-aegis-billing-invoice-renderer-oom-killed-[0-9a-f]{8}\.md$/),
    ]);
    expect(server.output()).toContain('GitHub webhooks are disabled');
    child?.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('without --repo runs the GitHub App mode, routed by AEGIS_ROUTES and Argo CD', async () => {
    fx = gitopsFixture(OOM);
    const routes = path.join(fx.work, 'routes.yml');
    writeFileSync(routes, 'routes:\n  - repo: acme/gitops\n    match: { namespaces: [billing] }\n');
    const server = serve(['--snapshot', path.join(scenarioDir(OOM), 'snapshot')], {
      APP_ID: '1',
      WEBHOOK_SECRET: 'secret',
      PRIVATE_KEY: testPrivateKey(),
      AEGIS_ROUTES: routes,
    });
    await server.url;
    await until(() => server.output().includes('GitHub App mode'));
    expect(server.output()).toMatch(/"routes":1,"argocd":true,.*GitHub App mode/);
    child?.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('refuses two evidence sources before listening', async () => {
    const run = await runCli(['serve', '--snapshot', PROJECT_ROOT, '--kubeconfig', 'kube.yml'], {
      env: {
        APP_ID: '1',
        WEBHOOK_SECRET: 'secret',
        PRIVATE_KEY: testPrivateKey(),
        AEGIS_ALERT_TOKEN: ALERT_TOKEN,
      },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('two evidence sources');
  });
});
