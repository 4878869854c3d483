// Building the fix commit's tree from objects: the same tree whether the temporary index starts
// from read-tree or from a copy of a checkout's index at the base, and a base that does not hold
// the diagnosed content is a mismatch, never a silent overwrite.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locateRepo, treeWithEdits } from '../../src/propose/commit-edits.js';
import { type GitopsFixture, git, gitopsFixture } from './git-fixture.js';

let fx: GitopsFixture;
beforeEach(() => {
  fx = gitopsFixture('oom-invoice-renderer');
});
afterEach(() => rmSync(fx.work, { recursive: true, force: true }));

const FILE = 'apps/billing/invoice-renderer.yaml';

function edit() {
  const before = readFileSync(path.join(fx.clone, FILE), 'utf8');
  return { file: FILE, before, after: before.replace('512Mi', '768Mi') };
}

describe('treeWithEdits', () => {
  it('gives the same tree from a copied checkout index as from read-tree, changing one blob', async () => {
    const repo = await locateRepo(fx.clone);
    if (!repo) throw new Error('no repo');
    const base = git(fx.clone, 'rev-parse', 'HEAD');
    const plain = await treeWithEdits(repo, base, [edit()]);
    const seeded = await treeWithEdits(repo, base, [edit()], {
      baseIndex: path.join(fx.clone, '.git', 'index'),
    });
    expect(seeded).toEqual(plain);
    if (!('tree' in plain)) throw new Error('mismatch');
    const changed = git(fx.clone, 'diff-tree', '-r', '--name-only', `${base}^{tree}`, plain.tree);
    expect(changed).toBe(FILE);
    // The user's index and working tree are untouched.
    expect(git(fx.clone, 'status', '--porcelain')).toBe('');
  });

  it('falls back to read-tree when the seed index is missing', async () => {
    const repo = await locateRepo(fx.clone);
    if (!repo) throw new Error('no repo');
    const base = git(fx.clone, 'rev-parse', 'HEAD');
    const plain = await treeWithEdits(repo, base, [edit()]);
    expect(await treeWithEdits(repo, base, [edit()], { baseIndex: path.join(fx.work, 'no-index') })).toEqual(
      plain,
    );
  });

  it('reports a mismatch when the base holds other content than the diagnosis read', async () => {
    const repo = await locateRepo(fx.clone);
    if (!repo) throw new Error('no repo');
    const diagnosed = edit();
    writeFileSync(path.join(fx.clone, FILE), diagnosed.before.replace('512Mi', '600Mi'));
    git(fx.clone, 'commit', '-qam', 'someone changed it');
    const base = git(fx.clone, 'rev-parse', 'HEAD');
    expect(await treeWithEdits(repo, base, [diagnosed])).toEqual({
      mismatch: `${FILE} on the base branch differs from the diagnosed checkout`,
    });
  });
});
