// The machine state a PR or incident issue carries in its body (DESIGN.md §1 "GitHub is the
// database"): one hidden `<!-- aegis:meta {json} -->` line that any replica can read back.
import { z } from 'zod';
import { Category } from '../core/types.js';

export const PHASES = [
  'detected',
  'proposed',
  'verifying',
  'verified',
  'failed',
  'merged',
  'resolved',
  'reverted',
] as const;
export const Phase = z.enum(PHASES);
export type Phase = z.infer<typeof Phase>;

export const META_VERSION = 1;

export const PrMeta = z.object({
  version: z.number().int().positive(),
  fingerprint: z.string().min(1),
  alertname: z.string(),
  category: Category,
  namespace: z.string().optional(),
  workload: z.object({ kind: z.string(), name: z.string() }).optional(),
  /** The workload, node or cluster the incident is about. */
  subject: z.string(),
  branch: z.string().optional(),
  files: z.array(z.string()),
  phase: Phase,
  /** On a revert PR of the rollout guard: the number of the PR it undoes (never reverted itself). */
  revertOf: z.number().int().positive().optional(),
});
export type PrMeta = z.infer<typeof PrMeta>;

const META_PATTERN = /<!-- aegis:meta ([\s\S]*?) -->/;

/** The hidden block; `<`, `>` and `--` are escaped so the JSON can never close the comment early. */
export function renderPrMeta(meta: PrMeta): string {
  const json = JSON.stringify(meta)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/--/g, '-\\u002d');
  return `<!-- aegis:meta ${json} -->`;
}

/** Reads the block back; undefined when absent or not AEGIS's (a body a human rewrote). */
export function parsePrMeta(body: string | null | undefined): PrMeta | undefined {
  const match = META_PATTERN.exec(body ?? '');
  if (!match) return undefined;
  try {
    const parsed = PrMeta.safeParse(JSON.parse(match[1] ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
