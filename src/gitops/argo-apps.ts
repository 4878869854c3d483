// Argo CD Applications found in the repository (app-of-apps style). Only what locating and Helm
// value resolution need: sources (path, helm value files, values, parameters) and destination.
import { isRecord, str } from './load-yaml.js';
import type { ArgoApplication, ArgoHelmSource, ArgoSource } from './types.js';

export function isApplicationHead(apiVersion: string | undefined, kind: string | undefined): boolean {
  return kind === 'Application' && (apiVersion ?? '').startsWith('argoproj.io/');
}

function helmOf(value: unknown): ArgoHelmSource | undefined {
  if (!isRecord(value)) return undefined;
  const helm: ArgoHelmSource = {
    valueFiles: Array.isArray(value.valueFiles)
      ? value.valueFiles.map(str).filter((v) => v !== undefined)
      : [],
    parameters: Array.isArray(value.parameters)
      ? value.parameters.filter(isRecord).flatMap((p) => {
          const name = str(p.name);
          const v = str(p.value);
          return name !== undefined && v !== undefined ? [{ name, value: v }] : [];
        })
      : [],
  };
  const values = str(value.values);
  const releaseName = str(value.releaseName);
  if (values !== undefined) helm.values = values;
  if (value.valuesObject !== undefined) helm.valuesObject = value.valuesObject;
  if (releaseName !== undefined) helm.releaseName = releaseName;
  return helm;
}

function sourceOf(value: unknown, index: number): ArgoSource | undefined {
  if (!isRecord(value)) return undefined;
  const source: ArgoSource = { index };
  for (const key of ['repoURL', 'chart', 'ref', 'targetRevision'] as const) {
    const v = str(value[key]);
    if (v !== undefined) source[key] = v;
  }
  const p = str(value.path);
  // Argo paths are repo-relative; `.` and `./x` are common spellings.
  if (p !== undefined) source.path = p.replace(/^\.\/?/, '').replace(/\/$/, '');
  const helm = helmOf(value.helm);
  if (helm) source.helm = helm;
  if (isRecord(value.directory) && value.directory.recurse === true) source.directoryRecurse = true;
  return source;
}

export function parseApplication(file: string, doc: number, js: unknown): ArgoApplication | undefined {
  if (!isRecord(js) || !isRecord(js.spec)) return undefined;
  const meta = isRecord(js.metadata) ? js.metadata : {};
  const name = str(meta.name);
  if (name === undefined) return undefined;
  const spec = js.spec;
  const sources: ArgoSource[] = [];
  const single = sourceOf(spec.source, -1);
  if (single) sources.push(single);
  if (Array.isArray(spec.sources)) {
    spec.sources.forEach((s, i) => {
      const source = sourceOf(s, i);
      if (source) sources.push(source);
    });
  }
  const dest = isRecord(spec.destination) ? spec.destination : {};
  const destination: ArgoApplication['destination'] = {};
  for (const key of ['namespace', 'name', 'server'] as const) {
    const v = str(dest[key]);
    if (v !== undefined) destination[key] = v;
  }
  const app: ArgoApplication = { file, doc, name, sources, destination };
  const namespace = str(meta.namespace);
  const project = str(spec.project);
  if (namespace !== undefined) app.namespace = namespace;
  if (project !== undefined) app.project = project;
  return app;
}
