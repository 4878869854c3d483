// Every Kustomize folder under manifests/ renders with `kubectl kustomize`, and every object
// validates: kubernetes-models for core kinds, zod for the prometheus-operator and Argo CD CRDs.
import { describe, expect, it } from 'vitest';
import { kustomizeUnits, OVERLAYS, parseManifest, render, renderOverlay } from './render.js';
import { validateObject } from './schemas.js';

const units = kustomizeUnits();

describe('manifests/', () => {
  it('has the base, every overlay, Ollama and monitoring as Kustomize units', () => {
    expect(units).toEqual(
      expect.arrayContaining([
        'base',
        'ollama',
        'monitoring',
        'monitoring/workload-alerts',
        ...OVERLAYS.map((o) => `overlays/${o}`),
      ]),
    );
  });

  it.each(units)('%s renders and every object validates', (unit) => {
    const objects = render(unit);
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      expect(() => validateObject(object), `${object.kind} ${object.metadata.name}`).not.toThrow();
    }
  });

  it.each(['argocd/application.yaml', 'secret.example.yaml'])('%s validates', (file) => {
    expect(() => validateObject(parseManifest(file))).not.toThrow();
  });

  it('rejects what the schemas must catch', () => {
    const rule = parseManifest<{ spec: { groups: { rules: object[] }[] } }>('monitoring/prometheusrule.yaml');
    const badRule = structuredClone(rule);
    badRule.spec.groups[0]!.rules.push({ alert: 'Typo', exp: 'up == 0' });
    expect(() => validateObject(badRule as never)).toThrow(/expr|exp/);
    expect(() =>
      validateObject({ apiVersion: 'v1', kind: 'Service', spec: { ports: [{ port: 'x' }] } } as never),
    ).toThrow();
    expect(() => validateObject({ apiVersion: 'example.com/v1', kind: 'Unknown' })).toThrow(/no schema/);
  });

  it.each(OVERLAYS)('%s puts every namespaced object in its own namespace', (overlay) => {
    const objects = renderOverlay(overlay);
    const namespace = overlay === 'prod' ? 'aegis' : `aegis-${overlay}`;
    const clusterScoped = new Set(['ClusterRole', 'ClusterRoleBinding']);
    for (const object of objects) {
      if (clusterScoped.has(object.kind)) expect(object.metadata.namespace).toBeUndefined();
      else expect(object.metadata.namespace, `${object.kind} ${object.metadata.name}`).toBe(namespace);
    }
  });

  it('gives each overlay its own cluster-scoped binding, so they can share a cluster', () => {
    const names = OVERLAYS.map(
      (overlay) => renderOverlay(overlay).find((o) => o.kind === 'ClusterRoleBinding')?.metadata.name,
    );
    expect(new Set(names).size).toBe(OVERLAYS.length);
  });

  it('runs Ollama on a GPU with its model on a volume in staging and prod, not in dev', () => {
    for (const overlay of ['staging', 'prod'] as const) {
      const rendered = JSON.stringify(renderOverlay(overlay));
      expect(rendered).toContain('"nvidia.com/gpu":"1"');
      expect(rendered).toContain('"claimName":"ollama-models"');
    }
    expect(renderOverlay('dev').some((o) => o.metadata.name.startsWith('ollama'))).toBe(false);
  });
});
