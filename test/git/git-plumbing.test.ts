// gitPlumbing runs one git command directly; speculative work runs it at a lower CPU priority.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BACKGROUND_NICENESS, gitPlumbing } from '../../src/git/create-git.js';

const dirs: string[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A `git` first on PATH that waits a moment (its priority is set just after it starts), then prints its niceness. */
function nicenessPrintingGit(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aegis-git-plumbing-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'git'), '#!/bin/sh\nsleep 0.3\nnice\n');
  chmodSync(path.join(dir, 'git'), 0o755);
  vi.stubEnv('PATH', `${dir}${path.delimiter}${process.env.PATH ?? ''}`);
}

describe('gitPlumbing', () => {
  it('runs background work at a lower priority', async () => {
    nicenessPrintingGit();
    const own = os.getPriority();
    const out = await gitPlumbing(os.tmpdir(), ['write-tree'], { background: true });
    expect(Number(out.trim())).toBe(Math.min(19, own + BACKGROUND_NICENESS));
  });

  it('runs everything else at the priority of the server', async () => {
    nicenessPrintingGit();
    const out = await gitPlumbing(os.tmpdir(), ['write-tree']);
    expect(Number(out.trim())).toBe(os.getPriority());
  });

  it("rejects with the command and git's first error line", async () => {
    await expect(gitPlumbing(os.tmpdir(), ['rev-parse', '--verify', 'no-such-ref'])).rejects.toThrow(
      /^git rev-parse: fatal: /,
    );
  });
});
