// The branch lookup the server makes ahead of need (while the render check runs) asks git at a
// lower priority; the one a proposal waits for does not.
import os from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { remoteBranchSha } from '../../src/forge/git-remote.js';
import { BACKGROUND_NICENESS } from '../../src/git/create-git.js';
import { fakeBinDir } from '../support/fake-bin.js';

afterEach(() => vi.unstubAllEnvs());

/** A `git` whose ls-remote answers with its own niceness in place of the branch's sha. */
async function nicenessAnsweringGit(): Promise<void> {
  const git = 'sleep 0.3\necho "$(nice)\trefs/heads/aegis/fix"';
  vi.stubEnv('PATH', (await fakeBinDir({ git })).env.PATH);
}

describe('remoteBranchSha', () => {
  it.each([
    ['asked ahead of need', { background: true }, Math.min(19, os.getPriority() + BACKGROUND_NICENESS)],
    ['waited for', {}, os.getPriority()],
  ])('%s runs git at the matching priority', async (_when, options, niceness) => {
    await nicenessAnsweringGit();
    const sha = await remoteBranchSha(os.tmpdir(), { url: '/srv/gitops.git' }, 'aegis/fix', options);
    expect(Number(sha)).toBe(niceness);
  });
});
