// The Action runs from the committed bundle, not from src/: rebuilt from the current sources into
// a temp folder, it must be byte-identical to action/dist/index.js, or the commit forgot
// `npm run build:action` (STYLE.md §12).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/paths.js';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('action/dist', () => {
  it('is what `npm run build:action` builds from the current sources', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aegis-bundle-'));
    dirs.push(dir);
    const outfile = path.join(dir, 'index.js');
    await run(process.execPath, [path.join(PROJECT_ROOT, 'action/build.mjs'), '--outfile', outfile], {
      cwd: PROJECT_ROOT,
    });
    const [built, committed] = await Promise.all([
      readFile(outfile),
      readFile(path.join(PROJECT_ROOT, 'action/dist/index.js')),
    ]);
    // Not toEqual on 3 MB: a short message that says what to do.
    expect(
      built.equals(committed),
      'action/dist/index.js is stale: run `npm run build:action` and commit action/dist',
    ).toBe(true);
    expect(await readFile(path.join(dir, 'package.json'), 'utf8')).toBe(
      await readFile(path.join(PROJECT_ROOT, 'action/dist/package.json'), 'utf8'),
    );
  });
});
