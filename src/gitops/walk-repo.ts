// Lists the YAML files of a checkout. Helm chart templates are Go templates, not YAML, so a chart's
// templates/ and charts/ folders are left out; .git, node_modules and symlinks are never followed.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../core/errors.js';

export interface RepoListing {
  /** Repo-relative YAML files, `/`-separated, sorted. */
  yamlFiles: string[];
  /** Repo-relative directories that hold a Chart.yaml. */
  chartDirs: string[];
  /** Directories that could not be listed. */
  unreadable: { file: string; reason: string }[];
}

const IGNORED_DIRS = new Set(['.git', 'node_modules']);
const CHART_SKIP = new Set(['templates', 'charts']);

export function isYamlFile(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

export async function walkRepo(root: string): Promise<RepoListing> {
  const yamlFiles: string[] = [];
  const chartDirs: string[] = [];
  const unreadable: RepoListing['unreadable'] = [];
  try {
    await readdir(root);
  } catch (error: unknown) {
    throw new UserError(
      `cannot read the GitOps repository at ${root}`,
      error instanceof Error ? error.message : String(error),
    );
  }
  let level: string[] = [''];
  // Breadth-first, one readdir batch per level: fast on wide trees without unbounded concurrency.
  while (level.length > 0) {
    const next: string[] = [];
    const listings = await Promise.all(
      level.map(async (dir) => {
        try {
          return { dir, entries: await readdir(path.join(root, dir), { withFileTypes: true }) };
        } catch (error: unknown) {
          // One unreadable folder must not hide the rest of the repository.
          unreadable.push({ file: dir, reason: error instanceof Error ? error.message : String(error) });
          return { dir, entries: [] as Dirent[] };
        }
      }),
    );
    for (const { dir, entries } of listings) {
      const isChart = entries.some((e) => e.isFile() && e.name === 'Chart.yaml');
      if (isChart) chartDirs.push(dir);
      for (const entry of entries) {
        const rel = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (IGNORED_DIRS.has(entry.name) || (isChart && CHART_SKIP.has(entry.name))) continue;
          next.push(rel);
        } else if (entry.isFile() && isYamlFile(entry.name)) {
          yamlFiles.push(rel);
        }
      }
    }
    level = next;
  }
  yamlFiles.sort();
  chartDirs.sort();
  return { yamlFiles, chartDirs, unreadable };
}
