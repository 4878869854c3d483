// Reads and parses checkout files for one proposal. A per-call cache (not module state): every
// resolver sees the same bytes, and the editor later starts from exactly those bytes.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseFull } from './load-yaml.js';

export interface RepoFiles {
  root: string;
  text(file: string): Promise<string | undefined>;
  /** Parsed documents, or an error line when the file is missing or does not parse. */
  docs(file: string): Promise<unknown[] | { error: string }>;
}

export function repoFiles(root: string): RepoFiles {
  const texts = new Map<string, Promise<string | undefined>>();
  const text = (file: string) => {
    let cached = texts.get(file);
    if (!cached) {
      cached = readFile(path.join(root, file), 'utf8').catch(() => undefined);
      texts.set(file, cached);
    }
    return cached;
  };
  const docs = async (file: string): Promise<unknown[] | { error: string }> => {
    const t = await text(file);
    if (t === undefined) return { error: `${file} cannot be read` };
    const parsed = parseFull(t);
    return 'error' in parsed ? { error: `${file} does not parse: ${parsed.error}` } : parsed.docs;
  };
  return { root, text, docs };
}
