// The field-level guardrail behind every edit, whatever produced the plan: only editable kinds,
// only this incident's objects, and never a security- or identity-relevant field.
import type { ObjectChange } from '../gitops/types.js';
import { deny, OK, type Verdict } from './verdict.js';

/** Fields no AEGIS change may touch, at any depth of any object. */
const FORBIDDEN_FIELDS = new Set([
  'securityContext',
  'privileged',
  'allowPrivilegeEscalation',
  'capabilities',
  'hostNetwork',
  'hostPID',
  'hostIPC',
  'hostPath',
  'hostPort',
  'hostAliases',
  'hostUsers',
  'serviceAccount',
  'serviceAccountName',
  'automountServiceAccountToken',
  'imagePullSecrets',
  'runAsUser',
  'runAsGroup',
  'runAsNonRoot',
  'procMount',
  'seccompProfile',
  'appArmorProfile',
]);

/** Kinds AEGIS may edit; everything else (Secrets, RBAC, webhooks, CRDs, Namespaces) is off limits. */
const EDITABLE_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'HorizontalPodAutoscaler',
  'PersistentVolumeClaim',
  'Service',
]);

/**
 * The field-level check behind every edit: only editable kinds, only this incident's objects,
 * and never a forbidden field, whatever the plan says.
 */
export function checkChanges(
  changes: readonly ObjectChange[],
  allowed: readonly { kind: string; name: string }[],
): Verdict {
  for (const change of changes) {
    const { kind, name } = change.target;
    if (!EDITABLE_KINDS.has(kind)) return deny(`AEGIS never edits ${kind} objects`);
    if (!allowed.some((a) => a.kind === kind && a.name === name))
      return deny(`${kind} ${name} is not part of this incident's workload`);
    const field = change.path.find((seg) => typeof seg === 'string' && FORBIDDEN_FIELDS.has(seg));
    if (field) return deny(`AEGIS never changes ${String(field)}`);
  }
  return OK;
}
