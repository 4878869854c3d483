// ZAP baseline (passive) scan of control and candidate; gate on alerts at the configured risks
// that only the candidate raises.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redact } from '../../evidence/redact.js';
import type { ScanResult } from '../types.js';
import { lastLine, runTool } from './run-tool.js';
import { newZapFindings, parseZapReport, type ZapReport } from './zap-report.js';

export interface ZapDeps {
  /** Per scan: ZAP's start-up, the spider and the passive scan. */
  timeoutMs: number;
  bin?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Inside the ZAP image, zap-baseline.py writes reports under /zap/wrk instead of its working
   * directory; these are looked in after the working directory.
   */
  reportDirs?: readonly string[];
}

type SiteScan = { kind: 'ok'; report: ZapReport } | { kind: 'missing' } | { kind: 'error'; reason: string };

const MISSING_REASON =
  'zap-baseline.py was not found on PATH; run in the ZAP image (ghcr.io/zaproxy/zaproxy) or set verification.scanners.zap: false';

// Exit codes of zap-baseline.py: 0 clean, 1 a FAIL rule fired, 2 only WARNs, 3 ZAP itself failed.
// 1 and 2 are results, not errors: the gate is our own comparison, not ZAP's rule file.
const REPORTED_EXIT_CODES = new Set([0, 1, 2]);

export function zapArgs(url: string, reportName: string): string[] {
  // -m 1: one minute of spidering is what the baseline does by default; stated so it is visible.
  return ['-t', url, '-J', reportName, '-m', '1'];
}

export async function scanSite(url: string, deps: ZapDeps): Promise<SiteScan> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'aegis-zap-'));
  const reportName = `aegis-zap-${randomUUID()}.json`;
  try {
    const run = await runTool(deps.bin ?? 'zap-baseline.py', zapArgs(url, reportName), {
      timeoutMs: deps.timeoutMs,
      cwd: workDir,
      env: deps.env,
    });
    if (run.kind === 'missing') return { kind: 'missing' };
    if (run.kind === 'timeout') {
      return {
        kind: 'error',
        reason: `ZAP baseline of ${url} timed out after ${Math.round(deps.timeoutMs / 1000)} s`,
      };
    }
    if (!REPORTED_EXIT_CODES.has(run.code)) {
      return {
        kind: 'error',
        reason: `ZAP baseline of ${url} exited ${run.code}: ${redact(lastLine(run.stderr || run.stdout))}`,
      };
    }
    const text = await readReport(reportName, [workDir, ...(deps.reportDirs ?? ['/zap/wrk'])]);
    if (text === undefined) return { kind: 'error', reason: `ZAP baseline of ${url} wrote no JSON report` };
    const parsed = parseZapReport(text);
    if (!parsed.ok) return { kind: 'error', reason: `ZAP baseline of ${url}: ${parsed.reason}` };
    return { kind: 'ok', report: parsed.report };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function readReport(name: string, dirs: readonly string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    const file = path.join(dir, name);
    try {
      const text = await readFile(file, 'utf8');
      if (dir !== dirs[0]) await rm(file, { force: true });
      return text;
    } catch {
      // not in this directory; try the next
    }
  }
  return undefined;
}

export async function runZapScan(
  urls: { control: string; candidate: string },
  risks: readonly string[],
  deps: ZapDeps,
): Promise<ScanResult> {
  const targets = [urls.control, urls.candidate];
  const control = await scanSite(urls.control, deps);
  if (control.kind === 'missing')
    return { scanner: 'zap', status: 'skipped', reason: MISSING_REASON, targets, newFindings: [] };
  if (control.kind === 'error')
    return { scanner: 'zap', status: 'error', reason: control.reason, targets, newFindings: [] };
  const candidate = await scanSite(urls.candidate, deps);
  if (candidate.kind === 'missing')
    return { scanner: 'zap', status: 'skipped', reason: MISSING_REASON, targets, newFindings: [] };
  if (candidate.kind === 'error')
    return { scanner: 'zap', status: 'error', reason: candidate.reason, targets, newFindings: [] };
  return {
    scanner: 'zap',
    status: 'ran',
    targets,
    newFindings: newZapFindings(control.report, candidate.report, risks),
  };
}
