import { describe, expect, it } from 'vitest';
import {
  newTrivyFindings,
  parseTrivyReport,
  type TrivyReport,
} from '../../src/verify/scanners/trivy-report.js';
import { newZapFindings, parseZapReport, type ZapReport } from '../../src/verify/scanners/zap-report.js';
import { fixtureFiles, fixtureText, TRIVY_DIR, ZAP_DIR } from './helpers/scanner-fixtures.js';

function trivy(file: string): TrivyReport {
  const parsed = parseTrivyReport(fixtureText(TRIVY_DIR, file));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.report;
}

function zap(file: string): ZapReport {
  const parsed = parseZapReport(fixtureText(ZAP_DIR, file));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.report;
}

const EMPTY_TRIVY: TrivyReport = { SchemaVersion: 2, Results: [] };
const EMPTY_ZAP: ZapReport = { site: [] };

describe('Trivy JSON reports (fixtures/trivy)', () => {
  const jsonReports = fixtureFiles(TRIVY_DIR).filter((f) => !f.includes('.sarif.'));

  it.each(jsonReports)('%s parses', (file) => {
    expect(parseTrivyReport(fixtureText(TRIVY_DIR, file)).ok).toBe(true);
  });

  it('rejects SARIF with a hint to use --format json', () => {
    const parsed = parseTrivyReport(fixtureText(TRIVY_DIR, 'trivy.alpine-310.sarif.json'));
    expect(parsed).toEqual({ ok: false, reason: expect.stringContaining('--format json') });
  });

  it('rejects text that is not JSON, and JSON whose Results are not a list', () => {
    expect(parseTrivyReport('2024-01-01T00:00:00Z FATAL boom').ok).toBe(false);
    const wrong = parseTrivyReport('{"Results": {"Target": "x"}}');
    expect(wrong).toEqual({ ok: false, reason: expect.stringContaining('Results') });
  });

  it.each([
    // [file, gated severities, expected ids]
    ['trivy.debian-buster.json', ['CRITICAL', 'HIGH'], ['CVE-2019-18224']],
    ['trivy.debian-buster.json', ['LOW'], ['CVE-2019-18276']],
    ['trivy.alpine-310.json', ['CRITICAL', 'HIGH'], []],
    [
      'trivy.alpine-310.json',
      ['MEDIUM'],
      ['CVE-2019-1549', 'CVE-2019-1551', 'CVE-2019-1549', 'CVE-2019-1551'],
    ],
    // the Debian result has no Vulnerabilities key; the jar result does
    ['trivy.spring4shell-jre11.json', ['CRITICAL', 'HIGH'], ['CVE-2022-22965']],
    // old report: PkgPath, no PkgIdentifier, a jar result without Vulnerabilities
    ['defectdojo.scheme_2_many_vulns.json', ['CRITICAL', 'HIGH'], ['CVE-2020-28196', 'CVE-2019-12900']],
  ])('%s against an empty base, gated on %j, is new: %j', (file, severities, ids) => {
    const findings = newTrivyFindings(EMPTY_TRIVY, trivy(file), severities, 'app:2');
    expect(findings.map((f) => f.id)).toEqual(ids);
  });

  it('finds nothing new when base already had the same vulnerabilities', () => {
    const report = trivy('defectdojo.scheme_2_many_vulns.json');
    expect(newTrivyFindings(report, report, ['CRITICAL', 'HIGH'], 'app:2')).toEqual([]);
  });

  it('treats every gated finding as new when the image has no base', () => {
    const findings = newTrivyFindings(undefined, trivy('trivy.debian-buster.json'), ['CRITICAL'], 'app:2');
    expect(findings).toEqual([
      {
        id: 'CVE-2019-18224',
        severity: 'CRITICAL',
        title: expect.stringContaining('libidn2'),
        where: 'app:2 libidn2-0@2.0.5-1',
      },
    ]);
  });

  it('keys on CVE and package, so a bumped but still vulnerable package is not new', () => {
    const base = trivy('trivy.debian-buster.json');
    const head = structuredClone(base);
    const vuln = head.Results?.[0]?.Vulnerabilities?.find((v) => v.VulnerabilityID === 'CVE-2019-18224');
    if (!vuln) throw new Error('fixture changed');
    vuln.InstalledVersion = '2.0.5-2';
    expect(newTrivyFindings(base, head, ['CRITICAL'], 'app:2')).toEqual([]);
  });
});

describe('ZAP traditional JSON reports (fixtures/zap)', () => {
  it.each(fixtureFiles(ZAP_DIR))('%s parses, with string numbers turned into risk codes', (file) => {
    const report = zap(file);
    const alerts = report.site.flatMap((s) => s.alerts ?? []);
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) expect([0, 1, 2, 3]).toContain(alert.riskcode);
  });

  it('rejects a risk code that is not a number', () => {
    const parsed = parseZapReport('{"site":[{"alerts":[{"pluginid":"1","riskcode":"High"}]}]}');
    expect(parsed).toEqual({ ok: false, reason: expect.stringContaining('riskcode') });
  });

  it('accepts a lone site object as well as a list', () => {
    const parsed = parseZapReport('{"site":{"@name":"http://a","alerts":[{"pluginid":"1","riskcode":"3"}]}}');
    expect(parsed.ok && parsed.report.site.length).toBe(1);
  });

  it('reads the risk from riskcode, not from the unrendered riskdesc of newer templates', () => {
    const findings = newZapFindings(EMPTY_ZAP, zap('zap-extensions.basic-traditional-json.json'), ['High']);
    expect(findings).toEqual([
      { id: '1', severity: 'High', title: 'XSS', where: 'http://example.com/example_3' },
    ]);
  });

  it.each([
    ['securecodebox.zap-baseline-bodgeit.json', ['High'], []],
    ['securecodebox.zap-baseline-bodgeit.json', ['Medium'], ['10020', '10108', '90022', '10105']],
    ['securecodebox.zap-api-scan-petstore.json', ['Medium'], ['10098']],
  ])('%s against an empty control, gated on %j, is new: %j', (file, risks, ids) => {
    expect(newZapFindings(EMPTY_ZAP, zap(file), risks).map((f) => f.id)).toEqual(ids);
  });

  it('finds nothing new when control raised the same alerts', () => {
    const report = zap('securecodebox.zap-baseline-bodgeit.json');
    expect(newZapFindings(report, report, ['High', 'Medium', 'Low'])).toEqual([]);
  });

  it('reports an alert whose risk went up from control to candidate', () => {
    const control = zap('securecodebox.zap-baseline-bodgeit.json');
    const candidate = structuredClone(control);
    const csp = candidate.site[0]?.alerts?.find((a) => a.pluginid === '10038');
    if (!csp) throw new Error('fixture changed');
    csp.riskcode = 3;
    const findings = newZapFindings(control, candidate, ['High']);
    expect(findings).toMatchObject([{ id: '10038', severity: 'High' }]);
  });
});
