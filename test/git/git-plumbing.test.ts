// gitPlumbing runs one git command without simple-git, directly or (in the server) through the
// process helper; speculative work runs it at a lower CPU priority either way.
import os from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gitPlumbing } from '../../src/git/create-git.js';
import { BACKGROUND_NICENESS } from '../../src/process/niceness.js';
import { stopProcessHelper } from '../../src/process/process-helper.js';
import { fakeBinDir } from '../support/fake-bin.js';
import { PROCESS_MODES } from '../support/process-modes.js';

afterEach(() => {
  vi.unstubAllEnvs();
  stopProcessHelper();
});

/** A `git` first on PATH that waits a moment (its priority is set just after it starts), then prints its niceness. */
async function nicenessPrintingGit(): Promise<void> {
  vi.stubEnv('PATH', (await fakeBinDir({ git: 'sleep 0.3\nnice' })).env.PATH);
}

describe.each(PROCESS_MODES)('gitPlumbing %s', (_how, setUp) => {
  it('runs background work at a lower priority', async () => {
    setUp();
    await nicenessPrintingGit();
    const own = os.getPriority();
    const out = await gitPlumbing(os.tmpdir(), ['write-tree'], { background: true });
    expect(Number(out.trim())).toBe(Math.min(19, own + BACKGROUND_NICENESS));
  });

  it('runs everything else at the priority of the server', async () => {
    setUp();
    await nicenessPrintingGit();
    const out = await gitPlumbing(os.tmpdir(), ['write-tree']);
    expect(Number(out.trim())).toBe(os.getPriority());
  });

  it("rejects with the command and git's first error line", async () => {
    setUp();
    await expect(gitPlumbing(os.tmpdir(), ['rev-parse', '--verify', 'no-such-ref'])).rejects.toThrow(
      /^git rev-parse: fatal: /,
    );
  });

  it('names the command after any -c options', async () => {
    setUp();
    await expect(
      gitPlumbing(os.tmpdir(), ['-c', 'user.name=aegis', 'rev-parse', '--verify', 'no-such-ref']),
    ).rejects.toThrow(/^git rev-parse: fatal: /);
  });
});
