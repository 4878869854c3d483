// What each sandbox runs: the Deployments the PR changes (directly, or through a ConfigMap they
// read or a Service that selects them) plus what they need from the same app path — the Services
// selecting them and the ConfigMaps they read. Unchanged neighbours stay out: they cost start-up
// time and cannot tell control from candidate. Other changed kinds are named as not verified.
import type { Container, Deployment, Service } from '../core/k8s.js';
import { deepEqual } from '../gitops/js-path.js';
import { objectId, type RenderedObject } from '../gitops/object-diff.js';
import type { ImageChange } from './scanners/trivy.js';

export interface Selection {
  control: Record<string, unknown>[];
  candidate: Record<string, unknown>[];
  /** `namespace/name` (or `name` without a namespace) of the Deployments under test. */
  deployments: string[];
  /** Images of those Deployments that differ between base and head (Trivy's targets). */
  images: ImageChange[];
  /** Changed objects the sandbox does not run, e.g. `HorizontalPodAutoscaler/web`. */
  notRun: string[];
}

const RUN_KINDS = new Set(['Deployment', 'Service', 'ConfigMap']);

const key = (o: RenderedObject) => `${o.namespace ?? ''}/${o.name}`;

export function selectManifests(base: readonly RenderedObject[], head: readonly RenderedObject[]): Selection {
  const baseById = new Map(base.map((o) => [objectId(o), o]));
  const headById = new Map(head.map((o) => [objectId(o), o]));
  const changedIds = [...new Set([...baseById.keys(), ...headById.keys()])].filter(
    (id) => !deepEqual(baseById.get(id)?.object, headById.get(id)?.object),
  );
  const changed = changedIds.map((id) => (headById.get(id) ?? baseById.get(id)) as RenderedObject);

  const changedConfigMaps = new Set(changed.filter((o) => o.kind === 'ConfigMap').map(key));
  // Both versions of a changed Service: the Deployment it selected before is affected too.
  const changedServices = changedIds
    .flatMap((id) => [baseById.get(id), headById.get(id)])
    .filter((o): o is RenderedObject => o?.kind === 'Service');
  const affected = new Set<string>();
  for (const o of [...base, ...head]) {
    if (o.kind !== 'Deployment') continue;
    const deployment = o.object as Deployment;
    const reads = configMapsRead(deployment).map((name) => `${o.namespace ?? ''}/${name}`);
    const isChanged =
      changed.some((c) => c.kind === 'Deployment' && key(c) === key(o)) ||
      reads.some((cm) => changedConfigMaps.has(cm)) ||
      changedServices.some((s) => sameNamespace(s, o) && selects(s.object as Service, deployment));
    if (isChanged) affected.add(key(o));
  }

  return {
    control: sideManifests(base, affected),
    candidate: sideManifests(head, affected),
    deployments: [...affected].map((k) => k.replace(/^\//, '')).sort(),
    images: imageChanges(base, head, affected),
    notRun: changed
      .filter((o) => !RUN_KINDS.has(o.kind))
      .map((o) => `${o.kind}/${o.name}`)
      .sort(),
  };
}

function sideManifests(objects: readonly RenderedObject[], affected: Set<string>): Record<string, unknown>[] {
  const deployments = objects.filter((o) => o.kind === 'Deployment' && affected.has(key(o)));
  const services = objects.filter(
    (o) =>
      o.kind === 'Service' &&
      deployments.some((d) => sameNamespace(o, d) && selects(o.object as Service, d.object as Deployment)),
  );
  const needed = new Set(
    deployments.flatMap((d) =>
      configMapsRead(d.object as Deployment).map((name) => `${d.namespace ?? ''}/${name}`),
    ),
  );
  const configMaps = objects.filter((o) => o.kind === 'ConfigMap' && needed.has(key(o)));
  // ConfigMaps first: kube play must find them when it starts the pods that mount them.
  return [...configMaps, ...deployments, ...services].map((o) => o.object);
}

function sameNamespace(a: RenderedObject, b: RenderedObject): boolean {
  return (a.namespace ?? '') === (b.namespace ?? '');
}

function selects(service: Service, deployment: Deployment): boolean {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return false;
  const labels = deployment.spec?.template?.metadata?.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function containersOf(deployment: Deployment): Container[] {
  const spec = deployment.spec?.template?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

function configMapsRead(deployment: Deployment): string[] {
  const names = new Set<string>();
  for (const container of containersOf(deployment)) {
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef?.name) names.add(source.configMapRef.name);
    }
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.configMapKeyRef?.name;
      if (ref) names.add(ref);
    }
  }
  for (const volume of deployment.spec?.template?.spec?.volumes ?? []) {
    if (volume.configMap?.name) names.add(volume.configMap.name);
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap?.name) names.add(source.configMap.name);
    }
  }
  return [...names];
}

function imageChanges(
  base: readonly RenderedObject[],
  head: readonly RenderedObject[],
  affected: Set<string>,
): ImageChange[] {
  const changes = new Map<string, ImageChange>();
  for (const h of head) {
    if (h.kind !== 'Deployment' || !affected.has(key(h))) continue;
    const b = base.find((o) => o.kind === 'Deployment' && key(o) === key(h));
    const before = new Map(
      b ? containersOf(b.object as Deployment).map((c) => [c.name, c.image] as const) : [],
    );
    for (const container of containersOf(h.object as Deployment)) {
      const was = before.get(container.name);
      if (!container.image || was === container.image) continue;
      const change: ImageChange = was ? { base: was, head: container.image } : { head: container.image };
      changes.set(`${change.base ?? ''}>${change.head}`, change);
    }
  }
  return [...changes.values()];
}
