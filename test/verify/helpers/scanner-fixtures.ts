// The upstream Trivy and ZAP reports of ../shared/fixtures (SOURCES.md), and fake scanner
// executables that print them, so the real runners execute real processes in tests.

import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { sharedDir } from '../../helpers/paths.js';

export const TRIVY_DIR = path.join(sharedDir(), 'fixtures', 'trivy');
export const ZAP_DIR = path.join(sharedDir(), 'fixtures', 'zap');

export function fixtureFiles(dir: string, ext = '.json'): string[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .sort();
  if (files.length === 0) throw new Error(`no ${ext} fixtures in ${dir}`);
  return files;
}

export function fixtureText(dir: string, file: string): string {
  return readFileSync(path.join(dir, file), 'utf8');
}

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
