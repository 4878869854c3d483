// The rollout guard's state for one merged PR, kept in GitHub (DESIGN.md §1 "GitHub is the
// database"): one marker comment on the PR, edited in place, whose visible part is the step log
// people read and whose hidden `<!-- aegis:rollout-state {json} -->` line any replica reads back.
import { z } from 'zod';
import { TRIGGERS } from './rollout-event.js';

export const ROLLOUT_MARKER = 'aegis:rollout';

export const ROLLOUT_STATUSES = [
  /** Merged; no Argo CD event for the merge SHA yet. */
  'watching',
  /** Synced and healthy; verified when the watch window ends healthy. */
  'deployed',
  /** A failure arrived while a sync was still running: decided on the next settled event. */
  'settling',
  'verified',
  /** Healthy through the window, but the alert never resolved. */
  'not-verified',
  /** A revert PR is open (or merged). */
  'reverted',
  /** A failure that a guard rail kept AEGIS from reverting: a human decides. */
  'refused',
] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];

const Step = z.object({
  /** Deduplicates: one step per key, so Argo CD's retries add nothing. */
  key: z.string(),
  at: z.string(),
  text: z.string(),
});
export type Step = z.infer<typeof Step>;

export const RolloutState = z.object({
  version: z.literal(1),
  mergeSha: z.string(),
  base: z.string(),
  status: z.enum(ROLLOUT_STATUSES),
  application: z.string().optional(),
  /** When the on-deployed event arrived; the window runs from here. */
  deployedAt: z.string().optional(),
  /** When the guard looks again (end of the window). */
  verifyAt: z.string().optional(),
  /** Window ends that found the alert still firing. */
  extraWindows: z.number().int().min(0).default(0),
  failure: z.object({ trigger: z.enum(TRIGGERS), at: z.string(), health: z.string().optional() }).optional(),
  revertPr: z.number().int().positive().optional(),
  steps: z.array(Step),
});
export type RolloutState = z.infer<typeof RolloutState>;

const STATE_PATTERN = /<!-- aegis:rollout-state ([\s\S]*?) -->/;

export function initialState(mergeSha: string, base: string): RolloutState {
  return { version: 1, mergeSha, base, status: 'watching', extraWindows: 0, steps: [] };
}

/** The state, or undefined when the comment is missing or was edited beyond recognition. */
export function parseRolloutState(body: string | null | undefined): RolloutState | undefined {
  const match = STATE_PATTERN.exec(body ?? '');
  if (!match) return undefined;
  try {
    const parsed = RolloutState.safeParse(JSON.parse(match[1] ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Adds a step once per key; false when the key was already logged (a duplicate). */
export function addStep(state: RolloutState, key: string, text: string, at: Date): boolean {
  if (state.steps.some((s) => s.key === key)) return false;
  state.steps.push({ key, at: at.toISOString(), text });
  return true;
}

/** The comment body (without the marker line, which the upsert adds). */
export function renderRolloutComment(state: RolloutState): string {
  const json = JSON.stringify(state)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/--/g, '-\\u002d');
  const lines = [
    `### AEGIS rollout guard: ${state.status}`,
    '',
    `Watching \`${state.mergeSha.slice(0, 12)}\` on \`${state.base}\`${state.application ? ` (Argo CD Application \`${state.application}\`)` : ''}.`,
    '',
    ...state.steps.map((s) => `- ${s.at.replace(/\.\d+Z$/, 'Z')}: ${s.text}`),
    '',
    `<!-- aegis:rollout-state ${json} -->`,
  ];
  return lines.join('\n');
}
