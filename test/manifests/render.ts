// Renders the Kustomize units under manifests/ the way Argo CD does (`kubectl kustomize`, offline),
// and finds the files the deployment docs point at.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../helpers/paths.js';

export const MANIFESTS = path.join(PROJECT_ROOT, 'manifests');
export const OVERLAYS = ['dev', 'staging', 'prod'] as const;
export type Overlay = (typeof OVERLAYS)[number];

export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** Every folder under manifests/ with a kustomization.yaml, relative to manifests/. */
export function kustomizeUnits(dir = MANIFESTS): string[] {
  const units: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name === 'kustomization.yaml') units.push(path.relative(MANIFESTS, dir));
    if (entry.isDirectory()) units.push(...kustomizeUnits(path.join(dir, entry.name)));
  }
  return units.sort();
}

const cache = new Map<string, RenderedObject[]>();

/** The objects `kubectl kustomize manifests/<unit>` prints (cached: renders are slow-ish). */
export function render(unit: string): RenderedObject[] {
  const cached = cache.get(unit);
  if (cached) return cached;
  const text = execFileSync('kubectl', ['kustomize', path.join(MANIFESTS, unit)], { encoding: 'utf8' });
  const objects = parseAllDocuments(text).map((doc) => doc.toJS() as RenderedObject);
  cache.set(unit, objects);
  return objects;
}

export function renderOverlay(overlay: Overlay): RenderedObject[] {
  return render(`overlays/${overlay}`);
}

/** The one object of that kind and name; throws (failing the test) when absent or repeated. */
export function find<T = RenderedObject>(objects: RenderedObject[], kind: string, name?: string): T {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`);
  return found[0] as T;
}

export function readManifest(relative: string): string {
  return readFileSync(path.join(MANIFESTS, relative), 'utf8');
}

export function parseManifest<T>(relative: string): T {
  return parse(readManifest(relative)) as T;
}
