// Fake executables for tests that run real processes: shell bodies written to a temp folder that
// is removed when the test finishes.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';

/** A directory (removed after the test) holding executables written from shell bodies; PATH holds it plus the system bins. */
export async function fakeBinDir(
  scripts: Record<string, string>,
): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aegis-fake-bin-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  for (const [name, body] of Object.entries(scripts)) {
    const file = path.join(dir, name);
    await writeFile(file, `#!/bin/sh\n${body}\n`);
    await chmod(file, 0o755);
  }
  return { dir, env: { PATH: `${dir}:/usr/bin:/bin` } };
}
