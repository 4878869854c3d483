// ProgressDeadlineExceeded with no more specific cause: roll the image back to the previous
// revision when the new revision changed it.
import { type Analyzer, noneFinding, patchFinding } from './context.js';
import { failureLines, focusContainer } from './evidence-queries.js';
import { findRollback } from './rollback.js';

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

export const rolloutStuck: Analyzer = {
  category: 'rollout-stuck',
  analyze(context) {
    const { evidence, incident } = context;
    // Without the workload object there is no rollout to judge; the alert name alone is not evidence.
    if (!evidence.workload) return undefined;
    const status = evidence.workload.object.status as { conditions?: Condition[] } | undefined;
    const stuck = status?.conditions?.find(
      (c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded',
    );
    if (!stuck && !/RolloutStuck|ReplicasMismatch|GenerationMismatch/.test(incident.alertname))
      return undefined;
    const container = focusContainer(context);
    const refs = stuck
      ? [
          `${evidence.workload?.kind} ${evidence.workload?.name}: Progressing=False (${stuck.message ?? stuck.reason})`,
        ]
      : [];
    const rollback = container ? findRollback(context, container) : undefined;
    if (rollback) {
      return patchFinding(
        'rollout-stuck',
        {
          summary: `The rollout of ${rollback.currentLabel} (${rollback.from}) has stalled; ${rollback.stability}. Rolling back to ${rollback.to}.`,
          rootCause: `Pods of ${rollback.currentLabel} never become available.`,
          confidence: 0.7,
          evidenceRefs: [...refs, `${rollback.previousLabel}: ${rollback.to}`],
          hypotheses: failureLines(evidence, container).map((l) => `Log: ${l}`),
        },
        [rollback.operation],
        `Roll ${container} back to ${rollback.to} so the Deployment converges again.`,
      );
    }
    return noneFinding(
      'rollout-stuck',
      {
        summary:
          'The rollout has stalled and the new revision did not change the image; the cause is elsewhere in the pod template or the cluster.',
        rootCause: stuck?.message ?? 'The Deployment does not reach its desired replicas.',
        confidence: 0.4,
        evidenceRefs: refs,
        hypotheses: [
          'Compare the last two revisions of the pod template (git log of the manifest).',
          'Check quota, PodDisruptionBudgets and admission webhooks.',
        ],
      },
      'No image change to roll back; a human must review the last change to the pod template.',
    );
  },
};
