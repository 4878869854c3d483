// The built CLI against the test API server, as a user runs it: `aegis diagnose --kubeconfig`
// prints the same JSON diagnosis as `--snapshot`, and `aegis snapshot` writes a folder that
// diagnose reads back; bad input is one line with exit code 2.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { SCENARIOS_DIR, scenarioNames, scenarioSnapshotDir } from '../intake/shared-fixtures.js';
import { type KubeApiServer, startKubeApiServer } from '../support/kube-api-server.js';

const work = mkdtempSync(join(tmpdir(), 'aegis-live-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `npm test` builds first; a standalone run of this file builds when dist/ is older than src/. */
beforeAll(async () => {
  if (newestMtime(join(PROJECT_ROOT, 'src')) > newestMtime(join(PROJECT_ROOT, 'dist'))) {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: PROJECT_ROOT });
  }
}, 120_000);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function repoCopy(name: string, label: string): string {
  const repo = join(work, name, label);
  cpSync(join(SCENARIOS_DIR, name, 'gitops'), repo, { recursive: true });
  return repo;
}

async function diagnoseJson(name: string, evidence: string[], label: string) {
  const run = await runCli([
    'diagnose',
    '--alert',
    join(SCENARIOS_DIR, name, 'alert.json'),
    ...evidence,
    '--repo',
    repoCopy(name, label),
    '--json',
    '--no-render',
    '--quiet',
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as { incident: unknown; diagnosis: unknown; remediation: unknown };
}

describe('aegis diagnose --kubeconfig', () => {
  it.each(scenarioNames())('%s: same JSON diagnosis as --snapshot', async (name) => {
    const server = await startKubeApiServer(scenarioSnapshotDir(name), { token: 'test-token' });
    try {
      const kubeconfig = server.writeKubeconfig(join(work, `${name}.kubeconfig`), { token: 'test-token' });
      const live = await diagnoseJson(name, ['--kubeconfig', kubeconfig], 'live');
      const offline = await diagnoseJson(name, ['--snapshot', scenarioSnapshotDir(name)], 'offline');

      expect(live.incident).toEqual(offline.incident);
      expect(live.diagnosis).toEqual(offline.diagnosis);
      expect(live.remediation).toEqual(offline.remediation);
      expect(server.requests.length).toBeGreaterThan(0);
      expect(server.requests.every((r) => r.method === 'GET')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it.each([
    [
      'a missing kubeconfig',
      ['--kubeconfig', '/nonexistent/kubeconfig'],
      2,
      /^aegis: kubeconfig not found: \/nonexistent\/kubeconfig\n$/,
    ],
    [
      'both evidence sources',
      ['--kubeconfig', '/nonexistent/kubeconfig', '--snapshot', scenarioSnapshotDir('oom-invoice-renderer')],
      2,
      /^aegis: two evidence sources \(pass either --snapshot DIR or --kubeconfig PATH, not both\)\n$/,
    ],
  ])('rejects %s with one line', async (_label, args, code, pattern) => {
    const run = await runCli([
      'diagnose',
      '--alert',
      join(SCENARIOS_DIR, 'oom-invoice-renderer', 'alert.json'),
      ...args,
      '--repo',
      join(SCENARIOS_DIR, 'oom-invoice-renderer', 'gitops'),
    ]);
    expect(run.code).toBe(code);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(pattern);
  });

  it('names the API server in one line when it does not answer in time', async () => {
    const server = await startKubeApiServer(scenarioSnapshotDir('oom-invoice-renderer'));
    try {
      server.delay('pods', 10_000);
      const run = await runCli([
        'diagnose',
        '--alert',
        join(SCENARIOS_DIR, 'oom-invoice-renderer', 'alert.json'),
        '--kubeconfig',
        server.writeKubeconfig(join(work, 'slow.kubeconfig')),
        '--request-timeout',
        '300ms',
        '--repo',
        join(SCENARIOS_DIR, 'oom-invoice-renderer', 'gitops'),
        '--quiet',
      ]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(
        new RegExp(
          `^aegis: the Kubernetes API server ${server.url} did not answer GET /api/v1/namespaces/billing/pods\\S* within 300 ms\\n$`,
        ),
      );
    } finally {
      await server.close();
    }
  });
});

describe('aegis snapshot', () => {
  let server: KubeApiServer;
  let kubeconfig: string;
  beforeAll(async () => {
    server = await startKubeApiServer(scenarioSnapshotDir('oom-invoice-renderer'));
    kubeconfig = server.writeKubeconfig(join(work, 'snapshot.kubeconfig'));
  });
  afterAll(() => server.close());

  it('prints help with every option', async () => {
    const run = await runCli(['snapshot', '--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--namespace', '--out', '--kubeconfig', '--context', '--force', '--request-timeout'])
      expect(run.stdout).toContain(flag);
  });

  it('writes a folder that diagnose reads, with progress on stderr and the folder on stdout', async () => {
    const out = join(work, 'dump');
    const run = await runCli([
      'snapshot',
      '--namespace',
      'billing',
      '--out',
      out,
      '--kubeconfig',
      kubeconfig,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${out}\n`);
    expect(run.stderr).toMatch(/^aegis: reading cluster snapshot \(http:\/\/127\.0\.0\.1:\d+\)\n/);
    expect(run.stderr).toMatch(/aegis: wrote \d+ files \(5 pods\) to /);

    const fromDump = await diagnoseJson('oom-invoice-renderer', ['--snapshot', out], 'dump');
    const original = await diagnoseJson(
      'oom-invoice-renderer',
      ['--snapshot', scenarioSnapshotDir('oom-invoice-renderer')],
      'original',
    );
    expect(fromDump.diagnosis).toEqual(original.diagnosis);
    expect(fromDump.remediation).toEqual(original.remediation);
  });

  it('refuses a folder that is not empty, unless --force', async () => {
    const out = join(work, 'busy');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    const refused = await runCli(['snapshot', '-n', 'billing', '--out', out, '--kubeconfig', kubeconfig]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `aegis: --out ${out} is not empty (choose a new folder or pass --force to write into it)\n`,
    );
    const forced = await runCli([
      'snapshot',
      '-n',
      'billing',
      '--out',
      out,
      '--kubeconfig',
      kubeconfig,
      '--force',
      '-q',
    ]);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toBe('');
    expect(readdirSync(join(out, 'billing'))).toContain('pods.json');
  });

  it.each([
    [
      'no namespace',
      ['--out', join(work, 'x1')],
      /^aegis: no namespace to record \(pass --namespace NS\)\n$/,
    ],
    [
      'an invalid namespace',
      ['-n', 'Billing_1', '--out', join(work, 'x2')],
      /^aegis: invalid namespace name: Billing_1/,
    ],
    [
      'a bad timeout',
      ['-n', 'billing', '--out', join(work, 'x3'), '--request-timeout', 'soon'],
      /^aegis: invalid --request-timeout soon/,
    ],
    [
      'an unknown context',
      ['-n', 'billing', '--out', join(work, 'x4'), '--context', 'prod'],
      /has no context prod \(it has: snapshot\)\n$/,
    ],
  ])('rejects %s with one line and exit 2', async (_label, args, pattern) => {
    const run = await runCli(['snapshot', ...args, '--kubeconfig', kubeconfig]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).toMatch(pattern);
  });
});
