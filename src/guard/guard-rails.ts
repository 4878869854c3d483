// Whether the rollout guard may revert a merged fix (DESIGN.md §8). Pure: every fact comes in, one
// decision goes out, and a refusal names the rail and says what a person can do instead.
import { LABELS, REVERT_BRANCH_PREFIX } from '../propose/naming.js';
import type { MergedPull } from './merged-pull.js';
import type { RolloutEvent } from './rollout-event.js';

export const RAILS = ['settling', 'revert-of-revert', 'too-old', 'held', 'no-known-good'] as const;
export type Rail = (typeof RAILS)[number];

export type RailDecision =
  | { revert: true; knownGood: string }
  | { revert: false; rail: Rail; reason: string };

export interface RailFacts {
  pull: Pick<MergedPull, 'number' | 'branch' | 'labels' | 'meta' | 'mergeSha'>;
  event: RolloutEvent;
  now: Date;
  maxFailureAgeMs: number;
  /** An open hold record covers the Application or workload (besides the PR's own label). */
  held: boolean;
}

/** Operation phases of a sync still under way: its outcome is not known yet. */
const UNSETTLED = new Set(['Running', 'Terminating']);

export function isRevertPull(pull: Pick<MergedPull, 'branch' | 'meta'>): boolean {
  return pull.branch.startsWith(REVERT_BRANCH_PREFIX) || pull.meta?.revertOf !== undefined;
}

export function checkRails(facts: RailFacts): RailDecision {
  const { pull, event } = facts;
  if (event.operationPhase && UNSETTLED.has(event.operationPhase))
    return {
      revert: false,
      rail: 'settling',
      reason: `a sync is still ${event.operationPhase.toLowerCase()}; AEGIS decides once it settles`,
    };
  if (isRevertPull(pull))
    return {
      revert: false,
      rail: 'revert-of-revert',
      reason:
        'this PR is itself a revert, and AEGIS never reverts a revert; a person must decide what runs now',
    };
  const failedAt = event.finishedAt ? Date.parse(event.finishedAt) : facts.now.getTime();
  const ageMs = facts.now.getTime() - (Number.isNaN(failedAt) ? facts.now.getTime() : failedAt);
  if (ageMs > facts.maxFailureAgeMs)
    return {
      revert: false,
      rail: 'too-old',
      reason: `the sync finished ${Math.round(ageMs / 60_000)} minutes ago (limit ${Math.round(facts.maxFailureAgeMs / 60_000)}, rollout.maxFailureAgeMinutes), so the failure may have another cause; revert by hand with \`/aegis revert\` if it is this change`,
    };
  if (pull.labels.includes(LABELS.hold) || facts.held)
    return {
      revert: false,
      rail: 'held',
      reason: `remediation is on hold (${LABELS.hold}); clear it with \`/aegis unhold\` or revert by hand with \`/aegis revert\``,
    };
  const knownGood = knownGoodRevision(event.history, pull.mergeSha);
  if (!knownGood)
    return {
      revert: false,
      rail: 'no-known-good',
      reason: `the Application's history has no revision deployed before ${pull.mergeSha.slice(0, 12)}, so a revert would not return to anything known to run`,
    };
  return { revert: true, knownGood };
}

/**
 * The newest revision Argo CD deployed before the merge SHA (its history is oldest first and lists
 * successful syncs only). A failed sync of the merge SHA never enters the history: then the newest
 * entry that is another revision counts.
 */
export function knownGoodRevision(history: readonly string[], mergeSha: string): string | undefined {
  const first = history.indexOf(mergeSha);
  const before = first < 0 ? history : history.slice(0, first);
  return [...before].reverse().find((revision) => revision !== mergeSha);
}
