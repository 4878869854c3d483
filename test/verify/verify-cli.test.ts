// `aegis verify` and `aegis shadow` as a user runs them (the built CLI, real git, real podman):
// the verdict as the exit code, the Markdown report on stdout, the JSON artifact on disk.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_LABELS } from '../../src/sandbox/labels.js';
import { isEmpty, listLabelled } from '../../src/sandbox/podman/remove-labelled.js';
import { VerificationReport } from '../../src/verify/types.js';
import { CLI } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { buildDemoImage, requirePodman, skipPodman, testPodman } from '../sandbox/helpers/podman-test-env.js';
import { createDemoRepo, type DemoRepo } from './helpers/demo-repo.js';

const LEAKING = { LEAK_MB_PER_REQUEST: '4' };
// The rules and load come from .github/aegis.yml at base, as in a real repository.
const CONFIG = {
  verification: {
    load: { paths: ['/'], connections: 2, rate: 10, durationSeconds: 3, warmupSeconds: 0 },
    sandbox: { readyTimeoutSeconds: 30 },
  },
};

describe('aegis verify / shadow: usage', () => {
  it('documents the verdict exit codes in --help', async () => {
    const run = await runCli(['verify', '--help']);
    expect(run.code).toBe(0);
    for (const text of [
      '--base',
      '--head',
      '--sandbox',
      '--json',
      '--report',
      '--category',
      '3  fail',
      '4  inconclusive',
      '5  error',
    ])
      expect(run.stdout).toContain(text);
  });

  it('--sandbox vcluster checks its driver setting before anything runs', async () => {
    const run = await runCli(
      ['verify', '--repo', '.', '--base', 'HEAD', '--head', 'HEAD', '--sandbox', 'vcluster'],
      { env: { AEGIS_VCLUSTER_DRIVER: 'platform' } },
    );
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      'aegis: AEGIS_VCLUSTER_DRIVER=platform: expected one of helm, docker (docker needs only Docker on the machine; helm installs into the cluster of KUBECONFIG)',
    ]);
  });

  it('an unknown ref is one line naming it, exit 2', async () => {
    const run = await runCli([
      'verify',
      '--repo',
      '.',
      '--base',
      'no-such-ref-xyz',
      '--head',
      'HEAD',
      '--sandbox',
      'podman',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^aegis: no-such-ref-xyz is not a commit in \. \(/);
  });

  it('shadow delete needs exactly one of --name or --older-than', async () => {
    const run = await runCli(['shadow', 'delete']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('pass exactly one of --name or --older-than');
  });
});

describe.skipIf(skipPodman)('aegis verify / shadow on podman', () => {
  let repo: DemoRepo;
  let out: string;

  beforeAll(async () => {
    requirePodman();
    await buildDemoImage();
    repo = await createDemoRepo(
      { memoryLimit: '64Mi', env: LEAKING },
      { memoryLimit: '256Mi', env: LEAKING },
      { config: CONFIG },
    );
    out = await mkdtemp(path.join(os.tmpdir(), 'aegis-verify-out-'));
  }, 120_000);

  afterAll(async () => {
    await repo?.remove();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('OOM fixed: exit 0, the report on stdout, a JSON artifact that validates', async () => {
    const json = path.join(out, 'verify.json');
    const run = await runCli([
      'verify',
      '--repo',
      repo.dir,
      '--base',
      repo.base,
      '--head',
      repo.head,
      '--sandbox',
      'podman',
      '--category',
      'oom-killed',
      '--json',
      json,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('<!-- aegis:verify-report -->');
    expect(run.stdout).toContain('## ✅ Shadow verification passed');
    expect(run.stdout).toMatch(/Red → green: control \(base\) reproduced the incident/);
    expect(run.stdout).toContain('```mermaid\nxychart-beta');
    expect(run.stderr).toMatch(/aegis: verdict: pass/);
    const report = VerificationReport.parse(JSON.parse(await readFile(json, 'utf8')));
    expect(report.verdict).toBe('pass');
    expect(report.refs).toEqual({ base: repo.base, head: repo.head });
    const left = await listLabelled(testPodman(), `${SANDBOX_LABELS.run}=${report.sandbox.name}`);
    expect(isEmpty(left)).toBe(true);
  }, 120_000);

  it('shadow create prints a reachable endpoint; shadow delete --name removes everything', async () => {
    const name = `cli-${Date.now().toString(36)}`;
    const created = await runCli([
      'shadow',
      'create',
      '--repo',
      repo.dir,
      '--ref',
      repo.head,
      '--sandbox',
      'podman',
      '--name',
      name,
    ]);
    try {
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toMatch(/status: +ready after/);
      const url = /service demo-app: +(http:\/\/127\.0\.0\.1:\d+)/.exec(created.stdout)?.[1];
      expect(url).toBeDefined();
      const res = await fetch(`${url}/readyz`);
      expect(res.status).toBe(200);
    } finally {
      const deleted = await runCli(['shadow', 'delete', '--name', name]);
      expect(deleted.code, deleted.stderr).toBe(0);
    }
    const left = await listLabelled(testPodman(), `${SANDBOX_LABELS.run}=${name}`);
    expect(isEmpty(left)).toBe(true);
  }, 120_000);

  it("SIGTERM mid-run removes the run's sandboxes and exits 143", async () => {
    const slow = await createDemoRepo(
      { memoryLimit: '128Mi' },
      { memoryLimit: '128Mi', env: { SLOW_START_SECONDS: '300' } },
      { config: { verification: { sandbox: { readyTimeoutSeconds: 120 } } } },
    );
    try {
      const child = spawn(process.execPath, [
        CLI,
        'verify',
        '--repo',
        slow.dir,
        '--base',
        slow.base,
        '--head',
        slow.head,
        '--sandbox',
        'podman',
      ]);
      let stderr = '';
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      // Interrupt once control is up and candidate is waiting for its (never coming) readiness.
      const runId = await new Promise<string>((resolve) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const id = /\(run ([0-9a-f]+)\)/.exec(stderr)?.[1];
          if (id && /control: ready after/.test(stderr)) resolve(id);
        });
      });
      child.kill('SIGTERM');
      expect(await exited, stderr).toBe(143);
      expect(stderr).toContain(`SIGTERM: removing the sandboxes of run ${runId}`);
      const left = await listLabelled(testPodman(), `${SANDBOX_LABELS.run}=${runId}`);
      expect(left).toEqual({ pods: [], containers: [], networks: [], volumes: [] });
    } finally {
      await slow.remove();
    }
  }, 120_000);
});
