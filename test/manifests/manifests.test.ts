// Every Kustomize folder under manifests/ renders with `kubectl kustomize` and every object
// validates against the Kubernetes schemas of kubernetes-models.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../helpers/paths.js';

type Validating = { validate(): void };
const MODELS: Record<string, new (data: never) => Validating> = {
  'apps/v1/Deployment': Deployment as never,
  'batch/v1/Job': Job as never,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim as never,
  'v1/Service': Service as never,
};

const root = path.join(PROJECT_ROOT, 'manifests');
const units = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && readdirSync(path.join(root, d.name)).includes('kustomization.yaml'))
  .map((d) => d.name);

describe('manifests/', () => {
  it('has kustomize units', () => {
    expect(units).toContain('ollama');
  });

  it.each(units)('%s renders and validates', (unit) => {
    const rendered = execFileSync('kubectl', ['kustomize', path.join(root, unit)], { encoding: 'utf8' });
    const objects = parseAllDocuments(rendered).map((d) => d.toJS() as { apiVersion: string; kind: string });
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect(Model, `no schema registered for ${object.apiVersion} ${object.kind}`).toBeDefined();
      if (Model) expect(() => new Model(object as never).validate()).not.toThrow();
    }
  });

  it('Ollama asks for a GPU and keeps its model on a volume', () => {
    const rendered = execFileSync('kubectl', ['kustomize', path.join(root, 'ollama')], { encoding: 'utf8' });
    expect(rendered).toContain('nvidia.com/gpu: "1"');
    expect(rendered).toContain('claimName: ollama-models');
  });
});
