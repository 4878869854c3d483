// The project's own incident scenarios (test/fixtures/scenarios), in exactly the public format and
// run exactly like the public set: `aegis diagnose --json` on a copy of the case's GitOps repo,
// `git apply` of the printed diff, then the shared checker. They cover what the public cases do
// not: Kustomize overlay patches and `images:` entries, Helm values files, StatefulSets and
// DaemonSets, release regressions, "change nothing" answers and tricky alert labels.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, sharedDir } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const exec = promisify(execFile);
const checkerPath = path.join(sharedDir(), 'scenarios', 'check.mjs');
const scenariosDir = path.join(PROJECT_ROOT, 'test', 'fixtures', 'scenarios');
const cases = readdirSync(scenariosDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const work = mkdtempSync(path.join(tmpdir(), 'aegis-extra-scenarios-'));

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('extra scenarios (no LLM)', () => {
  it('finds the scenario set', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('%s passes the shared checker', async (name) => {
    const caseDir = path.join(scenariosDir, name);
    const repo = path.join(work, name, 'repo');
    cpSync(path.join(caseDir, 'gitops'), repo, { recursive: true });

    const run = await runCli([
      'diagnose',
      '--alert',
      path.join(caseDir, 'alert.json'),
      '--snapshot',
      path.join(caseDir, 'snapshot'),
      '--repo',
      repo,
      '--llm',
      'none',
      '--json',
      '--quiet',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { remediation: { action: string; diff: string } };
    const resultFile = path.join(work, name, 'result.json');
    writeFileSync(resultFile, run.stdout);

    if (result.remediation.diff) {
      const patch = path.join(work, name, 'fix.patch');
      writeFileSync(patch, result.remediation.diff);
      await exec('git', ['apply', '--whitespace=nowarn', patch], { cwd: repo });
    } else {
      expect(result.remediation.action).toBe('none');
    }

    const checker = await exec(process.execPath, [checkerPath, caseDir, repo, resultFile], {
      cwd: PROJECT_ROOT,
    }).catch((error: { stdout?: string; stderr?: string }) => ({
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }));
    expect(checker.stdout.trim().split('\n').at(-1), checker.stdout).toBe(`PASS ${name}`);
  });
});
