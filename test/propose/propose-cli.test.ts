// `aegis propose` and `aegis incident list` as a user runs them (the built binary) on a temp repo.

import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { scenarioDir } from '../helpers/scenario-evidence.js';
import { type GitopsFixture, git, gitopsFixture } from './git-fixture.js';

const OOM = 'oom-invoice-renderer';
const inputs = [
  '--alert',
  path.join(scenarioDir(OOM), 'alert.json'),
  '--snapshot',
  path.join(scenarioDir(OOM), 'snapshot'),
];

let fx: GitopsFixture;
const plainCopy = () => {
  const dir = path.join(fx.work, 'plain');
  cpSync(path.join(scenarioDir(OOM), 'gitops'), dir, { recursive: true });
  return dir;
};
beforeAll(() => {
  fx = gitopsFixture(OOM);
});
afterAll(() => rmSync(fx.work, { recursive: true, force: true }));

describe('aegis propose', () => {
  it('commits locally without --push and prints the branch and body path', async () => {
    const run = await runCli(['propose', ...inputs, '--repo', fx.clone, '--no-render', '-q']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^outcome: opened$/m);
    const branch = /^branch:\s+(\S+)$/m.exec(run.stdout)?.[1] ?? '';
    const body = /^body:\s+(\S+)$/m.exec(run.stdout)?.[1] ?? '';
    expect(branch).toMatch(/^aegis\/billing\/invoice-renderer\/oom-killed-/);
    expect(git(fx.clone, 'rev-parse', '--verify', `refs/heads/${branch}`)).toMatch(/^[0-9a-f]{40}$/);
    expect(body).toBe(path.join(fx.work, '.aegis', 'drafts', `${branch.replace(/\//g, '-')}.md`));
    expect(readFileSync(body, 'utf8')).toContain('## Change');
  });

  it('pushes and opens the PR in the local forge with --push; a rerun is unchanged', async () => {
    const args = ['propose', ...inputs, '--repo', fx.clone, '--no-render', '-q', '--push', '--json'];

    const first = await runCli(args);
    const second = await runCli(args);

    expect(first.code).toBe(0);
    const opened = JSON.parse(first.stdout);
    expect(opened).toMatchObject({ outcome: 'opened', pr: { number: 1, state: 'open' } });
    expect(existsSync(opened.pr.url)).toBe(true);
    expect(git(fx.origin, 'rev-parse', `refs/heads/${opened.branch}`)).toBe(opened.commit);
    expect(JSON.parse(second.stdout)).toMatchObject({ outcome: 'unchanged', commit: opened.commit });
  });

  it('lists the incident with its phase', async () => {
    const table = await runCli(['incident', 'list', '--repo', fx.clone]);
    const json = await runCli(['incident', 'list', '--state', path.join(fx.work, '.aegis'), '--json']);

    expect(table.code).toBe(0);
    const [header, row, ...rest] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^PHASE\s+ITEM\s+CATEGORY\s+WORKLOAD\s+FINGERPRINT\s+TITLE$/);
    expect(row).toMatch(
      /^proposed\s+PR #1\s+oom-killed\s+billing\/invoice-renderer\s+[0-9a-f]{16}\s+fix\(invoice-renderer\): /,
    );
    expect(rest).toEqual([]);
    expect(JSON.parse(json.stdout)).toMatchObject([
      { phase: 'proposed', type: 'pull', number: 1, meta: { category: 'oom-killed', namespace: 'billing' } },
    ]);
  });

  it.each([
    ['a folder that is not a git repository', () => ['--repo', plainCopy()], /is not a git repository/],
    [
      '--github without --push',
      () => ['--repo', fx.clone, '--github', 'acme/gitops'],
      /--github only applies with --push/,
    ],
    [
      'a malformed --github',
      () => ['--repo', fx.clone, '--push', '--github', 'acme'],
      /expected the format OWNER\/REPO/,
    ],
    [
      'a missing token',
      () => ['--repo', fx.clone, '--push', '--github', 'acme/gitops'],
      /GITHUB_TOKEN is not set/,
    ],
  ])('rejects %s with one line and exit 2', async (_label, args, pattern) => {
    const run = await runCli(['propose', ...inputs, ...args(), '-q'], { env: { GITHUB_TOKEN: '' } });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(pattern);
  });

  it('rejects a dirty working tree and a clone without origin', async () => {
    const file = path.join(fx.clone, 'apps', 'billing', 'invoice-renderer.yaml');
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, `${before}# edited\n`);
    const dirty = await runCli(['propose', ...inputs, '--repo', fx.clone, '-q']);
    writeFileSync(file, before);
    git(fx.clone, 'remote', 'rename', 'origin', 'upstream');
    const noOrigin = await runCli(['propose', ...inputs, '--repo', fx.clone, '--push', '-q']);
    git(fx.clone, 'remote', 'rename', 'upstream', 'origin');

    expect(dirty).toMatchObject({ code: 2 });
    expect(dirty.stderr).toMatch(/has uncommitted changes \(commit or stash them/);
    expect(noOrigin).toMatchObject({ code: 2 });
    expect(noOrigin.stderr).toMatch(/has no origin remote/);
  });
});
