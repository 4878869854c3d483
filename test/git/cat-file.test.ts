import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { catFileBatch } from '../../src/git/cat-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function repo(files: Record<string, string>): { dir: string; commit: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aegis-cat-file-'));
  dirs.push(dir);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', ...args], {
      cwd: dir,
      encoding: 'utf8',
    });
  git('init', '--quiet');
  for (const [file, text] of Object.entries(files)) {
    execFileSync('mkdir', ['-p', path.dirname(path.join(dir, file))]);
    writeFileSync(path.join(dir, file), text);
  }
  git('add', '-A');
  git('commit', '--quiet', '-m', 'files');
  return { dir, commit: git('rev-parse', 'HEAD').trim() };
}

describe('catFileBatch', () => {
  it('reads several objects in order, multi-byte text and empty files intact, missing ones undefined', async () => {
    const { dir, commit } = repo({
      'apps/a.yaml': 'name: a\n',
      'apps/ü.yaml': 'note: "größe — 128 Mi"\n',
      'apps/empty.yaml': '',
    });
    const texts = await catFileBatch(dir, [
      `${commit}:apps/ü.yaml`,
      `${commit}:apps/missing.yaml`,
      `${commit}:apps/empty.yaml`,
      `${commit}:apps/a.yaml`,
    ]);
    expect(texts).toEqual(['note: "größe — 128 Mi"\n', undefined, '', 'name: a\n']);
  });

  it('resolves ./ paths from a subdirectory', async () => {
    const { dir, commit } = repo({ 'apps/a.yaml': 'name: a\n' });
    expect(await catFileBatch(path.join(dir, 'apps'), [`${commit}:./a.yaml`])).toEqual(['name: a\n']);
  });

  it('rejects outside a git repository, and names spanning lines', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aegis-cat-file-'));
    dirs.push(dir);
    await expect(catFileBatch(dir, ['HEAD:a.yaml'])).rejects.toThrow(/git cat-file/);
    // More input than a pipe holds: git exits without reading it, and writing it fails (EPIPE),
    // which must be the same rejection, never an unhandled error.
    const many = Array.from({ length: 20_000 }, (_, i) => `HEAD:apps/file-${i}.yaml`);
    await expect(catFileBatch(dir, many)).rejects.toThrow(/git cat-file/);
    await expect(catFileBatch(dir, ['HEAD:a\nb'])).rejects.toThrow(/one line/);
    expect(await catFileBatch(dir, [])).toEqual([]);
  });
});
