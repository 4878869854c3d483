// "Roll back to the image this workload ran before": shared by the crash-loop, image-pull,
// rollout-stuck and OOM analyzers so that they agree on what "before" and "stable" mean.
// The ReplicaSet history is the primary source; the GitOps repo's git history of the image line
// is the fallback when the cluster kept no older revision (revisionHistoryLimit, StatefulSets).
import type { Operation } from '../core/types.js';
import type { AnalyzerContext } from './context.js';
import { currentRevision, hoursBetween, previousImageRevision } from './evidence-queries.js';

export interface Rollback {
  operation: Operation;
  from: string;
  to: string;
  /** "revision 9" or "the current image". */
  currentLabel: string;
  /** "revision 8" or "git history". */
  previousLabel: string;
  /** Why the previous image is trusted, in words for the PR. */
  stability: string;
  source: 'revisions' | 'git';
}

/** A previous revision counts as stable when it still serves, or it ran for at least an hour. */
const MIN_STABLE_HOURS = 1;

export function findRollback(context: AnalyzerContext, container: string): Rollback | undefined {
  return fromRevisions(context, container) ?? fromGit(context, container);
}

function fromRevisions(context: AnalyzerContext, container: string): Rollback | undefined {
  const current = currentRevision(context.evidence);
  const previous = previousImageRevision(context.evidence, container);
  const from = current?.images[container];
  const to = previous?.images[container];
  if (!current || !previous || !from || !to) return undefined;
  const ranFor = hoursBetween(previous.createdAt, current.createdAt);
  let stability: string;
  if (previous.readyReplicas > 0) {
    stability = `revision ${previous.revision} (${to}) still serves with ${previous.readyReplicas} ready pod(s)`;
  } else if (ranFor !== undefined && ranFor >= MIN_STABLE_HOURS) {
    stability = `revision ${previous.revision} (${to}) ran for ${formatDuration(ranFor)} before revision ${current.revision} replaced it`;
  } else {
    return undefined;
  }
  return {
    operation: { type: 'set-image', container, image: to },
    from,
    to,
    currentLabel: `revision ${current.revision}`,
    previousLabel: `revision ${previous.revision}`,
    stability,
    source: 'revisions',
  };
}

function fromGit(context: AnalyzerContext, container: string): Rollback | undefined {
  const from = currentRevision(context.evidence)?.images[container];
  const to = context.gitImages?.[container]?.find((image) => image !== from);
  if (!from || !to) return undefined;
  return {
    operation: { type: 'set-image', container, image: to },
    from,
    to,
    currentLabel: 'the current revision',
    previousLabel: 'git history',
    stability: `the GitOps repository deployed ${to} before the commit that set ${from}`,
    source: 'git',
  };
}

/** Did the failure start soon after the current revision rolled out? */
export function startedWithRelease(context: AnalyzerContext, withinHours = 48): boolean {
  const current = currentRevision(context.evidence);
  const age = hoursBetween(current?.createdAt, context.incident.startsAt);
  return age !== undefined && age >= 0 && age <= withinHours;
}

export function formatDuration(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} days`;
}
