// The monitoring of AEGIS uses only metrics AEGIS exports, and the workload alerts it ships are the
// kube-prometheus ones, unchanged.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../src/server/metrics.js';
import { sharedDir } from '../helpers/paths.js';
import { find, parseManifest, type RenderedObject, readManifest, renderOverlay } from './render.js';
import { PrometheusRule, type ServiceMonitor } from './schemas.js';

type Rule = PrometheusRule['spec']['groups'][number]['rules'][number];

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];
let exported: Set<string>;

beforeAll(async () => {
  const metrics = await createMetrics({ processMetrics: true }).registry.getMetricsAsJSON();
  exported = new Set(
    metrics.flatMap((m) =>
      // prom-client types `type` as a numeric enum, but the JSON carries the text name.
      String(m.type) === 'histogram' ? HISTOGRAM_SUFFIXES.map((s) => `${m.name}${s}`) : [m.name],
    ),
  );
});

/** The aegis_* metric names a PromQL expression reads. */
function aegisMetrics(expr: string): string[] {
  return [...expr.matchAll(/\baegis_[a-zA-Z0-9_]+/g)].map((m) => m[0]);
}

function unknownMetrics(exprs: string[]): string[] {
  return [...new Set(exprs.flatMap(aegisMetrics))].filter((name) => !exported.has(name));
}

const selfRule = PrometheusRule.parse(parseManifest('monitoring/prometheusrule.yaml'));
const selfRules = selfRule.spec.groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(readManifest('monitoring/aegis-dashboard.json')) as {
  panels: { title: string; targets: { expr: string }[] }[];
};
const dashboardExprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));

describe('monitoring/', () => {
  it('finds unknown metric names (the check can fail)', () => {
    expect(
      unknownMetrics(['rate(aegis_incidents_detected_total[5m])', 'aegis_llm_latency_seconds_bucket']),
    ).toEqual([]);
    expect(unknownMetrics(['aegis_incidents_total', 'aegis_queue_depth_bucket'])).toEqual([
      'aegis_incidents_total',
      'aegis_queue_depth_bucket',
    ]);
  });

  it('alerts on AEGIS with metrics AEGIS exports', () => {
    expect(selfRules.length).toBeGreaterThan(0);
    expect(unknownMetrics(selfRules.map((r) => r.expr))).toEqual([]);
  });

  it('alerts when AEGIS is down, refuses alerts, or reverts', () => {
    const byName = new Map(selfRules.map((r) => [r.alert, r.expr]));
    expect(byName.get('AegisDown')).toMatch(/up\{job="aegis"\}/);
    expect(byName.get('AegisAlertsUnauthorized')).toContain('aegis_alert_requests_total');
    expect(byName.get('AegisRevertOpened')).toContain('aegis_reverts_total');
    for (const rule of selfRules) {
      expect(rule.labels?.severity, rule.alert).toMatch(/^(critical|warning|info)$/);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
    }
  });

  it('draws the dashboard from metrics AEGIS exports', () => {
    expect(unknownMetrics(dashboardExprs)).toEqual([]);
  });

  it.each([
    ['incidents', 'aegis_incidents_detected_total'],
    ['pull requests', 'aegis_fixes_proposed_total'],
    ['verdicts', 'aegis_shadow_verifications_total'],
    ['reverts', 'aegis_reverts_total'],
    ['LLM latency', 'aegis_llm_latency_seconds_bucket'],
  ])('shows %s on the dashboard', (_what, metric) => {
    expect(dashboardExprs.some((expr) => aegisMetrics(expr).includes(metric))).toBe(true);
  });

  it('scrapes the Service port that serves /metrics, with the job name the alerts use', () => {
    const objects = renderOverlay('prod');
    const monitor = find<ServiceMonitor>(objects, 'ServiceMonitor');
    const service = find<RenderedObject & { spec: { ports: { name: string }[] } }>(
      objects,
      'Service',
      'aegis',
    );
    expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
    expect(monitor.spec.endpoints.map((e) => [e.port, e.path])).toEqual([['http', '/metrics']]);
    expect(service.spec.ports.map((p) => p.name)).toContain('http');
    // The operator names the job after the Service; other Services must not match the selector.
    const matching = objects.filter(
      (o) =>
        o.kind === 'Service' &&
        Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v),
    );
    expect(matching.map((s) => s.metadata.name)).toEqual(['aegis']);
  });

  it('ships the dashboard as a ConfigMap Grafana’s sidecar loads, under a stable name', () => {
    const map = find<RenderedObject & { data: Record<string, string> }>(
      renderOverlay('prod'),
      'ConfigMap',
      'aegis-grafana-dashboard',
    );
    expect(map.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(JSON.parse(map.data['aegis-dashboard.json'] ?? '')).toMatchObject({ uid: 'aegis' });
  });
});

describe('monitoring/workload-alerts', () => {
  const upstreamFile = () =>
    path.join(
      sharedDir(),
      'fixtures/prometheus-rules/kube-prometheus.kubernetesControlPlane-prometheusRule.yaml',
    );

  it('copies each kube-prometheus alert verbatim (expr, for, labels, annotations)', () => {
    // Upstream also holds recording rules, which our schema (alerts only) does not take.
    const upstream = parse(readFileSync(upstreamFile(), 'utf8')) as { spec: { groups: { rules: Rule[] }[] } };
    const key = (r: Rule) => `${r.alert}/${r.labels?.severity}`;
    const upstreamRules = new Map(
      upstream.spec.groups.flatMap((g) => g.rules.filter((r) => r.alert)).map((r) => [key(r), r]),
    );
    const ours = workloadRules();
    expect(ours.length).toBeGreaterThan(0);
    for (const rule of ours) expect(rule, rule.alert).toEqual(upstreamRules.get(key(rule)));
  });

  it('sends exactly these alerts to AEGIS from Alertmanager', () => {
    const snippet = parseManifest<{ route: { routes: { receiver: string; matchers: string[] }[] } }>(
      'alertmanager/receiver-snippet.yaml',
    );
    const route = snippet.route.routes.find((r) => r.receiver === 'aegis');
    const matcher = route?.matchers.find((m) => m.startsWith('alertname=~'));
    const names = /^alertname=~"(.*)"$/.exec(matcher ?? '')?.[1]?.split('|') ?? [];
    expect(names.sort()).toEqual([...new Set(workloadRules().map((r) => r.alert))].sort());
    for (const rule of selfRules) expect(names).not.toContain(rule.alert);
  });
});

function workloadRules(): Rule[] {
  return PrometheusRule.parse(
    parseManifest('monitoring/workload-alerts/prometheusrule.yaml'),
  ).spec.groups.flatMap((g) => g.rules);
}
