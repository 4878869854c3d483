// What each sandbox runs: the changed Deployments plus the Services and ConfigMaps they need, and
// the images Trivy must compare.
import { describe, expect, it } from 'vitest';
import type { RenderedObject } from '../../src/gitops/object-diff.js';
import { selectManifests } from '../../src/verify/select-manifests.js';

function deployment(
  name: string,
  options: { image?: string; configMap?: string; memory?: string } = {},
): RenderedObject {
  const container: Record<string, unknown> = { name: 'app', image: options.image ?? `${name}:1` };
  if (options.configMap) container.envFrom = [{ configMapRef: { name: options.configMap } }];
  if (options.memory) container.resources = { limits: { memory: options.memory } };
  return {
    kind: 'Deployment',
    name,
    namespace: 'shop',
    object: {
      kind: 'Deployment',
      metadata: { name, namespace: 'shop' },
      spec: { template: { metadata: { labels: { app: name } }, spec: { containers: [container] } } },
    },
  };
}

function service(name: string, selectsApp: string): RenderedObject {
  return {
    kind: 'Service',
    name,
    namespace: 'shop',
    object: {
      kind: 'Service',
      metadata: { name, namespace: 'shop' },
      spec: { selector: { app: selectsApp }, ports: [{ port: 80 }] },
    },
  };
}

function configMap(name: string, value: string): RenderedObject {
  return {
    kind: 'ConfigMap',
    name,
    namespace: 'shop',
    object: { kind: 'ConfigMap', metadata: { name, namespace: 'shop' }, data: { value } },
  };
}

function hpa(name: string, max: number): RenderedObject {
  return {
    kind: 'HorizontalPodAutoscaler',
    name,
    namespace: 'shop',
    object: { kind: 'HorizontalPodAutoscaler', metadata: { name }, spec: { maxReplicas: max } },
  };
}

const names = (docs: Record<string, unknown>[]) =>
  docs.map((d) => `${d.kind}/${(d.metadata as { name: string }).name}`);

describe('selectManifests', () => {
  it('a changed Deployment runs with the Service that selects it and the ConfigMap it reads; neighbours stay out', () => {
    const unchanged = [
      deployment('cart'),
      service('cart', 'cart'),
      configMap('web-config', 'a'),
      service('web', 'web'),
    ];
    const selection = selectManifests(
      [...unchanged, deployment('web', { configMap: 'web-config', memory: '64Mi' })],
      [...unchanged, deployment('web', { configMap: 'web-config', memory: '256Mi' })],
    );
    expect(selection.deployments).toEqual(['shop/web']);
    expect(names(selection.control)).toEqual(['ConfigMap/web-config', 'Deployment/web', 'Service/web']);
    expect(names(selection.candidate)).toEqual(names(selection.control));
    expect(selection.images).toEqual([]);
  });

  it('a changed ConfigMap brings in the Deployment that reads it', () => {
    const common = [deployment('web', { configMap: 'web-config' }), deployment('cart')];
    const selection = selectManifests(
      [...common, configMap('web-config', 'a')],
      [...common, configMap('web-config', 'b')],
    );
    expect(selection.deployments).toEqual(['shop/web']);
    expect(names(selection.candidate)).toEqual(['ConfigMap/web-config', 'Deployment/web']);
  });

  it('a changed Service selector brings in the Deployment it now selects', () => {
    const common = [deployment('web'), deployment('cart')];
    const selection = selectManifests(
      [...common, service('front', 'cart')],
      [...common, service('front', 'web')],
    );
    expect(selection.deployments).toEqual(['shop/cart', 'shop/web']);
  });

  it('reports image changes (base → head) for Trivy and changed kinds it does not run', () => {
    const selection = selectManifests(
      [deployment('web', { image: 'web:1' }), hpa('web', 3)],
      [deployment('web', { image: 'web:2' }), hpa('web', 6)],
    );
    expect(selection.images).toEqual([{ base: 'web:1', head: 'web:2' }]);
    expect(selection.notRun).toEqual(['HorizontalPodAutoscaler/web']);
  });

  it('a change to a kind the sandbox does not run selects no Deployment', () => {
    const selection = selectManifests([deployment('web'), hpa('web', 3)], [deployment('web'), hpa('web', 6)]);
    expect(selection.deployments).toEqual([]);
    expect(selection.control).toEqual([]);
  });
});
