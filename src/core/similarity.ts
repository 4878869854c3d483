// Closest-name matching for "did you mean" decisions (misspelled ConfigMap names, storage classes,
// ChatOps verbs). A match must be close and unique, or there is no match.
import { distance } from 'fastest-levenshtein';

/** Edits allowed for a name of this length: typos, not different names. */
export function maxTypoDistance(name: string): number {
  return Math.max(1, Math.min(3, Math.floor(name.length / 5)));
}

/**
 * The single candidate within typo distance of `name`, or undefined when none is close or two
 * are equally close (ambiguity means no confident fix).
 */
export function uniqueClosest(name: string, candidates: readonly string[]): string | undefined {
  const limit = maxTypoDistance(name);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let tie = false;
  for (const candidate of new Set(candidates)) {
    if (candidate === name) continue;
    const d = distance(name, candidate);
    if (d > limit) continue;
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) {
      tie = true;
    }
  }
  return tie ? undefined : best;
}
