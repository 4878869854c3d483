// Findings of k8sgpt (k8sgpt-operator `Result` objects, core.k8sgpt.ai/v1alpha1) about the
// workload, its ReplicaSets/Jobs or its pods. A Result names its subject in spec.kind and
// spec.name (`<namespace>/<name>`) and the top owner in spec.parentObject (`Deployment/web`).
// The operator keeps Results in its own namespace, so they are listed across namespaces. Only the
// error texts are kept, redacted and bounded; `sensitive` (unmasked values) is never read.
import type { KubeObject } from '../core/k8s.js';
import type { Evidence } from '../core/types.js';
import { redact } from './redact.js';

const MAX_FINDINGS = 20;
const MAX_ERRORS = 10;
const MAX_TEXT = 1000;

export interface FindingSubject {
  namespace?: string;
  workload?: { kind: string; name: string };
  /** ReplicaSets (Deployment) or Jobs (CronJob) between the workload and its pods. */
  owners: { kind: string; name: string }[];
  pods: string[];
}

interface ResultSpec {
  kind?: unknown;
  name?: unknown;
  parentObject?: unknown;
  error?: unknown;
}

export function k8sgptFindings(
  results: readonly KubeObject[],
  subject: FindingSubject,
): Evidence['externalFindings'] {
  const wanted = new Set([
    ...(subject.workload ? [`${subject.workload.kind}/${subject.workload.name}`] : []),
    ...subject.owners.map((o) => `${o.kind}/${o.name}`),
    ...subject.pods.map((p) => `Pod/${p}`),
  ]);
  const parent = subject.workload ? `${subject.workload.kind}/${subject.workload.name}` : undefined;
  const findings: Evidence['externalFindings'] = [];
  const seen = new Set<string>();
  for (const result of results) {
    const spec = (result.spec ?? {}) as ResultSpec;
    if (typeof spec.kind !== 'string' || typeof spec.name !== 'string') continue;
    const [namespace, name] = spec.name.includes('/') ? spec.name.split('/', 2) : [undefined, spec.name];
    if (!name || (namespace && subject.namespace && namespace !== subject.namespace)) continue;
    const matches =
      wanted.has(`${spec.kind}/${name}`) || (parent !== undefined && spec.parentObject === parent);
    const key = `${spec.kind}/${name}`;
    if (!matches || seen.has(key)) continue;
    seen.add(key);
    findings.push({ source: 'k8sgpt', kind: spec.kind, name, errors: errorTexts(spec.error) });
    if (findings.length >= MAX_FINDINGS) break;
  }
  return findings;
}

function errorTexts(errors: unknown): string[] {
  if (!Array.isArray(errors)) return [];
  return errors
    .map((e) => (typeof e === 'object' && e !== null ? (e as { text?: unknown }).text : undefined))
    .filter((t): t is string => typeof t === 'string' && t.trim() !== '')
    .slice(0, MAX_ERRORS)
    .map((t) => {
      const text = redact(t);
      return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
    });
}
