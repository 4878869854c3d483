import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { indexRepo } from '../../src/gitops/index-repo.js';
import { locateWorkload } from '../../src/gitops/locate.js';
import type { ObjectRef, RepoIndex } from '../../src/gitops/types.js';
import { FIXTURES } from './helpers.js';

let kustomize: RepoIndex;
let helm: RepoIndex;
let plain: RepoIndex;

beforeAll(async () => {
  [kustomize, helm, plain] = await Promise.all(
    ['kustomize', 'helm', 'plain'].map((f) => indexRepo(path.join(FIXTURES, f))),
  );
});

describe('indexRepo', () => {
  it('lists every document with its head and skips (and names) the file that does not parse', () => {
    expect(plain.skipped).toEqual([
      { file: 'apps/misc/broken.yaml', reason: expect.stringMatching(/line \d+/) },
    ]);
    expect(plain.docs).toContainEqual({
      file: 'apps/misc/api.yaml',
      doc: 1,
      apiVersion: 'v1',
      kind: 'Service',
      name: 'api',
      namespace: 'misc',
    });
    expect(plain.docs).toContainEqual(
      expect.objectContaining({ file: 'apps/misc/settings.yml', kind: 'ConfigMap', name: 'settings' }),
    );
    expect(plain.docs.some((d) => d.file.endsWith('notes.txt'))).toBe(false);
  });

  it('reads kustomizations: resources, patches, images, namespace, prefix and suffix', () => {
    const prod = kustomize.kustomizations.find((k) => k.dir === 'apps/checkout/overlays/prod');
    expect(prod).toMatchObject({
      namespace: 'shop-prod',
      resources: ['../../base'],
      images: [{ entry: 0, name: 'ghcr.io/acme/checkout', newTag: '1.0.3' }],
    });
    expect(prod?.patches).toEqual([
      {
        field: 'patchesStrategicMerge',
        entry: 0,
        inline: false,
        file: 'apps/checkout/overlays/prod/resources-patch.yaml',
      },
      {
        field: 'patchesJson6902',
        entry: 0,
        inline: false,
        file: 'apps/checkout/overlays/prod/hpa-patch.yaml',
        target: { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', name: 'checkout' },
      },
      { field: 'patches', entry: 0, inline: true },
      { field: 'patches', entry: 1, inline: true, target: { kind: 'Deployment', name: 'checkout' } },
    ]);
    const eu = kustomize.kustomizations.find((k) => k.dir === 'apps/payments/overlays/eu');
    expect(eu).toMatchObject({ namePrefix: 'eu-', nameSuffix: '-v2', namespace: 'payments' });
  });

  it('reads Argo CD Applications with sources and destinations, and Helm charts without their templates', () => {
    expect(kustomize.applications.map((a) => [a.name, a.sources[0]?.path, a.destination.namespace])).toEqual([
      ['checkout-prod', 'apps/checkout/overlays/prod', 'shop-prod'],
      ['payments-eu', 'apps/payments/overlays/eu', 'payments'],
      ['checkout-staging', 'apps/checkout/overlays/staging', 'shop-staging'],
    ]);
    expect(helm.charts).toEqual([
      { dir: 'charts/billing', name: 'billing', valuesFile: 'charts/billing/values.yaml' },
    ]);
    expect(helm.applications[0]?.sources[0]?.helm).toMatchObject({
      releaseName: 'billing',
      valueFiles: ['values-prod.yaml'],
    });
    expect(helm.skipped).toEqual([]);
    expect(helm.docs.some((d) => d.file.includes('templates/'))).toBe(false);
  });

  it('rejects a repository folder that does not exist with a user error', async () => {
    await expect(indexRepo(path.join(FIXTURES, 'no-such-repo'))).rejects.toThrow(
      /cannot read the GitOps repository/,
    );
  });

  it('does not treat patch files as objects of their own', () => {
    const checkout = kustomize.produced.get('Deployment/checkout') ?? [];
    expect(checkout.map((p) => [p.root, p.namespace, p.origin?.file])).toEqual([
      ['apps/checkout/overlays/prod', 'shop-prod', 'apps/checkout/base/deployment.yaml'],
      ['apps/checkout/overlays/staging', 'shop-staging', 'apps/checkout/base/deployment.yaml'],
    ]);
  });
});

describe('locateWorkload', () => {
  const cases: [
    string,
    () => RepoIndex,
    ObjectRef,
    { cluster?: string } | undefined,
    Record<string, unknown>,
  ][] = [
    [
      'kustomize prod overlay by namespace',
      () => kustomize,
      { kind: 'Deployment', name: 'checkout', namespace: 'shop-prod' },
      undefined,
      {
        type: 'kustomize',
        root: 'apps/checkout/overlays/prod',
        chain: ['apps/checkout/overlays/prod', 'apps/checkout/base'],
      },
    ],
    [
      'kustomize staging overlay by namespace',
      () => kustomize,
      { kind: 'Deployment', name: 'checkout', namespace: 'shop-staging' },
      undefined,
      { type: 'kustomize', root: 'apps/checkout/overlays/staging' },
    ],
    [
      'HPA through the same overlay',
      () => kustomize,
      { kind: 'HorizontalPodAutoscaler', name: 'checkout', namespace: 'shop-prod' },
      undefined,
      {
        type: 'kustomize',
        root: 'apps/checkout/overlays/prod',
        doc: expect.objectContaining({ file: 'apps/checkout/base/hpa.yaml' }),
      },
    ],
    [
      'namePrefix and nameSuffix',
      () => kustomize,
      { kind: 'Deployment', name: 'eu-payments-v2', namespace: 'payments' },
      undefined,
      {
        type: 'kustomize',
        root: 'apps/payments/overlays/eu',
        doc: expect.objectContaining({ file: 'apps/payments/base/deployment.yaml', name: 'payments' }),
      },
    ],
    [
      'plain YAML with the namespace from the Argo destination, chosen by cluster',
      () => plain,
      { kind: 'Deployment', name: 'orders', namespace: 'orders' },
      { cluster: 'us-1' },
      { type: 'plain', root: 'clusters/us-1/orders', app: expect.objectContaining({ name: 'orders-us-1' }) },
    ],
    [
      'plain multi-document file',
      () => plain,
      { kind: 'Service', name: 'api', namespace: 'misc' },
      undefined,
      { type: 'plain', doc: expect.objectContaining({ file: 'apps/misc/api.yaml', doc: 1 }) },
    ],
    [
      'Helm release by Argo Application and namespace',
      () => helm,
      { kind: 'Deployment', name: 'billing', namespace: 'billing' },
      undefined,
      {
        type: 'helm',
        chartDir: 'charts/billing',
        releaseName: 'billing',
        valueFiles: ['charts/billing/values.yaml', 'charts/billing/values-prod.yaml'],
      },
    ],
  ];
  it.each(cases)('%s', (_name, index, target, hints, expected) => {
    expect(locateWorkload(index(), target, hints)).toMatchObject(expected);
  });

  const errors: [string, () => RepoIndex, ObjectRef, RegExp][] = [
    [
      'two overlays, no namespace',
      () => kustomize,
      { kind: 'Deployment', name: 'checkout' },
      /2 places produce .*overlays\/prod.*overlays\/staging/,
    ],
    [
      'two clusters, no hint',
      () => plain,
      { kind: 'Deployment', name: 'orders', namespace: 'orders' },
      /2 places produce .*eu-1.*us-1.*cluster/,
    ],
    [
      'the pre-prefix name is not live',
      () => kustomize,
      { kind: 'Deployment', name: 'payments', namespace: 'payments' },
      /no document .* produces Deployment\/payments/,
    ],
    [
      'wrong namespace',
      () => kustomize,
      { kind: 'Deployment', name: 'checkout', namespace: 'default' },
      /only for namespace\(s\) shop-prod, shop-staging/,
    ],
    [
      'a missing object names the skipped file',
      () => plain,
      { kind: 'ConfigMap', name: 'broken' },
      /skipped: apps\/misc\/broken.yaml/,
    ],
  ];
  it.each(errors)('errors: %s', (_name, index, target, message) => {
    const result = locateWorkload(index(), target);
    expect(result).toEqual({ error: expect.stringMatching(message) });
  });
});
