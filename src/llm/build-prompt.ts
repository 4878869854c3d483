// Fills the prompt templates' variables from an LlmInput within the token budget. Every variable is
// made of promptLine()s; the formatted messages are redacted once more by the caller.
import type { Finding } from '../core/types.js';
import { EVIDENCE_SECTIONS, evidenceItems, PRIORITY } from './evidence-digest.js';
import { manifestItems } from './manifest-text.js';
import type { PromptSet } from './prompt-templates.js';
import { jsonLine, promptBlock, promptLine } from './prompt-text.js';
import type { PastIncident } from './runbook.js';
import { type BudgetItem, estimateTokens, fitToBudget, type SectionSpec } from './token-budget.js';
import type { LlmInput, ReviseInput } from './types.js';

export const MAX_PAST_INCIDENTS = 3;
/** The reviewer's request is short by nature; longer text is cut (and counted as dropped). */
const MAX_INSTRUCTION_LINES = 12;
const MAX_INSTRUCTION_CHARS = 1_000;

export interface BuiltPrompt {
  variables: Record<string, string>;
  /** Estimated tokens of the whole first prompt (system + task, variables filled). */
  estimatedTokens: number;
  droppedLines: number;
}

export function buildPrompt(
  task: 'diagnose' | 'revise',
  input: LlmInput | ReviseInput,
  prompts: PromptSet,
  budget: number,
): BuiltPrompt {
  const items: BudgetItem[] = [
    ...incidentItems(input),
    ...findingItems(input),
    ...evidenceItems(input.incident, input.evidence),
    ...manifestItems(input.manifests),
    ...(task === 'diagnose' ? pastItems(input.pastIncidents ?? []) : []),
    ...(task === 'revise' ? currentItems((input as ReviseInput).current ?? input.rules.finding) : []),
  ];
  const sections: SectionSpec[] = [
    { name: 'incident', empty: '(none)' },
    { name: 'findings', empty: '(none)' },
    ...EVIDENCE_SECTIONS.map((s) => ({ name: s.name, empty: s.empty })),
    { name: 'manifests', empty: '(the workload was not located in the repository)' },
    { name: 'past', empty: '(none recorded)' },
    { name: 'current', empty: '(none)' },
  ];
  const instruction =
    task === 'revise'
      ? promptBlock((input as ReviseInput).instruction.slice(0, MAX_INSTRUCTION_CHARS), MAX_INSTRUCTION_LINES)
      : '';
  const headings = EVIDENCE_SECTIONS.map((s) => `### ${s.title}\n`).join('');
  const fixed =
    estimateTokens(prompts.system.text) +
    estimateTokens(prompts[task].text) +
    estimateTokens(headings) +
    estimateTokens(instruction) +
    estimateTokens(BUDGET_NOTE) +
    // Chat template tokens per message (role markers) and rounding slack.
    32;
  const fitted = fitToBudget(items, sections, Math.max(0, budget - fixed));
  const droppedLines = Object.values(fitted.dropped).reduce((a, b) => a + b, 0);
  const evidence = EVIDENCE_SECTIONS.map((s) => `### ${s.title}\n${fitted.sections[s.name] ?? s.empty}`).join(
    '\n\n',
  );
  const variables: Record<string, string> = {
    incident: fitted.sections.incident ?? '',
    findings: fitted.sections.findings ?? '',
    evidence,
    manifests: fitted.sections.manifests ?? '',
    budget_note: droppedLines > 0 ? BUDGET_NOTE : '',
  };
  if (task === 'diagnose') variables.past_incidents = fitted.sections.past ?? '';
  else {
    variables.current = fitted.sections.current ?? '';
    variables.instruction = instruction || '(empty)';
  }
  return { variables, estimatedTokens: fixed + fitted.tokens, droppedLines };
}

const BUDGET_NOTE =
  'Some evidence lines were left out to fit the prompt budget; do not assume that what is missing was healthy.';

function incidentItems({ incident, evidence }: LlmInput): BudgetItem[] {
  const workload = evidence.workload ?? incident.workload;
  const lines = [
    `alert ${incident.alertname} (severity ${incident.severity}, ${incident.status}) since ${incident.startsAt}, ${incident.alertCount} alert(s)`,
    `namespace ${incident.namespace ?? evidence.namespace ?? '(none)'}; workload ${workload ? `${workload.kind}/${workload.name}` : '(not resolved)'}${incident.container ? `; container ${incident.container}` : ''}`,
    `alert targets: ${incident.targets.map((t) => `${t.kind}/${t.name}`).join(', ') || '(none)'}`,
    `labels: ${Object.entries(incident.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
    ...Object.entries(incident.annotations).map(([k, v]) => `annotation ${k}: ${v}`),
  ];
  return lines.map((text) => ({ section: 'incident', priority: PRIORITY.incident, text: promptLine(text) }));
}

function findingLines(finding: Finding, label: string, brief = false): string[] {
  const d = finding.diagnosis;
  const lines = [`${label}: ${d.category} (confidence ${d.confidence}): ${d.summary}`];
  if (!brief) {
    lines.push(`  root cause: ${d.rootCause}`);
    if (d.evidenceRefs.length) lines.push(`  evidence: ${d.evidenceRefs.slice(0, 3).join(' | ')}`);
    if (d.hypotheses.length) lines.push(`  hypotheses: ${d.hypotheses.slice(0, 3).join(' | ')}`);
  }
  lines.push(`  plan: ${finding.plan.action}, because ${finding.plan.reason}`);
  if (finding.plan.operations.length) lines.push(`  operations: ${jsonLine(finding.plan.operations)}`);
  return lines;
}

function findingItems({ rules }: LlmInput): BudgetItem[] {
  const chosen = rules.finding;
  const others = rules.matched.filter(
    (f, i) => !(i === 0 && f.diagnosis.category === chosen.diagnosis.category),
  );
  const lines = [
    ...findingLines(chosen, 'chosen by the rules'),
    ...others.flatMap((f) => findingLines(f, 'also matched', true)),
  ];
  return lines.map((text, i) => ({
    section: 'findings',
    priority: PRIORITY.findings + (i / lines.length) * 0.5,
    text: promptLine(text, 600),
  }));
}

function pastItems(past: readonly PastIncident[]): BudgetItem[] {
  return past.slice(0, MAX_PAST_INCIDENTS).map((p, i) => ({
    section: 'past',
    priority: PRIORITY.past + i * 0.1,
    text: promptLine(
      `- ${p.alertname} on ${p.workload}: ${p.category}. ${p.summary} Fix: ${p.fix}. Outcome: ${p.outcome}${p.at ? ` (${p.at.slice(0, 10)})` : ''}`,
      600,
    ),
  }));
}

function currentItems(current: Finding): BudgetItem[] {
  return findingLines(current, 'proposed').map((text) => ({
    section: 'current',
    priority: PRIORITY.findings,
    text: promptLine(text, 800),
  }));
}
