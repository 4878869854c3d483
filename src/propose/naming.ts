// DESIGN.md §6 conventions: the deterministic branch (the idempotency key), the PR title, labels
// and the single commit's message. Everything here is a pure function of the diagnosis.
import type { Operation } from '../core/types.js';
import { redact } from '../evidence/redact.js';
import type { DiagnoseResult, EditsSubject } from '../pipeline/diagnose.js';

export const LABELS = {
  aegis: 'aegis',
  category: (category: string) => `aegis/${category}`,
  verifyPending: 'aegis/verify:pending',
  verifyRunning: 'aegis/verify:running',
  verifyPassed: 'aegis/verify:passed',
  verifyFailed: 'aegis/verify:failed',
  /** Set by the verify Action: nothing could be compared (never a pass). */
  verifyInconclusive: 'aegis/verify:inconclusive',
  /** Set by the verify Action: the sandbox failed, timed out or the Action crashed (never a pass). */
  verifyError: 'aegis/verify:error',
  hold: 'aegis/hold',
  noFix: 'aegis/no-fix',
  verifiedInProd: 'aegis/verified-in-prod',
  reverted: 'aegis/reverted',
  /** A revert PR opened by the rollout guard. */
  revert: 'aegis/revert',
} as const;

/** Branches of revert PRs: `aegis/revert/<pr>-<sha8>` (DESIGN.md §8). */
export const REVERT_BRANCH_PREFIX = 'aegis/revert/';

export function revertBranch(prNumber: number, mergeSha: string): string {
  return `${REVERT_BRANCH_PREFIX}${prNumber}-${mergeSha.slice(0, 8)}`;
}

const TITLE_MAX = 72;

type Subject = Pick<DiagnoseResult, 'incident' | 'diagnosis'>;

/** The workload (or node, or cluster) an incident is about, for names and titles. */
export function subjectName({ incident }: Pick<DiagnoseResult, 'incident'>): string {
  if (incident.workload) return incident.workload.name;
  const target = incident.targets.find((t) => t.kind !== 'Pod') ?? incident.targets[0];
  return target?.name ?? 'cluster';
}

/** `aegis/<namespace>/<workload>/<category>-<fp8>`, each part a valid ref component. */
export function branchName(result: Subject): string {
  const parts = [
    result.incident.namespace ?? 'cluster',
    subjectName(result),
    `${result.diagnosis.category}-${result.incident.fingerprint.slice(0, 8)}`,
  ];
  return `aegis/${parts.map(refComponent).join('/')}`;
}

/** One path component of a git ref (git check-ref-format): no `..`, no leading `.`, no `.lock`. */
export function refComponent(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .replace(/\.lock$/, '-lock')
    .slice(0, 63)
    .replace(/[.-]+$/, '');
  return cleaned || 'x';
}

export function prLabels(result: Subject): string[] {
  return [LABELS.aegis, LABELS.category(result.diagnosis.category), LABELS.verifyPending];
}

export function issueLabels(result: Subject): string[] {
  return [LABELS.aegis, LABELS.category(result.diagnosis.category), LABELS.noFix];
}

/** `fix(<workload>): <what changes> [aegis]`, at most 72 characters before the tag. */
export function prTitle(result: Pick<EditsSubject, 'incident' | 'remediation'>): string {
  const what = result.remediation.operations.map(describeOperation).join(', ') || 'apply the proposed change';
  const head = `fix(${subjectName(result)}): `;
  const room = TITLE_MAX - head.length;
  return redact(`${head}${what.length > room ? `${what.slice(0, room - 1).trimEnd()}…` : what} [aegis]`);
}

export function issueTitle(result: Subject): string {
  return redact(
    `${result.incident.alertname} on ${result.incident.namespace ?? 'cluster'}/${subjectName(result)}: ${result.diagnosis.category}, no confident fix [aegis]`,
  );
}

/** Conventional commit: the title (without the tag) and a body naming the incident. */
export function commitMessage(result: EditsSubject): string {
  const subject = prTitle(result).replace(/ \[aegis\]$/, '');
  const lines = [
    subject,
    '',
    result.diagnosis.summary,
    '',
    `Aegis-Incident: ${result.incident.fingerprint}`,
    `Aegis-Alert: ${result.incident.alertname}`,
    `Aegis-Category: ${result.diagnosis.category}`,
    '',
  ];
  return redact(lines.join('\n'));
}

export function describeOperation(op: Operation): string {
  switch (op.type) {
    case 'set-resources': {
      const parts: string[] = [];
      for (const kind of ['limits', 'requests'] as const) {
        for (const resource of ['memory', 'cpu'] as const) {
          const value = op[kind]?.[resource];
          const noun = `${resource} ${kind === 'limits' ? 'limit' : 'request'}`;
          if (value === null) parts.push(`drop ${noun}`);
          else if (value !== undefined) parts.push(`${noun} ${value}`);
        }
      }
      return `set ${op.container} ${parts.join(', ')}`;
    }
    case 'set-image':
      return `set ${op.container} image ${op.image.split('/').pop()}`;
    case 'revert-commit':
      return `revert ${op.commit.slice(0, 7)}`;
    case 'set-replicas':
      return `set replicas to ${op.replicas}`;
    case 'set-hpa':
      return `set ${op.hpa} ${[op.minReplicas !== undefined ? `minReplicas ${op.minReplicas}` : '', op.maxReplicas !== undefined ? `maxReplicas ${op.maxReplicas}` : ''].filter(Boolean).join(', ')}`;
    case 'set-probe':
      return `fix ${op.container} ${op.probe}`;
    case 'set-env':
      return `set ${op.container} env ${op.name}`;
    case 'fix-reference':
      return `point ${op.ref} ${op.from} to ${op.to}`;
    case 'set-storage-class':
      return `set ${op.claim} storage class ${op.storageClassName}`;
    case 'restart':
      return 'restart pods';
  }
}
