import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { indexRepo } from '../../src/gitops/index-repo.js';
import { getJs, isPlainObject } from '../../src/gitops/js-path.js';
import { locateWorkload } from '../../src/gitops/locate.js';
import { proposeChanges } from '../../src/gitops/propose.js';
import { checkBlastRadius } from '../../src/gitops/render-check.js';
import type { HelmTemplateArgs, Renderer } from '../../src/gitops/renderer.js';
import type { ObjectChange, PathSeg, RepoIndex } from '../../src/gitops/types.js';
import { container, copyTree, FIXTURES, gitApply, proposalOk, removeTree } from './helpers.js';

const ROOT = path.join(FIXTURES, 'helm');
let index: RepoIndex;
let scratch: string;

function merge(a: unknown, b: unknown): unknown {
  if (!isPlainObject(a) || !isPlainObject(b)) return b === undefined ? a : b;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = v === null ? undefined : merge(a[k], v);
  return out;
}

/** A stand-in for `helm template` that renders the chart's one Deployment from the merged values. */
const fakeHelm: Renderer = {
  hasKustomize: async () => false,
  hasHelm: async () => true,
  kustomize: async () => '',
  helmTemplate: async (_cwd: string, a: HelmTemplateArgs) => {
    let values = parse(await readFile(path.join(a.chartDir, 'values.yaml'), 'utf8')) as unknown;
    for (const f of [...a.valueFiles, ...a.extraValuesFiles])
      values = merge(values, parse(await readFile(f, 'utf8')));
    const v = (p: PathSeg[]) => getJs(values, p);
    return stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: a.release, namespace: a.namespace },
      spec: {
        ...(v(['autoscaling', 'enabled']) ? {} : { replicas: v(['replicaCount']) }),
        template: {
          spec: {
            containers: [
              {
                name: 'billing',
                image: `${v(['image', 'repository'])}:${v(['image', 'tag'])}`,
                resources: v(['resources']),
              },
            ],
          },
        },
      },
    });
  },
};
const noHelm: Renderer = { ...fakeHelm, hasHelm: async () => false };

beforeAll(async () => {
  index = await indexRepo(ROOT);
  scratch = await copyTree(ROOT);
});
afterAll(async () => removeTree(scratch));

const billing = { kind: 'Deployment', name: 'billing', namespace: 'billing' };
const c = container('billing');

const cases: [string, ObjectChange, string, string[], unknown][] = [
  [
    'image tag in the environment values file',
    {
      target: billing,
      path: [...c, 'image'],
      value: 'ghcr.io/acme/billing:2.1.1',
      expected: 'ghcr.io/acme/billing:2.1.0',
      image: true,
    },
    'charts/billing/values-prod.yaml',
    ['image', 'tag'],
    '2.1.1',
  ],
  [
    'replicas → replicaCount',
    { target: billing, path: ['spec', 'replicas'], value: 5, expected: 3 },
    'charts/billing/values-prod.yaml',
    ['replicaCount'],
    5,
  ],
  [
    'memory limit in the environment file',
    { target: billing, path: [...c, 'resources', 'limits', 'memory'], value: '1Gi', expected: '512Mi' },
    'charts/billing/values-prod.yaml',
    ['resources', 'limits', 'memory'],
    '1Gi',
  ],
  [
    'a chart default shared by two releases is overridden in the environment file',
    { target: billing, path: [...c, 'resources', 'requests', 'cpu'], value: '200m', expected: '100m' },
    'charts/billing/values-prod.yaml',
    ['resources', 'requests', 'cpu'],
    '200m',
  ],
  [
    'HPA maxReplicas → autoscaling.maxReplicas',
    {
      target: { kind: 'HorizontalPodAutoscaler', name: 'billing', namespace: 'billing' },
      path: ['spec', 'maxReplicas'],
      value: 12,
      expected: 8,
    },
    'charts/billing/values-prod.yaml',
    ['autoscaling', 'maxReplicas'],
    12,
  ],
  [
    'a new key next to its parent',
    { target: billing, path: [...c, 'resources', 'limits', 'cpu'], value: '2' },
    'charts/billing/values-prod.yaml',
    ['resources', 'limits', 'cpu'],
    '2',
  ],
  [
    'image repository from the shared default, overridden per environment',
    {
      target: billing,
      path: [...c, 'image'],
      value: 'ghcr.io/acme/billing-ng:2.1.0',
      expected: 'ghcr.io/acme/billing:2.1.0',
      image: true,
    },
    'charts/billing/values-prod.yaml',
    ['image', 'repository'],
    'ghcr.io/acme/billing-ng',
  ],
];

describe('proposeChanges on a Helm release deployed by Argo CD', () => {
  it.each(cases)('%s', async (_name, change, file, keyPath, value) => {
    const source = locateWorkload(index, change.target);
    if ('error' in source) throw new Error(source.error);
    const p = proposalOk(await proposeChanges(index, source, [change], { renderer: noHelm }));
    expect(p.files).toEqual([file]);
    expect(getJs(parse(p.edits[0]?.after ?? ''), keyPath)).toEqual(value);
    expect(p.notes).toContain('helm not found: Helm render check skipped');
    await gitApply(scratch, p.diff);
  });

  it('keeps the quote style and comment of a values line', async () => {
    const source = locateWorkload(index, billing);
    if ('error' in source) throw new Error(source.error);
    const change = {
      target: billing,
      path: [...c, 'resources', 'limits', 'memory'],
      value: '1Gi',
      expected: '512Mi',
    };
    const p = proposalOk(await proposeChanges(index, source, [change], { renderer: noHelm }));
    expect(p.diff).toContain('+    memory: 1Gi # raised after INC-2291');
    const image = {
      target: billing,
      path: [...c, 'image'],
      value: 'ghcr.io/acme/billing:2.1.1',
      expected: 'ghcr.io/acme/billing:2.1.0',
      image: true,
    };
    const q = proposalOk(await proposeChanges(index, source, [image], { renderer: noHelm }));
    expect(q.diff).toContain('+  tag: "2.1.1"');
  });

  it('renders with helm when available and shows the rendered change', async () => {
    const source = locateWorkload(index, billing);
    if ('error' in source) throw new Error(source.error);
    const change = {
      target: billing,
      path: [...c, 'resources', 'requests', 'cpu'],
      value: '200m',
      expected: '100m',
    };
    const p = proposalOk(await proposeChanges(index, source, [change], { renderer: fakeHelm }));
    expect(p.notes.join('\n')).toMatch(/helm billing: rendered before and after/);
    expect(p.renderedDiff).toMatch(/-\s+cpu: 100m\n\+\s+cpu: 200m/);
  });

  it('blocks an edit of the shared chart defaults that would change the other release', async () => {
    const file = 'charts/billing/values.yaml';
    const before = await readFile(path.join(ROOT, file), 'utf8');
    const after = before.replace('cpu: 100m', 'cpu: 200m');
    const change = { target: billing, path: [...c, 'resources', 'requests', 'cpu'], value: '200m' };
    const check = await checkBlastRadius(index, [change], [{ file, before, after }], fakeHelm);
    expect(check.error).toMatch(/also change Deployment\/billing in billing-staging/);
  });

  it('edits Argo CD helm parameters and valuesObject, which win over values files', async () => {
    const dir = await copyTree(ROOT);
    try {
      await writeFile(
        path.join(dir, 'argocd/canary.yaml'),
        [
          'apiVersion: argoproj.io/v1alpha1',
          'kind: Application',
          'metadata:',
          '  name: billing-canary',
          'spec:',
          '  source:',
          '    path: charts/billing',
          '    helm:',
          '      valueFiles: [values-prod.yaml]',
          '      parameters:',
          '        - name: image.tag',
          '          value: "2.3.0"',
          '      valuesObject:',
          '        replicaCount: 1',
          '  destination:',
          '    namespace: billing-canary',
          '',
        ].join('\n'),
      );
      const idx = await indexRepo(dir);
      const target = { kind: 'Deployment', name: 'billing-canary', namespace: 'billing-canary' };
      const source = locateWorkload(idx, target);
      if ('error' in source) throw new Error(source.error);
      const image = {
        target,
        path: [...c, 'image'],
        value: 'ghcr.io/acme/billing:2.3.1',
        expected: 'ghcr.io/acme/billing:2.3.0',
        image: true,
      };
      const replicas = { target, path: ['spec', 'replicas'], value: 2, expected: 1 };
      const p = proposalOk(await proposeChanges(idx, source, [image, replicas], { renderer: noHelm }));
      expect(p.files).toEqual(['argocd/canary.yaml']);
      expect(p.diff).toContain('+          value: "2.3.1"');
      expect(p.diff).toContain('+        replicaCount: 2');
      await gitApply(dir, p.diff);
    } finally {
      await removeTree(dir);
    }
  });

  it('refuses when no values key holds the live value', async () => {
    const source = locateWorkload(index, billing);
    if ('error' in source) throw new Error(source.error);
    const change = {
      target: billing,
      path: [...c, 'resources', 'limits', 'memory'],
      value: '1Gi',
      expected: '640Mi',
    };
    expect(await proposeChanges(index, source, [change], { renderer: noHelm })).toEqual({
      error: expect.stringMatching(/does not hold the live value/),
    });
  });
});
