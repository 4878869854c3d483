// The incident issue for "no confident fix" (DESIGN.md §1): what fired, what AEGIS found, why it
// changes nothing, and its hypotheses. One issue per incident, found again by its marker.
import { redact } from '../evidence/redact.js';
import type { DiagnoseResult } from '../pipeline/diagnose.js';
import { diagnosisSection, summarySection } from './body-sections.js';
import { cell } from './markdown.js';
import { buildPrMeta } from './pr-body.js';
import { renderPrMeta } from './pr-meta.js';

/** The hidden marker that identifies an incident's issue. */
export function incidentMarker(fingerprint: string): string {
  return `aegis:incident:${fingerprint}`;
}

export function renderIssueBody(result: DiagnoseResult): string {
  const sections = [
    summarySection(result),
    diagnosisSection(result),
    ['## Why there is no pull request', '', cell(result.remediation.reason)].join('\n'),
  ];
  const notes = [...result.remediation.notes, ...result.evidenceNotes];
  if (notes.length) sections.push(['## Notes', '', ...notes.map((n) => `- ${cell(n)}`)].join('\n'));
  sections.push('AEGIS changed nothing. It updates this issue while the alert keeps firing.');
  return `${redact(sections.join('\n\n'))}\n\n${renderPrMeta(buildPrMeta(result, { phase: 'detected' }))}\n`;
}
