// Renders a DiagnoseResult for people (terminal report) and for machines (the JSON contract).
import type { DiagnoseResult } from '../pipeline/diagnose.js';

/** DESIGN.md §4: {incident, diagnosis, remediation}; file contents stay out of the document. */
export function toJsonDocument(result: DiagnoseResult) {
  return {
    incident: result.incident,
    diagnosis: result.diagnosis,
    remediation: result.remediation,
    alsoMatched: result.alsoMatched,
    evidenceNotes: result.evidenceNotes,
    ...(result.llm ? { llm: result.llm } : {}),
    ...(result.explanation ? { explanation: result.explanation } : {}),
  };
}

export function formatReport(result: DiagnoseResult): string {
  const { incident, diagnosis, remediation } = result;
  const where = incident.workload
    ? `${incident.namespace}/${incident.workload.kind} ${incident.workload.name}`
    : (incident.namespace ?? 'cluster');
  const lines = [
    `Incident    ${incident.alertname} on ${where} (severity ${incident.severity}, since ${incident.startsAt}, fingerprint ${incident.fingerprint})`,
    `Diagnosis   ${diagnosis.category}, confidence ${diagnosis.confidence}, source ${diagnosis.source}`,
    `            ${diagnosis.summary}`,
    `Root cause  ${diagnosis.rootCause}`,
    '',
    'Evidence',
    ...diagnosis.evidenceRefs.map((r) => `  - ${r}`),
  ];
  if (result.explanation) lines.push('', 'In plain words', `  ${result.explanation}`);
  if (diagnosis.hypotheses.length)
    lines.push('', 'Hypotheses', ...diagnosis.hypotheses.map((h) => `  - ${h}`));
  if (result.llm) {
    const llm = result.llm;
    lines.push(
      '',
      llm.fallback
        ? `LLM         ${llm.model}: not used, rules decided (${llm.fallback})`
        : `LLM         ${llm.model}, prompt ${llm.promptVersion}, ${llm.latencyMs} ms, ${llm.promptTokens}+${llm.completionTokens} tokens`,
    );
  }
  lines.push('', `Remediation ${remediation.action === 'patch' ? 'PATCH' : 'NONE'}: ${remediation.reason}`);
  for (const change of remediation.changes) {
    lines.push(
      `  ${change.file}  ${change.resource}  ${change.field}: ${String(change.from ?? '(unset)')} → ${String(change.to ?? '(removed)')}`,
    );
  }
  for (const note of remediation.notes) lines.push(`  note: ${note}`);
  if (remediation.diff) lines.push('', remediation.diff.trimEnd());
  return `${lines.join('\n')}\n`;
}
