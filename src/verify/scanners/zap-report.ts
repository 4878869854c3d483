// `zap-baseline.py -J` output (the `traditional-json` template), read leniently: SOURCES.md shows
// numbers arriving as strings, fields missing in 2.9-era reports and i18n keys left unrendered in
// `riskdesc`, so the risk comes from `riskcode` only.
import { z } from 'zod';
import { formatIssues } from '../../core/errors.js';
import type { Finding } from '../types.js';
import type { ParseOutcome } from './trivy-report.js';

const RISK_NAMES = ['Informational', 'Low', 'Medium', 'High'] as const;
export type ZapRisk = (typeof RISK_NAMES)[number];

const NumberLike = z.union([z.string().regex(/^\d+$/, 'a number'), z.number()]).transform(Number);

const ZapAlert = z.looseObject({
  pluginid: z.union([z.string(), z.number()]).transform(String),
  /** Newer ZAP: distinguishes variants of one plugin (`10027-1`). */
  alertRef: z.string().optional(),
  alert: z.string().optional(),
  name: z.string().optional(),
  riskcode: NumberLike.pipe(z.number().int().min(0).max(3)),
  instances: z.array(z.looseObject({ uri: z.string().nullish() })).optional(),
});
type ZapAlert = z.infer<typeof ZapAlert>;

const ZapSite = z.looseObject({
  '@name': z.string().optional(),
  alerts: z.array(ZapAlert).nullish(),
});

export const ZapReport = z.looseObject({
  '@version': z.string().optional(),
  // One site used to be written as an object rather than a one-element array.
  site: z
    .union([z.array(ZapSite), ZapSite])
    .transform((site) => (Array.isArray(site) ? site : [site]))
    .default([]),
});
export type ZapReport = z.infer<typeof ZapReport>;

export function parseZapReport(text: string): ParseOutcome<ZapReport> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'ZAP report is not JSON; run zap-baseline.py with -J' };
  }
  const parsed = ZapReport.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      reason: `ZAP JSON not understood: ${formatIssues(parsed.error.issues).slice(0, 3).join('; ')}`,
    };
  }
  return { ok: true, report: parsed.data };
}

export function riskName(riskcode: number): ZapRisk {
  return RISK_NAMES[riskcode] ?? 'Informational';
}

function alerts(report: ZapReport): ZapAlert[] {
  return report.site.flatMap((site) => site.alerts ?? []);
}

// Instances are left out: control and candidate live at different URLs.
function alertKey(alert: ZapAlert): string {
  return alert.alertRef ?? alert.pluginid;
}

/**
 * Candidate alerts at a gated risk that control did not raise at that risk or higher. A plugin
 * whose risk went up (Medium on control, High on candidate) is new at the higher risk.
 */
export function newZapFindings(
  control: ZapReport,
  candidate: ZapReport,
  risks: readonly string[],
): Finding[] {
  const gated = new Set(risks.map((r) => r.toLowerCase()));
  const controlRisk = new Map<string, number>();
  for (const alert of alerts(control)) {
    const key = alertKey(alert);
    controlRisk.set(key, Math.max(controlRisk.get(key) ?? -1, alert.riskcode));
  }
  const findings = new Map<string, Finding>();
  for (const alert of alerts(candidate)) {
    const key = alertKey(alert);
    const risk = riskName(alert.riskcode);
    if (!gated.has(risk.toLowerCase()) || (controlRisk.get(key) ?? -1) >= alert.riskcode) continue;
    if (findings.has(key)) continue;
    const uri = alert.instances?.find((instance) => instance.uri)?.uri ?? undefined;
    findings.set(key, {
      id: key,
      severity: risk,
      title: alert.name ?? alert.alert ?? `ZAP rule ${alert.pluginid}`,
      ...(uri ? { where: uri } : {}),
    });
  }
  return [...findings.values()];
}
