// What Argo CD would apply from the demo repository: the app's Kustomize root rendered with
// `kubectl kustomize`, as text for the sandbox and as objects for the snapshot.
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Deployment, Service } from '../core/k8s.js';
import { parseQuantity } from '../core/quantity.js';
import type { Renderer } from '../gitops/renderer.js';
import { DEMO } from './settings.js';

export interface RenderedApp {
  yaml: string;
  deployment: Deployment;
  services: Service[];
}

export async function renderDemoApp(renderer: Renderer, clone: string): Promise<RenderedApp> {
  const yaml = await renderer.kustomize(path.join(clone, DEMO.appDir));
  const docs = parseAllDocuments(yaml).map((doc) => doc.toJS() as { kind?: string } | null);
  const deployment = docs.find((doc) => doc?.kind === 'Deployment') as Deployment | undefined;
  if (!deployment) throw new Error(`${DEMO.appDir} renders no Deployment`);
  const services = docs.filter((doc) => doc?.kind === 'Service') as Service[];
  return { yaml, deployment, services };
}

/** The memory limit of the workload's container, as written in the manifests. */
export function memoryLimitOf(deployment: Deployment, container: string = DEMO.container) {
  const text = deployment.spec?.template?.spec?.containers.find((c) => c.name === container)?.resources
    ?.limits?.memory;
  return { text: text === undefined ? undefined : String(text), bytes: parseQuantity(text) };
}
