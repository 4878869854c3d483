// The README quick start must work as written: the example OOM lands in the prod overlay's patch,
// never in the base that staging shares.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const exec = promisify(execFile);
const work = mkdtempSync(path.join(tmpdir(), 'aegis-example-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('quick start: the OOM fix edits the prod overlay patch only', async () => {
  const repo = path.join(work, 'gitops');
  cpSync(path.join(PROJECT_ROOT, 'examples/gitops'), repo, { recursive: true });
  const run = await runCli([
    'diagnose',
    '--alert',
    'examples/alerts/oom-invoice-renderer.json',
    '--snapshot',
    'examples/snapshots/oom-invoice-renderer',
    '--repo',
    repo,
    '--json',
    '-q',
  ]);
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout) as {
    diagnosis: { category: string };
    remediation: { action: string; files: string[]; diff: string; notes: string[] };
  };
  expect(result.diagnosis.category).toBe('oom-killed');
  expect(result.remediation.action).toBe('patch');
  expect(result.remediation.files).toEqual(['apps/billing/overlays/prod/invoice-renderer-resources.yaml']);
  expect(result.remediation.notes.join('\n')).toMatch(/rendered before and after/);

  writeFileSync(path.join(work, 'fix.patch'), result.remediation.diff);
  await exec('git', ['apply', path.join(work, 'fix.patch')], { cwd: repo });
  const patched = readFileSync(
    path.join(repo, 'apps/billing/overlays/prod/invoice-renderer-resources.yaml'),
    'utf8',
  );
  expect(patched).toContain('memory: 768Mi # sized for the January batch');
  const base = 'apps/billing/base/invoice-renderer.yaml';
  expect(readFileSync(path.join(repo, base), 'utf8')).toBe(
    readFileSync(path.join(PROJECT_ROOT, 'examples/gitops', base), 'utf8'),
  );
});
