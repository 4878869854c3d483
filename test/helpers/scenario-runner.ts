// Runs one incident scenario (the shared format: case.yaml, alert.json, snapshot/, gitops/) the
// way a user would: `aegis diagnose --json` on a copy of the GitOps repo, `git apply` of the
// printed diff, then the shared checker. Used for the public set and for the project's own cases.
import { execFile } from 'node:child_process';
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { PROJECT_ROOT, sharedDir } from './paths.js';
import { runCli } from './run-cli.js';

const exec = promisify(execFile);

export function listCases(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Asserts that the case passes the shared checker; `work` is a scratch folder for this case. */
export async function expectScenarioPasses(
  caseDir: string,
  work: string,
  extraArgs: string[] = [],
): Promise<void> {
  const name = path.basename(caseDir);
  const repo = path.join(work, 'repo');
  cpSync(path.join(caseDir, 'gitops'), repo, { recursive: true });
  const run = await runCli([
    'diagnose',
    '--alert',
    path.join(caseDir, 'alert.json'),
    '--snapshot',
    path.join(caseDir, 'snapshot'),
    '--repo',
    repo,
    '--json',
    '--quiet',
    ...extraArgs,
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout) as { remediation: { action: string; diff: string } };
  const resultFile = path.join(work, 'result.json');
  writeFileSync(resultFile, run.stdout);

  if (result.remediation.diff) {
    const patch = path.join(work, 'fix.patch');
    writeFileSync(patch, result.remediation.diff);
    await exec('git', ['apply', '--whitespace=nowarn', patch], { cwd: repo });
  } else {
    expect(result.remediation.action).toBe('none');
  }

  const checker = path.join(sharedDir(), 'scenarios', 'check.mjs');
  const checked = await exec(process.execPath, [checker, caseDir, repo, resultFile], {
    cwd: PROJECT_ROOT,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  expect(checked.stdout.trim().split('\n').at(-1), checked.stdout).toBe(`PASS ${name}`);
}
