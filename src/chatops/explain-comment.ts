// `/aegis explain`: the Diagnosis section AEGIS wrote into the PR or issue body and its hidden
// meta, folded into one comment. Read back from the body (GitHub is the database), so any replica
// can answer without the original diagnosis in memory.
import { cell, code, details } from '../propose/markdown.js';
import { parsePrMeta } from '../propose/pr-meta.js';

export const EXPLAIN_MARKER = 'aegis:explain';

const MODEL_USED = /\*\*Model:\*\* `([^`]+)`, prompt `([^`]+)`/;
const MODEL_SKIPPED = /The LLM \(`([^`]+)`\) was not used; the rules decided alone: (.*)/;

/** The comment body, or undefined when the body carries neither a Diagnosis section nor meta. */
export function renderExplainComment(body: string): string | undefined {
  const section = diagnosisSection(body);
  const meta = parsePrMeta(body);
  if (!section && !meta) return undefined;
  const rows: [string, string][] = [];
  if (meta) {
    rows.push(
      ['Alert', code(meta.alertname)],
      ['Fingerprint', code(meta.fingerprint)],
      ['Category', code(meta.category)],
      ['Files', meta.files.length ? meta.files.map(code).join(', ') : '(none)'],
    );
  }
  rows.push(['Model', modelLine(section ?? '')]);
  const inner = [
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    section ?? '_The body no longer has its Diagnosis section._',
  ].join('\n');
  const summary = meta ? `AEGIS diagnosis: ${meta.category} (${meta.alertname})` : 'AEGIS diagnosis';
  return details(summary, inner);
}

/** From `## Diagnosis` to the next `## ` heading or the hidden meta block. */
export function diagnosisSection(body: string): string | undefined {
  const lines = body.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === '## Diagnosis');
  if (start < 0) return undefined;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => l.startsWith('## ') || l.startsWith('<!-- aegis:meta'));
  return [lines[start], ...(end < 0 ? rest : rest.slice(0, end))].join('\n').trimEnd();
}

function modelLine(section: string): string {
  const used = MODEL_USED.exec(section);
  if (used) return `${code(used[1] ?? '')}, prompt ${code(used[2] ?? '')}`;
  const skipped = MODEL_SKIPPED.exec(section);
  if (skipped) return `${code(skipped[1] ?? '')} not used: ${cell(skipped[2] ?? '')}`;
  return 'none (rules only)';
}
