// Sections shared by the PR body and the incident issue: who is alerting, and what AEGIS thinks.
import type { DiagnoseResult } from '../pipeline/diagnose.js';
import { cell, code, link } from './markdown.js';
import { subjectName } from './naming.js';

type Input = Pick<DiagnoseResult, 'incident' | 'diagnosis' | 'llm' | 'explanation' | 'alsoMatched'>;

export function summarySection({ incident, diagnosis }: Input): string {
  const where = incident.workload
    ? `${incident.namespace ?? '(cluster)'}/${incident.workload.kind} ${incident.workload.name}`
    : `${incident.namespace ?? '(cluster)'}/${subjectName({ incident })}`;
  const links = [
    link('runbook', incident.annotations.runbook_url),
    link('Prometheus', incident.generatorURL),
    link('Alertmanager', incident.externalURL),
  ].filter(Boolean);
  const rows: [string, string][] = [
    [
      'Alert',
      `${code(incident.alertname)}${incident.alertCount > 1 ? ` (${incident.alertCount} alerts)` : ''}`,
    ],
    ['Severity', cell(incident.severity)],
    ['Since', cell(incident.startsAt)],
    [
      'Namespace / workload',
      `${code(where)}${incident.container ? ` container ${code(incident.container)}` : ''}`,
    ],
    ['Fingerprint', code(incident.fingerprint)],
  ];
  if (links.length) rows.push(['Links', links.join(' · ')]);
  return [
    '## Summary',
    '',
    cell(diagnosis.summary),
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
  ].join('\n');
}

export function diagnosisSection(result: Input): string {
  const { diagnosis, llm } = result;
  const lines = [
    '## Diagnosis',
    '',
    `**Cause:** ${diagnosis.rootCause}`,
    '',
    `**Category:** ${code(diagnosis.category)} · **Confidence:** ${diagnosis.confidence.toFixed(2)} · **Source:** ${code(diagnosis.source)}`,
  ];
  if (llm?.fallback) {
    lines.push('', `> The LLM (${code(llm.model)}) was not used; the rules decided alone: ${llm.fallback}`);
  } else if (llm) {
    lines.push(
      '',
      `**Model:** ${code(llm.model)}, prompt ${code(llm.promptVersion)}, ${llm.latencyMs} ms, ${llm.promptTokens}+${llm.completionTokens} tokens`,
    );
  }
  if (result.explanation) lines.push('', `**In plain words:** ${result.explanation}`);
  if (diagnosis.evidenceRefs.length) {
    lines.push('', '**Evidence**', '', ...diagnosis.evidenceRefs.map((r) => `- ${cell(r)}`));
  }
  if (diagnosis.hypotheses.length) {
    lines.push('', '**Hypotheses**', '', ...diagnosis.hypotheses.map((h) => `- ${cell(h)}`));
  }
  if (result.alsoMatched.length) lines.push('', `Also matched: ${result.alsoMatched.map(code).join(', ')}`);
  return lines.join('\n');
}
