// The demo's output folder: the cluster snapshot, the alert, the local forge (the PR as Markdown
// and JSON), the verification report, the timeline. It outlives the demo; the repositories do not.
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../core/errors.js';

/** A new folder under the OS temp folder, or `outDir` (created, and it must be empty). */
export async function prepareOutDir(outDir: string | undefined): Promise<string> {
  if (!outDir) return mkdtemp(path.join(os.tmpdir(), 'aegis-demo-'));
  const dir = path.resolve(outDir);
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0)
    throw new UserError(`--out ${outDir} is not empty`, 'choose a new or empty folder for the demo output');
  return dir;
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

export async function writeText(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}
