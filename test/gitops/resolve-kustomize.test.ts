import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { indexRepo } from '../../src/gitops/index-repo.js';
import { getJs } from '../../src/gitops/js-path.js';
import { locateWorkload } from '../../src/gitops/locate.js';
import { proposeChanges } from '../../src/gitops/propose.js';
import type { GitopsProposal, ObjectChange, PathSeg, RepoIndex } from '../../src/gitops/types.js';
import {
  changedLines,
  container,
  copyTree,
  FIXTURES,
  gitApply,
  proposalOk,
  readValue,
  removeTree,
} from './helpers.js';

const ROOT = path.join(FIXTURES, 'kustomize');
let index: RepoIndex;
let scratch: string;

beforeAll(async () => {
  index = await indexRepo(ROOT);
  scratch = await copyTree(ROOT);
});
afterAll(async () => removeTree(scratch));

async function propose(change: ObjectChange): Promise<GitopsProposal | { error: string }> {
  const source = locateWorkload(index, change.target);
  if ('error' in source) return source;
  return proposeChanges(index, source, [change]);
}

const prod = { kind: 'Deployment', name: 'checkout', namespace: 'shop-prod' };
const staging = { kind: 'Deployment', name: 'checkout', namespace: 'shop-staging' };
const payments = { kind: 'Deployment', name: 'eu-payments-v2', namespace: 'payments' };
const app = container('app');
const proxy = container('proxy');

type Where = { file: string; doc: number | { kind?: string; name: string }; path: PathSeg[]; value: unknown };
const cases: [string, ObjectChange, Where][] = [
  [
    'SMP patch file that sets the value (prod memory)',
    { target: prod, path: [...app, 'resources', 'limits', 'memory'], value: '2Gi', expected: '1Gi' },
    {
      file: 'apps/checkout/overlays/prod/resources-patch.yaml',
      doc: 0,
      path: [...app, 'resources', 'limits', 'memory'],
      value: '2Gi',
    },
  ],
  [
    'shared base value: extend the overlay SMP instead of the base (prod cpu)',
    { target: prod, path: [...app, 'resources', 'limits', 'cpu'], value: '1', expected: '500m' },
    {
      file: 'apps/checkout/overlays/prod/resources-patch.yaml',
      doc: 0,
      path: [...app, 'resources', 'limits', 'cpu'],
      value: '1',
    },
  ],
  [
    'shared base, overlay without patches: a new inline patch (staging memory)',
    { target: staging, path: [...app, 'resources', 'limits', 'memory'], value: '768Mi', expected: '512Mi' },
    {
      file: 'apps/checkout/overlays/staging/kustomization.yaml',
      doc: 0,
      path: ['patches', 0, 'patch'],
      value: expect.stringContaining('memory: 768Mi'),
    },
  ],
  [
    'images: newTag of the overlay (prod)',
    {
      target: prod,
      path: [...app, 'image'],
      value: 'ghcr.io/acme/checkout:1.0.4',
      expected: 'ghcr.io/acme/checkout:1.0.3',
      image: true,
    },
    {
      file: 'apps/checkout/overlays/prod/kustomization.yaml',
      doc: 0,
      path: ['images', 0, 'newTag'],
      value: '1.0.4',
    },
  ],
  [
    'images: newTag of the overlay (staging)',
    {
      target: staging,
      path: [...app, 'image'],
      value: 'ghcr.io/acme/checkout:1.0.3',
      expected: 'ghcr.io/acme/checkout:1.1.0-rc.1',
      image: true,
    },
    {
      file: 'apps/checkout/overlays/staging/kustomization.yaml',
      doc: 0,
      path: ['images', 0, 'newTag'],
      value: '1.0.3',
    },
  ],
  [
    'image without an images: entry in a shared base: a new entry in the overlay',
    {
      target: prod,
      path: [...proxy, 'image'],
      value: 'docker.io/envoyproxy/envoy:v1.30.1',
      expected: 'docker.io/envoyproxy/envoy:v1.29.0',
      image: true,
    },
    {
      file: 'apps/checkout/overlays/prod/kustomization.yaml',
      doc: 0,
      path: ['images', 1],
      value: { name: 'docker.io/envoyproxy/envoy', newTag: 'v1.30.1' },
    },
  ],
  [
    'inline strategic-merge patch in kustomization.yaml (replicas)',
    { target: prod, path: ['spec', 'replicas'], value: 6, expected: 4 },
    {
      file: 'apps/checkout/overlays/prod/kustomization.yaml',
      doc: 0,
      path: ['patches', 0, 'patch'],
      value: expect.stringContaining('replicas: 6'),
    },
  ],
  [
    'inline JSON6902 patch (proxy memory)',
    { target: prod, path: [...proxy, 'resources', 'limits', 'memory'], value: '384Mi', expected: '256Mi' },
    {
      file: 'apps/checkout/overlays/prod/kustomization.yaml',
      doc: 0,
      path: ['patches', 1, 'patch'],
      value: expect.stringContaining('value: 384Mi'),
    },
  ],
  [
    'JSON6902 patch file for the HPA',
    {
      target: { kind: 'HorizontalPodAutoscaler', name: 'checkout', namespace: 'shop-prod' },
      path: ['spec', 'maxReplicas'],
      value: 12,
      expected: 10,
    },
    { file: 'apps/checkout/overlays/prod/hpa-patch.yaml', doc: 0, path: [0, 'value'], value: 12 },
  ],
  [
    'remove a shared base key: null in the overlay SMP',
    { target: prod, path: [...app, 'resources', 'limits', 'cpu'], remove: true, expected: '500m' },
    {
      file: 'apps/checkout/overlays/prod/resources-patch.yaml',
      doc: 0,
      path: [...app, 'resources', 'limits', 'cpu'],
      value: null,
    },
  ],
  [
    'exclusive base behind namePrefix/nameSuffix: edit the base',
    {
      target: payments,
      path: [...container('api'), 'resources', 'requests', 'memory'],
      value: '512Mi',
      expected: '384Mi',
    },
    {
      file: 'apps/payments/base/deployment.yaml',
      doc: 0,
      path: [...container('api'), 'resources', 'requests', 'memory'],
      value: '512Mi',
    },
  ],
  [
    'exclusive base image line',
    {
      target: payments,
      path: [...container('api'), 'image'],
      value: 'ghcr.io/acme/payments:7.3.1',
      expected: 'ghcr.io/acme/payments:7.3.2',
      image: true,
    },
    {
      file: 'apps/payments/base/deployment.yaml',
      doc: 0,
      path: [...container('api'), 'image'],
      value: 'ghcr.io/acme/payments:7.3.1',
    },
  ],
  [
    'JSON6902 file patch listed under patches: with a target',
    { target: payments, path: ['spec', 'replicas'], value: 4, expected: 3 },
    { file: 'apps/payments/overlays/eu/replicas-patch.yaml', doc: 0, path: [0, 'value'], value: 4 },
  ],
  [
    'a new key goes where its parent is defined',
    { target: payments, path: [...container('api'), 'resources', 'limits', 'memory'], value: '1Gi' },
    {
      file: 'apps/payments/base/deployment.yaml',
      doc: 0,
      path: [...container('api'), 'resources', 'limits', 'memory'],
      value: '1Gi',
    },
  ],
];

describe('proposeChanges on kustomize', () => {
  it.each(cases)('%s', async (_name, change, where) => {
    const p = proposalOk(await propose(change));
    expect(p.files).toEqual([where.file]);
    const edit = p.edits[0];
    expect(edit?.file).toBe(where.file);
    const after = parse(edit?.after ?? '') as unknown;
    const docs = typeof where.doc === 'number' ? [after] : [];
    expect(getJs(docs[0], where.path)).toEqual(where.value);
    await gitApply(scratch, p.diff);
    expect(p.notes.join('\n')).toMatch(/kustomize .*: rendered before and after/);
    expect(p.renderedDiff).toContain(
      `rendered/${change.target.kind}/${change.target.namespace}/${change.target.name}.yaml`,
    );
  });

  it('keeps one-value changes to one changed line', async () => {
    const p = proposalOk(await propose(cases[0]![1]));
    expect(changedLines(p)).toEqual({ 'apps/checkout/overlays/prod/resources-patch.yaml': 2 });
    expect(p.changes).toEqual([
      {
        file: 'apps/checkout/overlays/prod/resources-patch.yaml',
        resource: 'Deployment/checkout',
        field: 'spec.template.spec.containers[name=app].resources.limits.memory',
        from: '1Gi',
        to: '2Gi',
      },
    ]);
  });

  it('leaves the other overlay untouched when it adds a staging patch (rendered)', async () => {
    const p = proposalOk(await propose(cases[2]![1]));
    const dir = await copyTree(ROOT);
    try {
      const prodBefore = execFileSync(
        'kubectl',
        ['kustomize', path.join(dir, 'apps/checkout/overlays/prod')],
        { encoding: 'utf8', stdio: 'pipe' },
      );
      await gitApply(dir, p.diff, false);
      const prodAfter = execFileSync(
        'kubectl',
        ['kustomize', path.join(dir, 'apps/checkout/overlays/prod')],
        { encoding: 'utf8', stdio: 'pipe' },
      );
      const stagingAfter = execFileSync(
        'kubectl',
        ['kustomize', path.join(dir, 'apps/checkout/overlays/staging')],
        { encoding: 'utf8', stdio: 'pipe' },
      );
      expect(prodAfter).toBe(prodBefore);
      expect(stagingAfter).toContain('memory: 768Mi');
      expect(
        await readValue(dir, 'apps/checkout/base/deployment.yaml', 0, [
          ...app,
          'resources',
          'limits',
          'memory',
        ]),
      ).toBe('512Mi');
    } finally {
      await removeTree(dir);
    }
  });
});
