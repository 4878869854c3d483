// The branch lookup the server makes ahead of need (while the render check runs) asks git at a
// lower priority, fetch included; the one a proposal waits for does not.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchRemoteBranch, remoteBranchSha } from '../../src/forge/git-remote.js';
import { BACKGROUND_NICENESS } from '../../src/process/niceness.js';
import { fakeBinDir } from '../support/fake-bin.js';

afterEach(() => vi.unstubAllEnvs());

/**
 * A `git` whose ls-remote answers with its own niceness in place of the branch's sha, and whose
 * fetch writes its niceness next to itself. Each waits a moment: the priority is set just after
 * the process starts.
 */
async function nicenessAnsweringGit(): Promise<string> {
  const git = [
    'sleep 0.3',
    'case "$*" in',
    '  *ls-remote*) echo "$(nice)\trefs/heads/aegis/fix" ;;',
    '  *fetch*) nice > "$(dirname "$0")/fetch-niceness" ;;',
    'esac',
  ].join('\n');
  const bin = await fakeBinDir({ git });
  vi.stubEnv('PATH', bin.env.PATH);
  return path.join(bin.dir, 'fetch-niceness');
}

const remote = { url: '/srv/gitops.git' };
const background = Math.min(19, os.getPriority() + BACKGROUND_NICENESS);

describe('the remote branch', () => {
  it.each([
    ['asked ahead of need', { background: true }, background],
    ['waited for', {}, os.getPriority()],
  ])('%s is looked up by git at the matching priority', async (_when, options, niceness) => {
    await nicenessAnsweringGit();
    const sha = await remoteBranchSha(os.tmpdir(), remote, 'aegis/fix', options);
    expect(Number(sha)).toBe(niceness);
  });

  it.each([
    ['asked ahead of need', { background: true }, background],
    ['waited for', {}, os.getPriority()],
  ])('%s is fetched by git at the matching priority', async (_when, options, niceness) => {
    const fetched = await nicenessAnsweringGit();
    await fetchRemoteBranch(os.tmpdir(), remote, 'aegis/fix', options);
    expect(Number(await readFile(fetched, 'utf8'))).toBe(niceness);
  });
});
