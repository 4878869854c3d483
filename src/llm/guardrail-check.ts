// A PlanCheck made of the same guardrails remediate() applies to rule plans: checkPlan (policy,
// bounds, known images and ports), then the operations as field changes and checkChanges (only
// this incident's objects, never a forbidden field). For callers that do not bind their own.
import type { RepoConfig } from '../config/repo-config.js';
import type { Evidence, Incident } from '../core/types.js';
import { checkChanges, checkPlan } from '../plan/guardrails.js';
import { operationsToChanges } from '../plan/operation-changes.js';
import type { PlanCheck } from './types.js';

export interface GuardrailContext {
  incident: Incident;
  evidence: Evidence;
  config: RepoConfig;
  /** Images the workload ran before according to the GitOps repo's history. */
  historyImages?: readonly string[];
}

export function guardrailCheck(context: GuardrailContext): PlanCheck {
  return (plan) => {
    const verdict = checkPlan({ plan, ...context });
    if (!verdict.ok || plan.action === 'none') return verdict;
    const workload = context.evidence.workload;
    if (!workload) return { ok: false, reason: 'no workload was resolved' };
    const namespace = context.incident.namespace ?? context.evidence.namespace;
    const target = { kind: workload.kind, name: workload.name, ...(namespace ? { namespace } : {}) };
    const converted = operationsToChanges(plan.operations, {
      workload: { ...target, object: workload.object },
      evidence: context.evidence,
    });
    if ('error' in converted)
      return { ok: false, reason: `cannot be expressed as a manifest change: ${converted.error}` };
    const allowed = [
      target,
      ...(context.evidence.hpa?.metadata?.name
        ? [{ kind: 'HorizontalPodAutoscaler', name: context.evidence.hpa.metadata.name }]
        : []),
      ...context.evidence.pvcs.map((p) => ({ kind: 'PersistentVolumeClaim', name: p.metadata?.name ?? '' })),
      ...context.evidence.services.map((s) => ({ kind: 'Service', name: s.metadata?.name ?? '' })),
    ];
    return checkChanges(converted.changes, allowed);
  };
}
