// The verdict in machine-readable form, hidden in the one report comment as
// `<!-- aegis:verify-result {json} -->`. With the workflow's default GITHUB_TOKEN the Action cannot
// touch the app's `aegis/verify` check (GitHub lets only the creating app modify it), so the app
// reads this block when the workflow run completes and completes its own check from it.
import { z } from 'zod';
import { Verdict } from './types.js';

export const RESULT_BLOCK_NAME = 'aegis:verify-result';

/** Lenient on extra keys (a newer Action may add some), strict on what the app acts on. */
export const VerifyResult = z.object({
  verdict: Verdict,
  /** The commit that was verified: the app applies the block only to checks on this commit. */
  headSha: z.string().regex(/^[0-9a-f]{40}$/),
  conclusion: z.string().max(40),
  title: z.string().max(1000),
  /** GITHUB_RUN_ID: the app applies the block only to the workflow run that wrote it. */
  runId: z.number().int().positive().optional(),
  runUrl: z.string().max(2000).optional(),
});
export type VerifyResult = z.infer<typeof VerifyResult>;

const BLOCK = new RegExp(`<!-- ${RESULT_BLOCK_NAME} (\\{[^\\n]*?\\}) -->`, 'g');

/**
 * One line. An HTML comment ends at the first `--`, so `-`, `<`, `>` and `&` are written as JSON
 * `\u` escapes; outside strings our JSON has none of them (no negative numbers), so it stays valid.
 */
export function renderResultBlock(result: VerifyResult): string {
  const json = JSON.stringify(result).replace(
    /[-<>&]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `<!-- ${RESULT_BLOCK_NAME} ${json} -->`;
}

/** Every well-formed block in a comment body; malformed ones are skipped, never guessed at. */
export function parseResultBlocks(body: string | null | undefined): VerifyResult[] {
  const results: VerifyResult[] = [];
  for (const match of (body ?? '').matchAll(BLOCK)) {
    let json: unknown;
    try {
      json = JSON.parse(match[1] ?? '');
    } catch {
      continue;
    }
    const parsed = VerifyResult.safeParse(json);
    if (parsed.success) results.push(parsed.data);
  }
  return results;
}

/** The body without its result blocks (for showing the report elsewhere, e.g. the check summary). */
export function withoutResultBlocks(body: string): string {
  return body.replace(BLOCK, '').trimEnd();
}
