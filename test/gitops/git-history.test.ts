import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGit } from '../../src/git/create-git.js';
import { previousImagesFromGit } from '../../src/gitops/git-history.js';
import { indexRepo } from '../../src/gitops/index-repo.js';
import { locateWorkload } from '../../src/gitops/locate.js';
import { proposeChanges, writeProposal } from '../../src/gitops/propose.js';
import { container, copyTree, FIXTURES, gitApply, proposalOk, removeTree } from './helpers.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map(removeTree));
});

const deployment = (image: string, worker = 'ghcr.io/acme/worker:1.0.0') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: checkout
          image: ${image}
        - name: worker
          image: ${worker}
`;

async function repoWithHistory(): Promise<string> {
  const dir = await copyTree(path.join(FIXTURES, 'plain'));
  dirs.push(dir);
  const git = createGit(dir);
  await git.init();
  await mkdir(path.join(dir, 'apps/shop'), { recursive: true });
  const file = path.join(dir, 'apps/shop/checkout.yaml');
  for (const [image, worker] of [
    ['ghcr.io/acme/checkout:2.7.2', undefined],
    ['ghcr.io/acme/checkout:2.7.3', undefined],
    ['ghcr.io/acme/checkout:2.7.3', 'ghcr.io/acme/worker:1.1.0'],
    ['ghcr.io/acme/checkout:2.8.0', 'ghcr.io/acme/worker:1.1.0'],
  ] as const) {
    await writeFile(file, deployment(image, worker));
    await git.add('.');
    await git.commit(`release ${image}`);
  }
  return dir;
}

describe('previousImagesFromGit', () => {
  it('lists the earlier images of the container, newest first, without the current one', async () => {
    const dir = await repoWithHistory();
    expect(await previousImagesFromGit(dir, 'apps/shop/checkout.yaml', { container: 'checkout' })).toEqual([
      'ghcr.io/acme/checkout:2.7.3',
      'ghcr.io/acme/checkout:2.7.2',
    ]);
    expect(await previousImagesFromGit(dir, 'apps/shop/checkout.yaml', { container: 'worker' })).toEqual([
      'ghcr.io/acme/worker:1.0.0',
    ]);
  });

  it('works from a subdirectory of the repository', async () => {
    const dir = await repoWithHistory();
    expect(
      await previousImagesFromGit(path.join(dir, 'apps'), 'shop/checkout.yaml', { container: 'checkout' }),
    ).toEqual(['ghcr.io/acme/checkout:2.7.3', 'ghcr.io/acme/checkout:2.7.2']);
  });

  it('returns [] outside a git repository', async () => {
    const dir = await copyTree(path.join(FIXTURES, 'plain'));
    dirs.push(dir);
    expect(await previousImagesFromGit(dir, 'apps/misc/api.yaml', { container: 'api' })).toEqual([]);
  });
});

describe('writeProposal', () => {
  it('writes the proposed files, and the diff applies in a git repository too', async () => {
    const dir = await repoWithHistory();
    const index = await indexRepo(dir);
    const target = { kind: 'Deployment', name: 'checkout', namespace: 'shop' };
    const source = locateWorkload(index, target);
    if ('error' in source) throw new Error(source.error);
    const p = proposalOk(
      await proposeChanges(index, source, [
        {
          target,
          path: [...container('checkout'), 'image'],
          value: 'ghcr.io/acme/checkout:2.7.3',
          image: true,
        },
      ]),
    );
    await gitApply(dir, p.diff);
    await writeProposal(dir, p);
    expect(await readFile(path.join(dir, 'apps/shop/checkout.yaml'), 'utf8')).toBe(
      deployment('ghcr.io/acme/checkout:2.7.3', 'ghcr.io/acme/worker:1.1.0'),
    );
    expect((await createGit(dir).raw(['diff', '--stat'])).trim()).toMatch(
      /1 file changed, 1 insertion\(\+\), 1 deletion\(-\)/,
    );
  });

  it('says how to apply the diff when the checkout is a folder of a larger git repository', async () => {
    const dir = await repoWithHistory();
    const sub = path.join(dir, 'apps');
    const index = await indexRepo(sub);
    const target = { kind: 'Deployment', name: 'checkout', namespace: 'shop' };
    const source = locateWorkload(index, target);
    if ('error' in source) throw new Error(source.error);
    const p = proposalOk(
      await proposeChanges(index, source, [{ target, path: ['spec', 'replicas'], value: 2 }]),
    );
    expect(p.diff).toContain('--- a/shop/checkout.yaml');
    expect(p.notes).toContain(
      'the checkout is the folder apps of a git repository: apply the diff there with git apply --directory=apps',
    );
    const patch = path.join(path.dirname(dir), 'sub.diff');
    await writeFile(patch, p.diff);
    await createGit(sub).raw(['apply', '--directory=apps', patch]);
    expect(await readFile(path.join(sub, 'shop/checkout.yaml'), 'utf8')).toContain('replicas: 2');
  });

  it('refuses to overwrite a file that changed since the proposal', async () => {
    const dir = await copyTree(path.join(FIXTURES, 'plain'));
    dirs.push(dir);
    const index = await indexRepo(dir);
    const target = { kind: 'Deployment', name: 'api', namespace: 'misc' };
    const source = locateWorkload(index, target);
    if ('error' in source) throw new Error(source.error);
    const p = proposalOk(
      await proposeChanges(index, source, [{ target, path: ['spec', 'replicas'], value: 4 }], {
        render: false,
      }),
    );
    await writeFile(path.join(dir, 'apps/misc/api.yaml'), 'changed by someone else\n');
    await expect(writeProposal(dir, p)).rejects.toThrow(/changed since the patch was computed/);
  });
});
