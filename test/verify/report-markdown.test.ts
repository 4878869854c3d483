import { describe, expect, it } from 'vitest';
import { hasMarker, withMarker } from '../../src/forge/forge.js';
import { assembleReport, type ReportInput } from '../../src/verify/assemble-report.js';
import {
  CHECK_SUMMARY_LIMIT,
  REPORT_MARKER,
  REPORT_MARKER_NAME,
  renderCheckRunOutput,
  renderReportMarkdown,
} from '../../src/verify/report-markdown.js';
import { type Sample, type ScanResult, VerificationReport } from '../../src/verify/types.js';
import { defaultVerificationConfig } from '../../src/verify/verify-config.js';
import { mermaidBlocks, parseXyChart } from './helpers/mermaid.js';
import { side, TRIVY_CLEAN, ZAP_CLEAN } from './helpers/sides.js';

const MiB = 1024 * 1024;

function series(latency: number[], memoryMiB: number[] = []): Sample[] {
  const n = Math.max(latency.length, memoryMiB.length);
  return Array.from({ length: n }, (_, i) => ({
    tSec: i + 1,
    ...(latency[i] === undefined ? {} : { latencyP95Ms: latency[i] }),
    ...(memoryMiB[i] === undefined ? {} : { memoryBytes: (memoryMiB[i] ?? 0) * MiB }),
  }));
}

function report(overrides: Partial<ReportInput> = {}) {
  return assembleReport({
    control: side('control', { oomKills: 2, restarts: 2, samples: series([30, 40, 50], [120, 250, 256]) }),
    candidate: side('candidate', { samples: series([20, 22, 21], [120, 140, 150]) }),
    scans: [TRIVY_CLEAN, ZAP_CLEAN],
    rules: defaultVerificationConfig().rules,
    context: { category: 'oom-killed' },
    startedAt: new Date('2025-01-01T10:00:00Z'),
    finishedAt: new Date('2025-01-01T10:03:12Z'),
    sandbox: { backend: 'podman' },
    refs: { base: 'abc1234', head: 'def5678' },
    ...overrides,
  });
}

function charts(markdown: string) {
  return mermaidBlocks(markdown).map(parseXyChart);
}

describe('renderReportMarkdown', () => {
  it('starts with the marker, the verdict headline and the red → green line', () => {
    const markdown = renderReportMarkdown(report());
    const [marker, , heading, , statement] = markdown.split('\n');
    expect(marker).toBe(REPORT_MARKER);
    expect(heading).toBe('## ✅ Shadow verification passed');
    expect(statement).toBe(
      '**Red → green: control (base) reproduced the incident (it had 2 OOM kills) and candidate (head) did not (it had 0 OOM kills).**',
    );
  });

  it('carries the marker the forge upserts the one report comment by, once', () => {
    const markdown = renderReportMarkdown(report());
    expect(hasMarker(markdown, REPORT_MARKER_NAME)).toBe(true);
    expect(withMarker(REPORT_MARKER_NAME, markdown)).toBe(markdown);
  });

  it('tables control against candidate', () => {
    const markdown = renderReportMarkdown(report());
    const table = markdown.slice(markdown.indexOf('### Results'), markdown.indexOf('### Checks')).trim();
    expect(table).toMatchInlineSnapshot(`
      "### Results

      | | control (base) | candidate (head) |
      |---|---:|---:|
      | p50 latency | 5 ms | 5 ms |
      | p95 latency | 20 ms | 20 ms |
      | p99 latency | 40 ms | 40 ms |
      | error rate | 0.00% (0/1000) | 0.00% (0/1000) |
      | throughput | 50 req/s | 50 req/s |
      | restarts | 2 | 0 |
      | OOM kills | 2 | 0 |
      | ready after | 2.5 s | 2.5 s |"
    `);
  });

  it('lists every check and every scanner, skipped ones with their reason', () => {
    const skipped: ScanResult = {
      scanner: 'zap',
      status: 'skipped',
      reason: 'zap-baseline.py was not found on PATH',
      targets: [],
      newFindings: [],
    };
    const markdown = renderReportMarkdown(report({ scans: [TRIVY_CLEAN, skipped] }));
    expect(markdown).toContain('| ZAP baseline | ⏭️ skipped | zap-baseline.py was not found on PATH |');
    expect(markdown).toContain('| zap | skipped: zap-baseline.py was not found on PATH | – | – |');
    expect(markdown).toContain('| trivy | ran | `app:2` | 0 new findings |');
  });

  it('lists new findings in a details block and fails the run', () => {
    const trivy: ScanResult = {
      scanner: 'trivy',
      status: 'ran',
      targets: ['app:2'],
      newFindings: [
        {
          id: 'CVE-2019-18224',
          severity: 'CRITICAL',
          title: 'libidn2: overflow',
          where: 'app:2 libidn2-0@2.0.5-1',
        },
      ],
    };
    const markdown = renderReportMarkdown(report({ scans: [trivy, ZAP_CLEAN] }));
    expect(markdown).toContain('## ❌ Shadow verification failed');
    expect(markdown).toContain(
      '| trivy | CRITICAL | CVE-2019-18224 | libidn2: overflow | app:2 libidn2-0@2.0.5-1 |',
    );
  });

  it('draws latency and memory over time, control and candidate as two line series', () => {
    const [latency, memory] = charts(renderReportMarkdown(report()));
    expect(latency).toEqual({
      title: 'p95 latency (ms)',
      xLabels: [1, 2, 3],
      yMax: 60,
      lines: [
        [30, 40, 50],
        [20, 22, 21],
      ],
    });
    expect(memory).toEqual({
      title: 'memory (MiB)',
      xLabels: [1, 2, 3],
      yMax: 300,
      lines: [
        [120, 250, 256],
        [120, 140, 150],
      ],
    });
    expect(renderReportMarkdown(report())).toContain(
      '_first line: control (base), second line: candidate (head)._',
    );
  });

  it('puts unequal sample counts on one time axis, holding a side’s last value', () => {
    const input = report({
      control: side('control', { samples: series([30, 40, 50, 60]) }),
      candidate: side('candidate', { samples: series([20, 22]) }),
    });
    const [latency] = charts(renderReportMarkdown(input));
    expect(latency?.xLabels).toEqual([1, 2, 3, 4]);
    expect(latency?.lines).toEqual([
      [30, 40, 50, 60],
      [20, 22, 22, 22],
    ]);
  });

  it('bridges seconds without a latency sample (nothing answered) instead of breaking the chart', () => {
    const samples: Sample[] = [{ tSec: 1, latencyP95Ms: 10 }, { tSec: 2 }, { tSec: 3, latencyP95Ms: 30 }];
    const [latency] = charts(renderReportMarkdown(report({ candidate: side('candidate', { samples }) })));
    expect(latency?.lines[1]).toEqual([10, 10, 30]);
  });

  it('draws only the side that has samples, and says which one is missing', () => {
    const markdown = renderReportMarkdown(report({ candidate: side('candidate', { samples: [] }) }));
    const [latency] = charts(markdown);
    expect(latency?.lines).toHaveLength(1);
    expect(markdown).toContain('_first line: control (base); no candidate samples._');
  });

  it('says so when neither side has samples', () => {
    const markdown = renderReportMarkdown(
      report({ control: side('control', { samples: [] }), candidate: side('candidate', { samples: [] }) }),
    );
    expect(mermaidBlocks(markdown)).toEqual([]);
    expect(markdown).toContain('### Latency p95 over time\n\n_No samples were recorded._');
  });

  it('keeps a long run readable: at most 40 points per series', () => {
    const long = Array.from({ length: 300 }, (_, i) => 10 + (i % 7));
    const [latency] = charts(
      renderReportMarkdown(
        report({
          control: side('control', { samples: series(long) }),
          candidate: side('candidate', { samples: series(long) }),
        }),
      ),
    );
    expect(latency?.xLabels.length).toBeLessThanOrEqual(40);
    for (const line of latency?.lines ?? []) expect(line).toHaveLength(latency?.xLabels.length ?? -1);
    // merged seconds keep the worst value
    expect(Math.max(...(latency?.lines[0] ?? []))).toBe(16);
  });

  it('reports a timed-out run as an error without tables or charts', () => {
    const input = report({
      control: undefined,
      candidate: undefined,
      context: { timedOut: true, readyTimeoutSeconds: 180 },
    });
    const markdown = renderReportMarkdown(input);
    expect(input).toMatchObject({ verdict: 'error', timedOut: true });
    expect(markdown).toContain('## 🛑 Shadow verification could not run (timed out)');
    expect(markdown).toContain('- timed out: the sandbox did not start within 180 s; nothing was compared');
    expect(markdown).not.toContain('### Results');
    expect(mermaidBlocks(markdown)).toEqual([]);
  });

  it('redacts secrets that reached a reason', () => {
    const markdown = renderReportMarkdown(
      report({ context: { sandboxError: 'pull failed: password=hunter2secret' } }),
    );
    expect(markdown).not.toContain('hunter2secret');
    expect(markdown).toContain('pull failed');
  });

  it('stays under the check-run limit and keeps fences balanced when the findings are huge', () => {
    const newFindings = Array.from({ length: 5000 }, (_, i) => ({
      id: `CVE-2024-${10000 + i}`,
      severity: 'HIGH',
      title: 'a long title '.repeat(5),
      where: `registry.example/app:2 package-${i}@1.0.${i}`,
    }));
    const input = report({
      scans: [{ scanner: 'trivy', status: 'ran', targets: ['app:2'], newFindings }, ZAP_CLEAN],
    });
    const { summary, title } = renderCheckRunOutput(input);
    expect(summary.length).toBeLessThanOrEqual(CHECK_SUMMARY_LIMIT);
    expect(summary.startsWith(REPORT_MARKER)).toBe(true);
    expect(summary).toContain('## ❌ Shadow verification failed');
    expect(summary).toContain('Report shortened');
    expect(summary.split('\n').filter((l) => l.startsWith('```')).length % 2).toBe(0);
    expect(title).toMatch(/^fail: Trivy failed: 5000 new CRITICAL\/HIGH findings/);
  });

  it('cuts mid-text safely when even the essentials are too long', () => {
    const markdown = renderReportMarkdown(report(), { maxChars: 300 });
    expect(markdown.length).toBeLessThanOrEqual(300);
    expect(markdown.startsWith(REPORT_MARKER)).toBe(true);
  });
});

describe('assembleReport (the JSON artifact)', () => {
  it('is valid against the artifact schema and survives a JSON round trip', () => {
    const artifact = JSON.parse(JSON.stringify(report()));
    expect(VerificationReport.parse(artifact)).toEqual(artifact);
    expect(artifact).toMatchObject({
      schemaVersion: 1,
      verdict: 'pass',
      redGreen: { outcome: 'red-green', signal: 'OOM kills', control: 2, candidate: 0 },
      timings: { durationMs: 192_000 },
      sandbox: { backend: 'podman' },
    });
  });
});
