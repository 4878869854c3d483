// The server's working copy per GitOps repository: cloned once, then brought to the remote base's
// newest commit before each task, on real local repositories.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCheckoutCache } from '../../src/github/checkout-cache.js';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

let tmp: string;
let origin: string;
let work: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'aegis-checkout-cache-'));
  origin = path.join(tmp, 'origin.git');
  work = path.join(tmp, 'work');
  git(tmp, 'init', '--quiet', '--bare', '--initial-branch=main', origin);
  git(tmp, 'clone', '--quiet', origin, work);
  commitFile('app.yaml', 'memory: 128Mi\n');
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

function commitFile(file: string, text: string): string {
  writeFileSync(path.join(work, file), text);
  git(work, 'add', file);
  git(work, 'commit', '--quiet', '-m', `update ${file}`);
  git(work, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
  return git(work, 'rev-parse', 'HEAD');
}

const target = () => ({ owner: 'acme', repo: 'gitops', base: 'main', remote: { url: origin } });

describe('createCheckoutCache', () => {
  it('clones the base, then follows it when it moves, dropping files a task left behind', async () => {
    const cache = createCheckoutCache(path.join(tmp, 'cache'));
    const first = await cache.withCheckout(target(), async (c) => {
      writeFileSync(path.join(c.dir, 'stray.txt'), 'left by a task');
      return { ...c, text: readFileSync(path.join(c.dir, 'app.yaml'), 'utf8') };
    });
    expect(first.sha).toBe(git(origin, 'rev-parse', 'refs/heads/main'));
    expect(first.text).toBe('memory: 128Mi\n');

    const moved = commitFile('app.yaml', 'memory: 256Mi\n');
    const second = await cache.withCheckout(target(), async (c) => ({
      ...c,
      text: readFileSync(path.join(c.dir, 'app.yaml'), 'utf8'),
      stray: existsSync(path.join(c.dir, 'stray.txt')),
    }));
    expect(second).toEqual({ dir: first.dir, sha: moved, text: 'memory: 256Mi\n', stray: false });
  });

  it('reuses the tree as it is while the base has not moved', async () => {
    const cache = createCheckoutCache(path.join(tmp, 'cache'));
    const first = await cache.withCheckout(target(), async (c) => c);
    const second = await cache.withCheckout(target(), async (c) => c);
    expect(second).toEqual(first);
    expect(git(first.dir, 'rev-parse', 'HEAD')).toBe(first.sha);
  });

  it('runs the tasks of one repository one after another', async () => {
    const cache = createCheckoutCache(path.join(tmp, 'cache'));
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      events.push(`${name} end`);
    };
    await Promise.all([cache.withCheckout(target(), task('a')), cache.withCheckout(target(), task('b'))]);
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
  });

  it('names the repository and the branch when the remote has no such base', async () => {
    const cache = createCheckoutCache(path.join(tmp, 'cache'));
    await expect(cache.withCheckout({ ...target(), base: 'release' }, async (c) => c)).rejects.toThrow(
      'cannot update the checkout of acme/gitops (release): the remote has no branch release',
    );
  });
});
