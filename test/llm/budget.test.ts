// The token budget: estimates on the safe side, trims by priority (the focus container's events
// and failure lines first; older logs, other pods and nodes last), and never cuts a line.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Evidence } from '../../src/core/types.js';
import { indexRepo } from '../../src/gitops/index-repo.js';
import { locateWorkload } from '../../src/gitops/locate.js';
import { isError } from '../../src/gitops/types.js';
import { buildPrompt } from '../../src/llm/build-prompt.js';
import { redactManifest, workloadManifests } from '../../src/llm/manifest-text.js';
import { loadPrompts } from '../../src/llm/prompt-templates.js';
import { estimateTokens, fitToBudget } from '../../src/llm/token-budget.js';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { loadCase } from './helpers.js';

describe('estimateTokens', () => {
  it.each([
    ['prose', 'The container keeps being killed because it runs out of memory during the batch.'],
    ['a log line', '2025-03-03T08:28:23.896Z {"level":"warn","msg":"memory","heapUsedMB":428,"rssMB":673}'],
    ['yaml', 'resources:\n  limits:\n    memory: 512Mi\n    cpu: "1"\n'],
  ])('is at least chars/4 for %s', (_name, text) => {
    expect(estimateTokens(text)).toBeGreaterThanOrEqual(Math.ceil(text.length / 4));
  });

  it('counts timestamped JSON logs well above chars/4 (digits and punctuation are tokens)', () => {
    const line = '2025-03-03T08:28:23.896Z {"level":"warn","msg":"memory","heapUsedMB":428,"rssMB":673}';
    expect(estimateTokens(line)).toBeGreaterThan(line.length / 3);
  });
});

describe('fitToBudget', () => {
  it('claims by priority, renders in original order, notes what was left out', () => {
    const items = [
      { section: 'a', priority: 3, text: 'low one' },
      { section: 'a', priority: 1, text: 'high one' },
      { section: 'a', priority: 3, text: 'low two' },
      { section: 'b', priority: 2, text: 'middle', group: '--- group' },
    ];
    const sections = [
      { name: 'a', empty: '(none)' },
      { name: 'b', empty: '(none)' },
    ];
    const all = fitToBudget(items, sections, 1_000);
    expect(all.sections.a).toBe('low one\nhigh one\nlow two');
    expect(all.sections.b).toBe('--- group\nmiddle');
    const note = estimateTokens('(… 999 lines left out)\n') * 2;
    const tight = fitToBudget(
      items,
      sections,
      note + estimateTokens('high one\n') + estimateTokens('--- group\nmiddle\n'),
    );
    expect(tight.sections.a).toBe('high one\n(… 2 lines left out)');
    expect(tight.sections.b).toBe('--- group\nmiddle');
    expect(tight.dropped).toEqual({ a: 2 });
  });
});

function flood(evidence: Evidence): void {
  const focus = evidence.logs.find((l) => l.container === 'renderer' && l.previous);
  if (!focus) throw new Error('no previous log');
  focus.lines = [
    ...Array.from(
      { length: 3000 },
      (_, i) => `2025-03-03T07:${String(i % 60).padStart(2, '0')}:00Z info old request ${i} ok`,
    ),
    'FATAL: JavaScript heap out of memory while rendering INV-0881934',
  ];
  evidence.logs.push({
    pod: 'other-pod',
    container: 'sidecar',
    previous: false,
    lines: Array.from({ length: 500 }, (_, i) => `sidecar line ${i}`),
  });
  for (let i = 0; i < 80; i++) {
    evidence.nodes.push({
      metadata: { name: `spare-node-${i}` },
      status: { conditions: [{ type: 'Ready', status: 'True' }], allocatable: { cpu: '4', memory: '16Gi' } },
    });
  }
}

describe('buildPrompt under a budget', () => {
  it('stays under the budget and keeps the focus failure line, the warnings and the manifests first', async () => {
    const oom = await loadCase('oom-invoice-renderer', { evidence: flood });
    const prompts = await loadPrompts();
    const built = buildPrompt('diagnose', oom.input, prompts, 6_000);
    const whole = `${prompts.system.text}\n${Object.values(built.variables).join('\n')}\n${prompts.diagnose.text}`;
    expect(built.estimatedTokens).toBeLessThanOrEqual(6_000);
    expect(estimateTokens(whole)).toBeLessThanOrEqual(6_000);
    expect(built.droppedLines).toBeGreaterThan(3000);
    expect(built.variables.budget_note).toMatch(/left out to fit the prompt budget/);

    const evidence = built.variables.evidence ?? '';
    expect(evidence).toContain('FATAL: JavaScript heap out of memory while rendering INV-0881934');
    expect(evidence).toContain('Warning BackOff');
    expect(evidence).toContain('last=terminated OOMKilled exit 137');
    expect(built.variables.manifests).toContain('memory: 512Mi');
    expect(evidence).not.toContain('spare-node-79');
    expect(evidence).not.toContain('sidecar line 0');
    // The newest old lines survive before the oldest ones.
    expect(evidence).not.toContain('old request 0 ok');
  });

  it('never cuts a line: every kept evidence line is a whole line of the input', async () => {
    const oom = await loadCase('oom-invoice-renderer', { evidence: flood });
    const prompts = await loadPrompts();
    const built = buildPrompt('diagnose', oom.input, prompts, 3_000);
    const logLines = (built.variables.evidence ?? '')
      .split('### Logs\n')[1]
      ?.split('\n###')[0]
      ?.split('\n')
      .filter((l) => l && !l.startsWith('--- logs of') && !l.startsWith('(…'));
    const inputs = new Set(oom.evidence.logs.flatMap((l) => l.lines));
    expect(logLines?.length).toBeGreaterThan(0);
    for (const line of logLines ?? []) expect(inputs.has(line), line).toBe(true);
  });

  it('a small budget drops nodes and other pods before the focus evidence', async () => {
    const oom = await loadCase('oom-invoice-renderer', { evidence: flood });
    const prompts = await loadPrompts();
    const built = buildPrompt('diagnose', oom.input, prompts, 3_000);
    expect(built.estimatedTokens).toBeLessThanOrEqual(3_000);
    expect(built.variables.evidence).toContain('FATAL: JavaScript heap out of memory');
    expect(built.variables.evidence).toMatch(/### Nodes\n\(… \d+ lines left out/);
  });
});

describe('redactManifest', () => {
  it('keeps structure, masks values under secret names, reduces Secrets to key names', () => {
    const text = [
      'kind: Deployment',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: app',
      '          env:',
      '            - name: DB_PASSWORD',
      '              value: hunter2',
      '            - name: LOG_LEVEL',
      '              value: debug',
      '---',
      'kind: Secret',
      'data:',
      '  tls.key: c2VjcmV0',
      '',
    ].join('\n');
    const out = redactManifest(text);
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('c2VjcmV0');
    expect(out).toContain('value: debug');
    expect(out).toContain('dataKeys:\n  - tls.key');
  });

  it('falls back to line rules for text that is not YAML', () => {
    const out = redactManifest('- name: API_TOKEN\n  value: abc123\n  : [unbalanced');
    expect(out).not.toContain('abc123');
  });
});

describe('workloadManifests', () => {
  const fixture = (name: string) => path.join(PROJECT_ROOT, 'test/fixtures/scenarios', name, 'gitops');

  it.each([
    [
      'oom-report-builder-kustomize-prod-patch',
      { kind: 'Deployment', name: 'report-builder', namespace: 'reporting' },
      [
        'apps/report-builder/base/deployment.yaml',
        'apps/report-builder/overlays/prod/kustomization.yaml',
        'apps/report-builder/overlays/prod/patches/resources.yaml',
        'apps/report-builder/base/kustomization.yaml',
      ],
    ],
    [
      'oom-ingest-api-helm-values-prod',
      { kind: 'Deployment', name: 'ingest-api', namespace: 'ingest' },
      ['charts/ingest-api/values.yaml', 'charts/ingest-api/values-prod.yaml'],
    ],
  ])('%s: only the files that produce the workload', async (name, target, files) => {
    const index = await indexRepo(fixture(name));
    const source = locateWorkload(index, target);
    if (isError(source)) throw new Error(source.error);
    const manifests = await workloadManifests(index, source);
    expect(manifests.map((m) => m.file)).toEqual(files);
    expect(manifests.some((m) => m.file.includes('staging'))).toBe(false);
  });
});
