// The upstream Trivy and ZAP reports of ../shared/fixtures (SOURCES.md), and fake scanner
// executables that print them (written with test/support/fake-bin.ts), so the real runners
// execute real processes in tests.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
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
