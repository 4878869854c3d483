// The CLI as a user meets it: help, one-line errors with exit code 2, stdin, --apply.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedDir } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const oom = path.join(sharedDir(), 'scenarios', 'oom-invoice-renderer');
const work = mkdtempSync(path.join(tmpdir(), 'aegis-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function copyRepo(name: string): string {
  const repo = path.join(work, name);
  cpSync(path.join(oom, 'gitops'), repo, { recursive: true });
  return repo;
}

describe('aegis diagnose', () => {
  it('prints help with every option', async () => {
    const run = await runCli(['diagnose', '--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--alert', '--snapshot', '--repo', '--llm', '--json', '--apply'])
      expect(run.stdout).toContain(flag);
  });

  it.each([
    [
      'malformed alert JSON',
      (dir: string) => [
        '--alert',
        writeTemp(dir, 'bad.json', '{"alerts": ['),
        '--snapshot',
        path.join(oom, 'snapshot'),
      ],
      /alert .*bad\.json: .*invalid JSON/,
    ],
    [
      'an alert without labels',
      (dir: string) => [
        '--alert',
        writeTemp(dir, 'nolabels.json', '{"status":"firing","alerts":[{"startsAt":"2025-01-01T00:00:00Z"}]}'),
        '--snapshot',
        path.join(oom, 'snapshot'),
      ],
      /alerts\.0\.labels/,
    ],
    [
      'a missing alert file',
      () => ['--alert', '/nonexistent/alert.json', '--snapshot', path.join(oom, 'snapshot')],
      /alert file \/nonexistent\/alert\.json: not found/,
    ],
    [
      'a missing snapshot folder',
      () => ['--alert', path.join(oom, 'alert.json'), '--snapshot', '/nonexistent/snap'],
      /snapshot folder not found: \/nonexistent\/snap/,
    ],
  ])('rejects %s with one line and exit 2', async (_label, args, pattern) => {
    const dir = mkdtempSync(path.join(work, 'in-'));
    const run = await runCli(['diagnose', ...args(dir), '--repo', path.join(oom, 'gitops'), '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(pattern);
  });

  it.each([
    ['kubesphere-nm.KubeDeploymentReplicasMismatch.json', /Deployment nginx is not in the evidence/],
    ['kubesphere-nm.KubeletDown-no-namespace.json', /Node|node/],
    ['prometheus-msteams.prom_post_request.json', /No rule recognises/],
  ])(
    'real payload %s against a cluster that lacks its subject: no crash, no patch',
    async (fixture, summary) => {
      const alert = path.join(sharedDir(), 'fixtures', 'alertmanager', fixture);
      const run = await runCli([
        'diagnose',
        '--alert',
        alert,
        '--snapshot',
        path.join(oom, 'snapshot'),
        '--repo',
        path.join(oom, 'gitops'),
        '--json',
        '-q',
      ]);
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout) as {
        diagnosis: { summary: string };
        remediation: { action: string; diff: string };
      };
      expect(result.remediation).toMatchObject({ action: 'none', diff: '' });
      expect(result.diagnosis.summary).toMatch(summary);
    },
  );

  it('rejects a repository without manifests', async () => {
    const empty = mkdtempSync(path.join(work, 'empty-'));
    writeFileSync(path.join(empty, 'README.md'), '# nothing here\n');
    const run = await runCli([
      'diagnose',
      '--alert',
      path.join(oom, 'alert.json'),
      '--snapshot',
      path.join(oom, 'snapshot'),
      '--repo',
      empty,
      '-q',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/has no YAML manifests/);
  });

  it('reads the alert from stdin, prints a readable report and leaves the repo alone', async () => {
    const repo = copyRepo('readonly');
    const before = readFileSync(path.join(repo, 'apps/billing/invoice-renderer.yaml'), 'utf8');
    const run = await runCli(
      ['diagnose', '--alert', '-', '--snapshot', path.join(oom, 'snapshot'), '--repo', repo],
      {
        input: readFileSync(path.join(oom, 'alert.json'), 'utf8'),
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Diagnosis +oom-killed/);
    expect(run.stdout).toMatch(/Remediation PATCH/);
    expect(run.stdout).toContain('+              memory: 768Mi');
    expect(run.stderr).toMatch(/aegis: gathering evidence/);
    expect(readFileSync(path.join(repo, 'apps/billing/invoice-renderer.yaml'), 'utf8')).toBe(before);
  });

  it('--apply writes exactly the printed diff', async () => {
    const repo = copyRepo('apply');
    const file = path.join(repo, 'apps/billing/invoice-renderer.yaml');
    const before = readFileSync(file, 'utf8');
    const run = await runCli([
      'diagnose',
      '--alert',
      path.join(oom, 'alert.json'),
      '--snapshot',
      path.join(oom, 'snapshot'),
      '--repo',
      repo,
      '--json',
      '--apply',
      '-q',
    ]);
    expect(run.code).toBe(0);
    const after = readFileSync(file, 'utf8');
    expect(after).toBe(before.replace('              memory: 512Mi', '              memory: 768Mi'));
    const result = JSON.parse(run.stdout) as { remediation: { files: string[] } };
    expect(result.remediation.files).toEqual(['apps/billing/invoice-renderer.yaml']);
  });

  it('reads a live cluster with --kubeconfig, and names a missing kubeconfig in one line', async () => {
    // The live path itself is covered against a real HTTP API server in test/evidence/live-cli.test.ts.
    const run = await runCli([
      'diagnose',
      '--alert',
      path.join(oom, 'alert.json'),
      '--kubeconfig',
      '/nonexistent/kubeconfig',
      '--repo',
      path.join(oom, 'gitops'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('aegis: kubeconfig not found: /nonexistent/kubeconfig\n');
  });
});

function writeTemp(dir: string, name: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}
