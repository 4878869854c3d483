// Where the shared contract material lives: `../shared` beside the checkout (as CI lays it out),
// or AEGIS_SHARED_DIR. Tests fail loudly when it is missing rather than passing vacuously.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function sharedDir(): string {
  const dir = process.env.AEGIS_SHARED_DIR ?? path.resolve(PROJECT_ROOT, '../shared');
  if (!existsSync(path.join(dir, 'scenarios'))) {
    throw new Error(
      `shared contract folder not found at ${dir}; check out ../shared beside the project or set AEGIS_SHARED_DIR`,
    );
  }
  return dir;
}

export const CLI = path.join(PROJECT_ROOT, 'bin', 'aegis.js');
