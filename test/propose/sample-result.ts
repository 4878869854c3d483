// A hand-built DiagnoseResult for rendering tests: fixed values, so the snapshot shows the layout
// rather than whatever the analyzers conclude today.
import type { DiagnoseResult } from '../../src/pipeline/diagnose.js';

export function sampleResult(overrides: Partial<DiagnoseResult> = {}): DiagnoseResult {
  return {
    incident: {
      fingerprint: '1a2b3c4d5e6f7a8b',
      alertname: 'KubeContainerOOMKilled',
      severity: 'warning',
      status: 'firing',
      namespace: 'billing',
      workload: { kind: 'Deployment', name: 'invoice-renderer' },
      targets: [{ kind: 'Pod', name: 'invoice-renderer-w5js5kxrv-xk52j' }],
      container: 'renderer',
      startsAt: '2025-03-03T08:20:37.512Z',
      labels: { alertname: 'KubeContainerOOMKilled', namespace: 'billing' },
      annotations: { runbook_url: 'https://runbooks.example.com/KubeContainerOOMKilled' },
      alertCount: 2,
      source: 'alertmanager',
      externalURL: 'https://alertmanager.example.com',
      generatorURL: 'https://prometheus.example.com/graph?g0.expr=up',
    },
    diagnosis: {
      category: 'oom-killed',
      summary: 'Container renderer was OOM-killed at its 512Mi memory limit.',
      rootCause: 'The working set outgrew the 512Mi limit; the image has not changed for three weeks.',
      confidence: 0.9,
      evidenceRefs: [
        'pod invoice-renderer-w5js5kxrv-xk52j: lastState.terminated OOMKilled (exit 137)',
        'events: 6 BackOff restarting failed container',
      ],
      source: 'rules',
      hypotheses: [],
    },
    remediation: {
      action: 'patch',
      reason: 'Raise the memory limit of renderer from 512Mi to 768Mi.',
      operations: [{ type: 'set-resources', container: 'renderer', limits: { memory: '768Mi' } }],
      diff: [
        '--- a/apps/billing/invoice-renderer.yaml',
        '+++ b/apps/billing/invoice-renderer.yaml',
        '@@ -1 +1 @@',
        '-            memory: 512Mi',
        '+            memory: 768Mi',
        '',
      ].join('\n'),
      files: ['apps/billing/invoice-renderer.yaml'],
      renderedDiff: [
        '--- Deployment/invoice-renderer (base)',
        '+++ Deployment/invoice-renderer (head)',
        '-          memory: 512Mi',
        '+          memory: 768Mi',
        '',
      ].join('\n'),
      changes: [
        {
          file: 'apps/billing/invoice-renderer.yaml',
          resource: 'Deployment/invoice-renderer',
          field: 'spec.template.spec.containers[renderer].resources.limits.memory',
          from: '512Mi',
          to: '768Mi',
        },
      ],
      notes: ['rendered 1 object; only Deployment/invoice-renderer changes'],
    },
    alsoMatched: [],
    evidenceNotes: [],
    ...overrides,
  };
}
