// Trivy on the images a PR changes: scan base and head image, gate on vulnerabilities at the
// configured severities that the head image has and the base image did not.
import { redact } from '../../evidence/redact.js';
import type { Finding, ScanResult } from '../types.js';
import { lastLine, runTool } from './run-tool.js';
import { newTrivyFindings, parseTrivyReport, type TrivyReport } from './trivy-report.js';

/** An image reference the PR changes; `base` is absent when the PR introduces the workload. */
export interface ImageChange {
  base?: string;
  head: string;
}

export interface TrivyDeps {
  /** Per image; the vulnerability DB download on a cold cache is most of it. */
  timeoutMs: number;
  bin?: string;
  env?: NodeJS.ProcessEnv;
}

type ImageScan =
  | { kind: 'ok'; report: TrivyReport }
  | { kind: 'missing' }
  | { kind: 'error'; reason: string };

const MISSING_REASON =
  'trivy was not found on PATH; install it (https://trivy.dev) or set verification.scanners.trivy: false';

export function trivyArgs(image: string): string[] {
  // Vulnerabilities only: secret and misconfig scanning are slow and not what this gate judges.
  return ['image', '--format', 'json', '--quiet', '--scanners', 'vuln', image];
}

export async function scanImage(image: string, deps: TrivyDeps): Promise<ImageScan> {
  const run = await runTool(deps.bin ?? 'trivy', trivyArgs(image), {
    timeoutMs: deps.timeoutMs,
    env: deps.env,
  });
  if (run.kind === 'missing') return { kind: 'missing' };
  if (run.kind === 'timeout') {
    return {
      kind: 'error',
      reason: `trivy on ${image} timed out after ${Math.round(deps.timeoutMs / 1000)} s`,
    };
  }
  if (run.code !== 0) {
    return { kind: 'error', reason: `trivy on ${image} exited ${run.code}: ${redact(lastLine(run.stderr))}` };
  }
  const parsed = parseTrivyReport(run.stdout);
  if (!parsed.ok) return { kind: 'error', reason: `trivy on ${image}: ${parsed.reason}` };
  return { kind: 'ok', report: parsed.report };
}

/** Scans every changed image (and its base) one at a time: Trivy locks its cache. */
export async function runTrivyScan(
  changes: readonly ImageChange[],
  severities: readonly string[],
  deps: TrivyDeps,
): Promise<ScanResult> {
  const targets = changes.map((change) => change.head);
  if (changes.length === 0) {
    return {
      scanner: 'trivy',
      status: 'skipped',
      reason: 'the PR changes no images',
      targets,
      newFindings: [],
    };
  }
  const newFindings: Finding[] = [];
  for (const change of changes) {
    const head = await scanImage(change.head, deps);
    if (head.kind === 'missing')
      return { scanner: 'trivy', status: 'skipped', reason: MISSING_REASON, targets, newFindings: [] };
    if (head.kind === 'error')
      return { scanner: 'trivy', status: 'error', reason: head.reason, targets, newFindings: [] };
    let base: TrivyReport | undefined;
    if (change.base) {
      const scanned = await scanImage(change.base, deps);
      if (scanned.kind === 'error')
        return { scanner: 'trivy', status: 'error', reason: scanned.reason, targets, newFindings: [] };
      if (scanned.kind === 'ok') base = scanned.report;
    }
    newFindings.push(...newTrivyFindings(base, head.report, severities, change.head));
  }
  return { scanner: 'trivy', status: 'ran', targets, newFindings };
}
