import { mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyTree } from '../../src/gitops/copy-tree.js';

let tmp: string | undefined;
afterEach(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
  tmp = undefined;
});

async function sourceTree(): Promise<{ src: string; dest: string }> {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'aegis-copy-tree-'));
  const src = path.join(tmp, 'src');
  await mkdir(path.join(src, 'base', 'nested'), { recursive: true });
  await mkdir(path.join(src, '.git', 'objects'), { recursive: true });
  await mkdir(path.join(src, 'node_modules', 'pkg'), { recursive: true });
  await writeFile(path.join(src, 'kustomization.yaml'), 'resources:\n  - base\n');
  await writeFile(path.join(src, 'base', 'deployment.yaml'), 'kind: Deployment\n');
  await writeFile(path.join(src, 'base', 'nested', 'app.env'), 'A=1\n');
  await writeFile(path.join(src, 'base', 'render.sh'), '#!/bin/sh\n', { mode: 0o755 });
  await writeFile(path.join(src, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  await writeFile(path.join(src, 'node_modules', 'pkg', 'index.js'), '');
  await writeFile(path.join(tmp, 'outside.yaml'), 'kind: ConfigMap\n');
  await symlink('../outside.yaml', path.join(src, 'linked.yaml'));
  return { src, dest: path.join(tmp, 'copy', 'deep', 'repo') };
}

describe('copyTree', () => {
  it('copies every file and folder, creating the destination and its parents', async () => {
    const { src, dest } = await sourceTree();
    await copyTree(src, dest);
    expect((await readdir(dest)).sort()).toEqual(['base', 'kustomization.yaml', 'linked.yaml']);
    expect(await readFile(path.join(dest, 'base', 'deployment.yaml'), 'utf8')).toBe('kind: Deployment\n');
    expect(await readFile(path.join(dest, 'base', 'nested', 'app.env'), 'utf8')).toBe('A=1\n');
  });

  it('leaves out .git and node_modules', async () => {
    const { src, dest } = await sourceTree();
    await copyTree(src, dest);
    await expect(stat(path.join(dest, '.git'))).rejects.toThrow(/ENOENT/);
    await expect(stat(path.join(dest, 'node_modules'))).rejects.toThrow(/ENOENT/);
  });

  it('keeps an executable file executable', async () => {
    const { src, dest } = await sourceTree();
    await copyTree(src, dest);
    expect((await stat(path.join(dest, 'base', 'render.sh'))).mode & 0o777).toBe(0o755);
  });

  it('recreates a relative symbolic link with its absolute target, so it still resolves from the copy', async () => {
    const { src, dest } = await sourceTree();
    await copyTree(src, dest);
    const target = await readlink(path.join(dest, 'linked.yaml'));
    expect(target).toBe(path.join(path.dirname(src), 'outside.yaml'));
    expect(await readFile(path.join(dest, 'linked.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
  });

  it('rejects when the source folder does not exist', async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'aegis-copy-tree-'));
    await expect(copyTree(path.join(tmp, 'missing'), path.join(tmp, 'copy'))).rejects.toThrow(/ENOENT/);
  });
});
