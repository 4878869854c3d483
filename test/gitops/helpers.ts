// Shared helpers for the gitops tests: fixture copies in temp dirs, `git apply --check`, readers.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createGit } from '../../src/git/create-git.js';
import { getJs } from '../../src/gitops/js-path.js';
import type { GitopsProposal, PathSeg } from '../../src/gitops/types.js';

export const FIXTURES = path.resolve('test/fixtures/gitops');
export const SCENARIOS = '/work/shared/scenarios';

export const podPath: PathSeg[] = ['spec', 'template', 'spec'];
export const container = (name: string): PathSeg[] => [...podPath, 'containers', { match: { name } }];

/** A fresh copy of a fixture (or any directory) that tests may modify. */
export async function copyTree(src: string): Promise<string> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'aegis-gitops-test-'));
  const dest = path.join(tmp, 'repo');
  await cp(src, dest, { recursive: true });
  return dest;
}

export async function removeTree(dir: string): Promise<void> {
  await rm(path.dirname(dir), { recursive: true, force: true });
}

/** Runs `git apply --check` (and optionally applies) the diff in `dir`. Throws when git refuses. */
export async function gitApply(dir: string, diff: string, check = true): Promise<void> {
  const patch = path.join(path.dirname(dir), `p-${Date.now()}-${Math.random().toString(36).slice(2)}.diff`);
  await writeFile(patch, diff);
  try {
    await createGit(dir).raw(['apply', ...(check ? ['--check'] : []), patch]);
  } finally {
    await rm(patch, { force: true });
  }
}

export async function readValue(
  dir: string,
  file: string,
  select: { kind?: string; name?: string } | number,
  p: PathSeg[],
): Promise<unknown> {
  const docs = parseAllDocuments(await readFile(path.join(dir, file), 'utf8')).map(
    (d) => d.toJS() as unknown,
  );
  const doc =
    typeof select === 'number'
      ? docs[select]
      : docs.find(
          (d) =>
            getJs(d, ['kind']) === (select.kind ?? getJs(d, ['kind'])) &&
            getJs(d, ['metadata', 'name']) === select.name,
        );
  return getJs(doc, p);
}

/** Lines removed + added by a proposal, per file (the scenarios' max_changed_lines metric). */
export function changedLines(p: GitopsProposal): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of p.edits) {
    const a = e.before.split('\n');
    const b = e.after.split('\n');
    let start = 0;
    while (start < a.length && start < b.length && a[start] === b[start]) start++;
    let endA = a.length;
    let endB = b.length;
    while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
      endA--;
      endB--;
    }
    out[e.file] = endA - start + (endB - start);
  }
  return out;
}

export function proposalOk<T>(value: T | { error: string }): T {
  if (typeof value === 'object' && value !== null && 'error' in value && typeof value.error === 'string') {
    throw new Error(`unexpected error: ${value.error}`);
  }
  return value as T;
}
