// The pull request body (DESIGN.md §6): Summary · Diagnosis · Change table · Rendered diff · Risk
// and blast radius · Verification · Rollout and revert plan · Commands · hidden machine state.
// Everything a person reads passes redact(); the meta block is redacted value by value.
import type { Category } from '../core/types.js';
import { redact, redactObject } from '../evidence/redact.js';
import type { DiagnoseResult } from '../pipeline/diagnose.js';
import { diagnosisSection, summarySection } from './body-sections.js';
import { cell, code, details, fenced, value } from './markdown.js';
import { subjectName } from './naming.js';
import { META_VERSION, type Phase, type PrMeta, renderPrMeta } from './pr-meta.js';

export const VERIFICATION_PENDING = 'pending: the aegis/verify check will fill this in';

export const COMMANDS: readonly [string, string][] = [
  ['/aegis help', 'list the commands'],
  ['/aegis explain', 'explain the diagnosis in plain words'],
  ['/aegis reverify', 'run the aegis/verify check again'],
  ['/aegis revise <text>', 'ask for a different fix, e.g. `/aegis revise raise memory to 2Gi instead`'],
  ['/aegis hold', 'stop updating this PR'],
  ['/aegis unhold', 'resume updating this PR'],
  ['/aegis close', 'close this PR and silence this incident for a while'],
  ['/aegis revert', 'after the merge (maintainers): open a revert PR and hold remediation of this app'],
];

const RISK: Partial<Record<Category, string>> = {
  'oom-killed':
    'Pods get more memory. New pods must fit on a node: check that node allocatable memory leaves room for the rolling update.',
  'cpu-throttling': 'Pods may use more CPU. Neighbours on the same nodes get less headroom under load.',
  'hpa-maxed': 'More replicas at peak. Databases, queues and APIs behind this workload see more load.',
  'image-pull':
    'The workload runs an image it ran before. Changes shipped only in the newer image are undone until a fixed release.',
  'crash-loop':
    'The workload runs an image it ran before. Changes shipped only in the newer image are undone until a fixed release.',
  'rollout-stuck':
    'The workload runs an image it ran before. Changes shipped only in the newer image are undone until a fixed release.',
  'config-reference':
    'Pods read a different ConfigMap or key; check that it holds the values this workload expects.',
  'probe-failure':
    'Changes when Kubernetes restarts pods or sends them traffic; a too lenient probe can hide a real failure.',
  'volume-pending':
    'The claim is provisioned from a different storage class (performance, cost and backup policy may differ).',
  'service-selector': 'The Service sends traffic to a different set of pods.',
};

export interface PrBodyOptions {
  branch?: string;
  phase?: Phase;
}

export function buildPrMeta(result: DiagnoseResult, options: PrBodyOptions): PrMeta {
  const { incident, diagnosis } = result;
  return redactObject({
    version: META_VERSION,
    fingerprint: incident.fingerprint,
    alertname: incident.alertname,
    category: diagnosis.category,
    ...(incident.namespace ? { namespace: incident.namespace } : {}),
    ...(incident.workload
      ? { workload: { kind: incident.workload.kind, name: incident.workload.name } }
      : {}),
    subject: subjectName(result),
    ...(options.branch ? { branch: options.branch } : {}),
    files: result.remediation.files,
    phase: options.phase ?? (result.remediation.action === 'patch' ? 'proposed' : 'detected'),
  });
}

export function renderPrBody(result: DiagnoseResult, options: PrBodyOptions = {}): string {
  const sections = [
    summarySection(result),
    diagnosisSection(result),
    changeSection(result),
    diffSection(result),
    riskSection(result),
    `## Verification\n\n${VERIFICATION_PENDING}`,
    rolloutSection(result),
    commandsSection(),
  ];
  return `${redact(sections.join('\n\n'))}\n\n${renderPrMeta(buildPrMeta(result, options))}\n`;
}

function changeSection({ remediation }: DiagnoseResult): string {
  const rows = remediation.changes.map(
    (c) =>
      `| ${code(c.file)} | ${cell(c.resource)} | ${code(c.field)} | ${code(value(c.from))} → ${code(value(c.to))} |`,
  );
  return [
    '## Change',
    '',
    cell(remediation.reason),
    '',
    '| File | Resource | Field | Old → New |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function diffSection({ remediation }: DiagnoseResult): string {
  const parts = ['## Rendered diff', ''];
  parts.push(
    remediation.renderedDiff
      ? details(
          'Rendered objects (kubectl kustomize / helm template)',
          fenced(remediation.renderedDiff, 'diff'),
        )
      : 'The rendered objects were not compared (no renderer for this source, or rendering was skipped).',
  );
  if (remediation.diff) parts.push('', details('Manifest diff', fenced(remediation.diff, 'diff')));
  return parts.join('\n');
}

function riskSection(result: DiagnoseResult): string {
  const { remediation } = result;
  const resources = [...new Set(remediation.changes.map((c) => c.resource))];
  const lines = [
    '## Risk and blast radius',
    '',
    `- ${RISK[result.diagnosis.category] ?? 'Only the fields in the change table change.'}`,
    `- ${remediation.files.length} file(s), ${remediation.changes.length} field(s) on ${resources.map(code).join(', ') || 'no resource'}; nothing else in the repository changes.`,
    ...remediation.notes.map((n) => `- ${cell(n)}`),
  ];
  return lines.join('\n');
}

function rolloutSection(result: DiagnoseResult): string {
  const who = code(subjectName(result));
  return [
    '## Rollout and revert plan',
    '',
    `1. Merge: Argo CD syncs the change and ${who} rolls out with its own update strategy.`,
    '2. AEGIS watches the health of the merge commit; if it degrades, it opens a revert PR and holds remediation for this app.',
    "3. To undo by hand: revert this PR's single commit (`git revert`) through a pull request; do not `argocd app rollback`, the next sync would undo it.",
  ].join('\n');
}

function commandsSection(): string {
  return [
    '## Commands',
    '',
    'Comment on this pull request (first line only; needs write access):',
    '',
    ...COMMANDS.map(([command, what]) => `- ${code(command)}: ${what}`),
  ].join('\n');
}
