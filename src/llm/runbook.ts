// Runbook memory: what AEGIS did for similar incidents before and how it went (DESIGN.md §1:
// a fix verified in production is the memory). The interface is what the LLM path needs; the
// file-backed store (JSON lines, append-only) serves the CLI, tests and a single-replica server.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { Category } from '../core/types.js';
import { scrub } from './prompt-text.js';

export const PastIncident = z.object({
  category: Category,
  /** `namespace/name` or a bare name. */
  workload: z.string(),
  alertname: z.string(),
  summary: z.string(),
  /** What was changed, in words ("memory limit 512Mi → 768Mi"), or "none". */
  fix: z.string(),
  /** How it went: verified-in-prod, reverted, closed-unmerged, open, ... */
  outcome: z.string(),
  namespace: z.string().optional(),
  /** ISO time it was recorded. */
  at: z.string().optional(),
});
export type PastIncident = z.infer<typeof PastIncident>;

export interface RunbookQuery {
  alertname: string;
  category?: Category;
  namespace?: string;
  workload?: string;
}

export interface RunbookMemory {
  /** Up to `limit` past incidents most like `query`, best first. */
  similar(query: RunbookQuery, limit: number): Promise<PastIncident[]>;
}

export interface FileRunbook extends RunbookMemory {
  record(incident: PastIncident): Promise<void>;
  readonly path: string;
}

/** A store in one JSON-lines file; a missing file is an empty memory, a malformed line is skipped. */
export function createFileRunbook(file: string): FileRunbook {
  return {
    path: file,
    async similar(query, limit) {
      const entries = await readEntries(file);
      return rank(entries, query, limit);
    },
    async record(incident) {
      const entry = PastIncident.parse({
        ...incident,
        summary: scrub(incident.summary),
        fix: scrub(incident.fix),
        at: incident.at ?? new Date().toISOString(),
      });
      await mkdir(path.dirname(file), { recursive: true });
      // One write per line with O_APPEND: concurrent writers do not interleave within a line.
      await appendFile(file, `${JSON.stringify(entry)}\n`, 'utf8');
    },
  };
}

async function readEntries(file: string): Promise<PastIncident[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: PastIncident[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = PastIncident.safeParse(raw);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

const bareName = (workload: string) => workload.split('/').pop() ?? workload;

/**
 * Scores: same workload 4, same category 3, same alert 2, same namespace 1; a verified fix
 * counts one more than a reverted one. Ties go to the newest. An entry must share the alert or
 * the category to count at all.
 */
export function rank(entries: readonly PastIncident[], query: RunbookQuery, limit: number): PastIncident[] {
  const scored = entries
    .map((entry, index) => {
      const sameAlert = entry.alertname === query.alertname;
      const sameCategory =
        query.category !== undefined && query.category !== 'unknown' && entry.category === query.category;
      if (!sameAlert && !sameCategory) return undefined;
      const sameWorkload =
        query.workload !== undefined && bareName(entry.workload) === bareName(query.workload);
      const namespace =
        entry.namespace ?? (entry.workload.includes('/') ? entry.workload.split('/')[0] : undefined);
      let score = (sameWorkload ? 4 : 0) + (sameCategory ? 3 : 0) + (sameAlert ? 2 : 0);
      if (query.namespace !== undefined && namespace === query.namespace) score += 1;
      if (/verified/i.test(entry.outcome)) score += 0.5;
      if (/revert|fail/i.test(entry.outcome)) score -= 0.5;
      return { entry, index, score };
    })
    .filter((s): s is { entry: PastIncident; index: number; score: number } => s !== undefined);
  scored.sort((a, b) => b.score - a.score || b.index - a.index);
  return scored.slice(0, Math.max(0, limit)).map((s) => s.entry);
}
