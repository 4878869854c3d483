// `trivy image --format json` output, read leniently (SOURCES.md: Trivy's report drifts across
// versions): only what the gate needs is required, everything else may be absent or extra.
import { z } from 'zod';
import { formatIssues } from '../../core/errors.js';
import type { Finding } from '../types.js';

const TrivyVulnerability = z.looseObject({
  VulnerabilityID: z.string(),
  PkgName: z.string(),
  InstalledVersion: z.string().optional(),
  /** Older reports have it; newer ones carry PkgIdentifier instead. */
  PkgPath: z.string().optional(),
  Severity: z.string(),
  Title: z.string().optional(),
});

const TrivyResult = z.looseObject({
  Target: z.string(),
  Class: z.string().optional(),
  // A result with no findings leaves the key out; some versions wrote null.
  Vulnerabilities: z.array(TrivyVulnerability).nullish(),
});

export const TrivyReport = z.looseObject({
  SchemaVersion: z.number().optional(),
  ArtifactName: z.string().optional(),
  // A clean image may come back without Results at all.
  Results: z.array(TrivyResult).nullish(),
});
export type TrivyReport = z.infer<typeof TrivyReport>;

export type ParseOutcome<T> = { ok: true; report: T } | { ok: false; reason: string };

export function parseTrivyReport(text: string): ParseOutcome<TrivyReport> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'Trivy output is not JSON; run it with --format json' };
  }
  if (raw !== null && typeof raw === 'object' && 'runs' in raw) {
    return { ok: false, reason: 'Trivy output is SARIF, not its JSON report; run it with --format json' };
  }
  const parsed = TrivyReport.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      reason: `Trivy JSON not understood: ${formatIssues(parsed.error.issues).slice(0, 3).join('; ')}`,
    };
  }
  return { ok: true, report: parsed.data };
}

type TrivyVulnerability = z.infer<typeof TrivyVulnerability>;

function vulnerabilities(report: TrivyReport): TrivyVulnerability[] {
  return (report.Results ?? []).flatMap((result) => result.Vulnerabilities ?? []);
}

// The package's version is left out on purpose: bumping a still-vulnerable package is not new.
function vulnerabilityKey(v: TrivyVulnerability): string {
  return `${v.VulnerabilityID}\u0000${v.PkgName}`;
}

/**
 * Vulnerabilities at the gated severities in `head` that `base` did not have. No base (an image
 * the PR introduces) means every gated finding is new.
 */
export function newTrivyFindings(
  base: TrivyReport | undefined,
  head: TrivyReport,
  severities: readonly string[],
  image: string,
): Finding[] {
  const gated = new Set(severities.map((s) => s.toUpperCase()));
  const known = new Set(base ? vulnerabilities(base).map(vulnerabilityKey) : []);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const v of vulnerabilities(head)) {
    const key = vulnerabilityKey(v);
    if (!gated.has(v.Severity.toUpperCase()) || known.has(key) || seen.has(key)) continue;
    seen.add(key);
    findings.push({
      id: v.VulnerabilityID,
      severity: v.Severity.toUpperCase(),
      title: v.Title ?? v.VulnerabilityID,
      where: `${image} ${v.PkgName}${v.InstalledVersion ? `@${v.InstalledVersion}` : ''}`,
    });
  }
  return findings;
}
