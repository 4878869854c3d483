// The verification report as Markdown: the `aegis/verify` check-run summary and the one PR
// comment (found again by its marker and edited in place). Redacted as a whole before it leaves.
import { redact } from '../evidence/redact.js';
import { markerComment } from '../forge/forge.js';
import { cell, code } from '../propose/markdown.js';
import { count, mebibytes, ms, percent, rps, seconds } from './format.js';
import { type Chart, type Point, xyChart } from './report-chart.js';
import type { ScanResult, SideResult, Verdict, VerificationReport } from './types.js';

/** Pass this to `Forge.upsertComment` so the one report comment is found and edited in place. */
export const REPORT_MARKER_NAME = 'aegis:verify-report';
export const REPORT_MARKER = markerComment(REPORT_MARKER_NAME);
/** GitHub rejects a check-run `output.summary` longer than this. */
export const CHECK_SUMMARY_LIMIT = 65_535;
/** GitHub shows a check title on one line: AEGIS cuts every title it writes to this length. */
export const CHECK_TITLE_LIMIT = 200;

const HEADLINE: Record<Verdict, string> = {
  pass: '✅ Shadow verification passed',
  fail: '❌ Shadow verification failed',
  inconclusive: '⚠️ Shadow verification inconclusive',
  error: '🛑 Shadow verification could not run',
};

const CHECK_ICON = { pass: '✅', fail: '❌', skipped: '⏭️', error: '⚠️' } as const;

export interface RenderOptions {
  /** Defaults to the check-run limit; the PR comment limit (65536) is one more. */
  maxChars?: number;
  /** Link to the workflow run holding the JSON artifact. */
  runUrl?: string;
}

export function renderReportMarkdown(report: VerificationReport, options: RenderOptions = {}): string {
  // Most important first: when the text is too long, sections are dropped from the end.
  const essential = [REPORT_MARKER, headline(report), reasonsSection(report)];
  const optional = [
    resultsTable(report),
    checksTable(report),
    scansSection(report.scans),
    chartSection('Latency p95 over time', report, (s) => s.latencyP95Ms, 'p95 latency (ms)', 'ms'),
    chartSection('Memory over time', report, (s) => bytesToMiB(s.memoryBytes), 'memory (MiB)', 'MiB'),
    footer(report, options.runUrl),
  ].filter((section): section is string => section !== undefined);
  return fitWithin(essential, optional, options.maxChars ?? CHECK_SUMMARY_LIMIT);
}

/** The check run's `output`: a one-line title and the summary. */
export function renderCheckRunOutput(
  report: VerificationReport,
  runUrl?: string,
): { title: string; summary: string } {
  const title = redact(`${report.verdict}: ${report.reasons[0] ?? report.redGreen.statement}`).slice(
    0,
    CHECK_TITLE_LIMIT,
  );
  return { title, summary: renderReportMarkdown(report, { runUrl }) };
}

function headline(report: VerificationReport): string {
  const timedOut = report.timedOut ? ' (timed out)' : '';
  return `## ${HEADLINE[report.verdict]}${timedOut}\n\n**${report.redGreen.statement}**`;
}

function reasonsSection(report: VerificationReport): string {
  return report.reasons.map((reason) => `- ${reason}`).join('\n');
}

function resultsTable(report: VerificationReport): string | undefined {
  const { control, candidate } = report.sides;
  if (!control && !candidate) return undefined;
  const row = (label: string, show: (side: SideResult) => string) =>
    `| ${label} | ${control ? show(control) : '–'} | ${candidate ? show(candidate) : '–'} |`;
  return [
    '### Results',
    '',
    '| | control (base) | candidate (head) |',
    '|---|---:|---:|',
    row('p50 latency', (s) => ms(s.load.latencyMs.p50)),
    row('p95 latency', (s) => ms(s.load.latencyMs.p95)),
    row('p99 latency', (s) => ms(s.load.latencyMs.p99)),
    row('error rate', (s) => `${percent(s.load.errorRate)} (${s.load.errors}/${s.load.requests})`),
    row('throughput', (s) => rps(s.load.throughputRps)),
    row('restarts', (s) => String(s.restarts)),
    row('OOM kills', (s) => String(s.oomKills)),
    row('ready after', (s) =>
      !s.ready ? 'never ready' : s.readyAfterMs === undefined ? 'ready' : seconds(s.readyAfterMs),
    ),
  ].join('\n');
}

function checksTable(report: VerificationReport): string {
  const rows = report.checks.map(
    (check) =>
      `| ${cell(check.name)} | ${CHECK_ICON[check.status]} ${check.status} | ${cell(check.detail)} |`,
  );
  return ['### Checks', '', '| check | result | detail |', '|---|---|---|', ...rows].join('\n');
}

function scansSection(scans: readonly ScanResult[]): string | undefined {
  if (scans.length === 0) return undefined;
  const rows = scans.map((scan) => {
    const status = scan.status === 'ran' ? 'ran' : `${scan.status}: ${scan.reason ?? ''}`;
    const targets = scan.targets.map(code).join(', ') || '–';
    const found = scan.status === 'ran' ? count(scan.newFindings.length, 'new finding') : '–';
    return `| ${scan.scanner} | ${cell(status)} | ${cell(targets)} | ${found} |`;
  });
  const findings = scans.flatMap((scan) =>
    scan.newFindings.map(
      (f) =>
        `| ${scan.scanner} | ${cell(f.severity)} | ${cell(f.id)} | ${cell(f.title)} | ${cell(f.where ?? '')} |`,
    ),
  );
  const table = [
    '### Security scans',
    '',
    '| scanner | status | scanned | result |',
    '|---|---|---|---|',
    ...rows,
  ];
  if (findings.length === 0) return table.join('\n');
  return [
    ...table,
    '',
    '<details><summary>New findings</summary>',
    '',
    '| scanner | severity | id | title | where |',
    '|---|---|---|---|---|',
    ...findings,
    '',
    '</details>',
  ].join('\n');
}

function chartSection(
  heading: string,
  report: VerificationReport,
  pick: (sample: SideResult['samples'][number]) => number | undefined,
  title: string,
  unit: string,
): string | undefined {
  const points = (side: SideResult | undefined): Point[] =>
    (side?.samples ?? []).flatMap((s) => {
      const value = pick(s);
      return value === undefined ? [] : [{ tSec: s.tSec, value }];
    });
  if (!report.sides.control && !report.sides.candidate) return undefined;
  const chart: Chart | undefined = xyChart({
    title,
    yLabel: unit,
    control: points(report.sides.control),
    candidate: points(report.sides.candidate),
  });
  if (!chart) return `### ${heading}\n\n_No samples were recorded._`;
  return `### ${heading}\n\n_${chart.legend}._\n\n\`\`\`mermaid\n${chart.mermaid}\n\`\`\``;
}

function bytesToMiB(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : mebibytes(bytes);
}

function footer(report: VerificationReport, runUrl: string | undefined): string {
  const parts = [`sandbox: ${report.sandbox.backend}`, `took ${seconds(report.timings.durationMs)}`];
  if (report.refs) parts.push(`base ${code(report.refs.base)} → head ${code(report.refs.head)}`);
  if (runUrl && /^https?:\/\//.test(runUrl)) parts.push(`[run and JSON artifact](${runUrl})`);
  return `<sub>${parts.join(' · ')}</sub>`;
}

/** Joins sections, dropping optional ones from the end, then cutting, until the text fits. */
function fitWithin(essential: readonly string[], optional: readonly string[], maxChars: number): string {
  const note = '\n\n_Report shortened to fit GitHub’s limit; the JSON artifact has everything._';
  let kept = [...optional];
  let text = redact([...essential, ...kept].join('\n\n'));
  while (text.length > maxChars && kept.length > 0) {
    kept = kept.slice(0, -1);
    text = redact([...essential, ...kept].join('\n\n')) + note;
  }
  return text.length <= maxChars ? text : cut(text, maxChars - note.length) + note;
}

/** Cuts at a line end and closes a code fence left open, so the rest still renders. */
function cut(text: string, limit: number): string {
  const closing = '\n```';
  let head = text.slice(0, Math.max(0, limit - closing.length));
  const lineEnd = head.lastIndexOf('\n');
  if (lineEnd > 0) head = head.slice(0, lineEnd);
  const fences = head.split('\n').filter((line) => line.startsWith('```')).length;
  return fences % 2 === 1 ? head + closing : head;
}
