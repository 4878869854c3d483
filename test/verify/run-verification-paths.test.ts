// runVerification's paths that need no running app, with the scripted fake backend and real git:
// what cannot be compared is inconclusive (and starts nothing), a sandbox failure is an error,
// and every sandbox that was created is destroyed whatever happened.
import { execFile } from 'node:child_process';
import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Renderer } from '../../src/gitops/renderer.js';
import { createFakeBackend } from '../../src/sandbox/fake-sandbox.js';
import type { SandboxBackend } from '../../src/sandbox/sandbox.js';
import { waitForStart } from '../../src/verify/run-side.js';
import { runVerification } from '../../src/verify/run-verification.js';
import { VerificationConfig } from '../../src/verify/verify-config.js';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { createDemoRepo, type DemoRepo } from './helpers/demo-repo.js';

const run = promisify(execFile);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.map((fn) => fn()));
});

const config = VerificationConfig.parse({ sandbox: { readyTimeoutSeconds: 10 } });

const noHelm: Renderer = {
  hasKustomize: async () => true,
  hasHelm: async () => false,
  kustomize: async () => {
    throw new Error('not used');
  },
  helmTemplate: async () => {
    throw new Error('not used');
  },
};

async function demoRepo(): Promise<DemoRepo> {
  const repo = await createDemoRepo({ memoryLimit: '64Mi' }, { memoryLimit: '256Mi' });
  cleanups.push(repo.remove);
  return repo;
}

function verify(
  repo: { dir: string; base: string; head: string },
  backend: SandboxBackend,
  renderer?: Renderer,
) {
  const progress: string[] = [];
  return runVerification({
    repoDir: repo.dir,
    base: repo.base,
    head: repo.head,
    backend,
    config,
    progress: (line) => progress.push(line),
    ...(renderer ? { renderer } : {}),
  });
}

async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-c', 'user.name=t', '-c', 'user.email=t@aegis.local', ...args], {
    cwd: dir,
  });
  return stdout.trim();
}

describe('runVerification: nothing to compare → inconclusive, no sandbox', () => {
  it('a Helm release without helm installed names the release and what to install', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aegis-verify-helm-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await cp(path.join(PROJECT_ROOT, 'test/fixtures/gitops/helm'), dir, { recursive: true });
    await git(dir, 'init', '-q', '-b', 'main');
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-qm', 'base');
    const base = await git(dir, 'rev-parse', 'HEAD');
    await appendFile(path.join(dir, 'charts/billing/values-prod.yaml'), '\nextraLabel: changed\n');
    await git(dir, 'commit', '-qam', 'head');
    const head = await git(dir, 'rev-parse', 'HEAD');
    const backend = createFakeBackend();

    const report = await verify({ dir, base, head }, backend, noHelm);

    expect(report.verdict).toBe('inconclusive');
    expect(report.reasons[0]).toMatch(
      /^not verified: helm not found: cannot render Helm release billing .*install helm/,
    );
    expect(report.redGreen.outcome).toBe('not-evaluated');
    expect(backend.created).toEqual([]);
  });

  it('a diff that touches no manifests', async () => {
    const repo = await demoRepo();
    await appendFile(path.join(repo.dir, 'README.md'), 'more words\n');
    await git(repo.dir, 'commit', '-qam', 'docs only');
    const head = await git(repo.dir, 'rev-parse', 'HEAD');
    const backend = createFakeBackend();

    const report = await verify({ dir: repo.dir, base: repo.head, head }, backend);

    expect(report.verdict).toBe('inconclusive');
    expect(report.reasons).toEqual(['not verified: the diff changes no deployable manifests (README.md)']);
    expect(backend.created).toEqual([]);
  });
});

describe('runVerification: sandbox failures → error, and cleanup always', () => {
  it('an apply that fails is an error naming it; both sandboxes are destroyed', async () => {
    const repo = await demoRepo();
    const backend = createFakeBackend({
      candidate: { applyError: new Error('podman kube play: image not known') },
    });

    const report = await verify(repo, backend);

    expect(report.verdict).toBe('error');
    expect(report.error).toBe('sandbox error: podman kube play: image not known');
    expect(backend.created.map((s) => [s.name.split('-').at(-1), s.destroyed])).toEqual(
      expect.arrayContaining([
        ['control', true],
        ['candidate', true],
      ]),
    );
    // the control side got its manifests: the base Deployment with its 64Mi limit
    const control = backend.created.find((s) => s.name.endsWith('control'));
    expect(JSON.stringify(control?.applied)).toContain('"memory":"64Mi"');
  });

  it('a side that never gets ready is a timeout (error), its sandboxes destroyed', async () => {
    const repo = await demoRepo();
    const notReady = {
      ready: { status: 'timed_out' as const, elapsedMs: 10_000, waitingFor: ['demo-app/app (not ready)'] },
    };
    const backend = createFakeBackend({ candidate: notReady });
    let t = 0;
    const report = await runVerification({
      repoDir: repo.dir,
      base: repo.base,
      head: repo.head,
      backend,
      config,
      progress: () => {},
      // every clock read is a second later, so the 10 s timeout passes after a few waits
      clock: () => (t += 1000),
    });
    expect(report.verdict).toBe('error');
    expect(report.timedOut).toBe(true);
    expect(backend.created.every((s) => s.destroyed)).toBe(true);
  });

  it('a destroy that fails is reported with what to run', async () => {
    const repo = await demoRepo();
    const fake = createFakeBackend({ candidate: { applyError: new Error('boom') } });
    const backend: SandboxBackend = {
      kind: 'podman',
      async create(options) {
        const sandbox = await fake.create(options);
        return { ...sandbox, destroy: async () => Promise.reject(new Error('podman rm: device busy')) };
      },
    };
    const report = await verify(repo, backend);
    expect(report.verdict).toBe('error');
    expect(report.reasons.filter((r) => r.startsWith('cleanup of sandbox'))).toHaveLength(2);
    expect(report.reasons.at(-1)).toMatch(
      /podman rm: device busy; run `aegis shadow delete --older-than 0s`/,
    );
  });
});

describe('waitForStart', () => {
  function scripted(restarts: number) {
    let t = 0;
    const now = () => t;
    const sandbox = {
      waitReady: async (timeoutMs: number) => {
        t += timeoutMs;
        return { status: 'timed_out' as const, elapsedMs: timeoutMs, waitingFor: ['web/app (not running)'] };
      },
      observe: async () => ({
        containers: [],
        totals: { restarts, oomKills: 0, ready: false, memoryBytes: 0 },
      }),
    };
    return { sandbox, now };
  }

  it('a never-ready side that keeps restarting is a crash, seen before the deadline', async () => {
    const { sandbox, now } = scripted(3);
    expect(await waitForStart(sandbox, 60_000, now)).toEqual({
      status: 'crashed',
      elapsedMs: 3000,
      restarts: 3,
    });
  });

  it('a never-ready side that does not restart times out at the deadline, not before', async () => {
    const { sandbox, now } = scripted(0);
    expect(await waitForStart(sandbox, 10_000, now)).toEqual({
      status: 'timed_out',
      elapsedMs: 10_000,
      waitingFor: ['web/app (not running)'],
    });
  });
});
