// Turns rendered manifests into what `podman kube play` can run side by side with another copy of
// the same app: Deployments renamed per sandbox, labelled, one replica, and every port a Service or
// readiness probe needs published on a free loopback port. podman 4.3 ignores Services and cannot
// run probes without systemd (and curl in the image), so the host plays kubelet and kube-proxy.
import type { IProbe } from 'kubernetes-models/v1/Probe';
import { stringify } from 'yaml';
import { formatIssues, UserError } from '../../core/errors.js';
import type { Container, Deployment, Service } from '../../core/k8s.js';
import { parseQuantity } from '../../core/quantity.js';
import { isRecord, parseFull } from '../../gitops/load-yaml.js';
import { SANDBOX_LABELS, toDnsLabel } from '../labels.js';
import type { Manifests } from '../sandbox.js';

export type ReadinessCheck =
  | { kind: 'http'; hostPort: number; path: string }
  | { kind: 'tcp'; hostPort: number };

export interface PlannedContainer {
  name: string;
  /** podman names a kube-play container `<pod>-<container>`. */
  podmanName: string;
  readiness?: ReadinessCheck;
  memoryLimitBytes?: number;
}

export interface PlannedWorkload {
  workload: string;
  podName: string;
  containers: PlannedContainer[];
}

export interface PlannedService {
  name: string;
  /** Service port (by number and by name) → loopback port on the host. */
  ports: Map<string, number>;
  firstHostPort: number;
}

export interface PreparedManifests {
  /** Multi-document YAML for `podman kube play -`. */
  yaml: string;
  workloads: PlannedWorkload[];
  services: PlannedService[];
  skipped: string[];
  notes: string[];
}

export interface PrepareContext {
  sandboxName: string;
  /** Labels every pod and container gets (sandbox, run, created). */
  labels: Record<string, string>;
  allocatePort: () => Promise<number>;
}

const PASSED_THROUGH = new Set(['ConfigMap']);

export function toDocuments(manifests: Manifests): unknown[] {
  if (typeof manifests !== 'string') return [...manifests];
  const parsed = parseFull(manifests);
  if ('error' in parsed)
    throw new UserError(`sandbox manifests: ${parsed.error}`, 'render them again and check the YAML');
  return parsed.docs.filter((doc) => doc !== null && doc !== undefined);
}

export async function prepareManifests(
  manifests: Manifests,
  ctx: PrepareContext,
): Promise<PreparedManifests> {
  const docs = toDocuments(manifests);
  const deployments: Deployment[] = [];
  const services: Service[] = [];
  const passed: unknown[] = [];
  const skipped: string[] = [];
  for (const doc of docs) {
    if (!isRecord(doc)) continue;
    const kind = String(doc.kind ?? '(no kind)');
    const name = isRecord(doc.metadata) ? String(doc.metadata.name ?? '(no name)') : '(no name)';
    if (kind === 'Deployment') deployments.push(validDeployment(structuredClone(doc), name));
    else if (kind === 'Service') services.push(structuredClone(doc) as Service);
    else if (PASSED_THROUGH.has(kind)) passed.push(stripNamespace(structuredClone(doc)));
    else skipped.push(`${kind}/${name}: not run by the podman sandbox`);
  }
  if (deployments.length === 0) {
    throw new UserError('sandbox manifests: no Deployment found', 'the podman sandbox runs Deployments only');
  }

  const notes: string[] = [];
  const published = new Map<Deployment, Map<number, number>>();
  const publish = async (deployment: Deployment, containerPort: number): Promise<number> => {
    const ports = published.get(deployment) ?? new Map<number, number>();
    published.set(deployment, ports);
    const existing = ports.get(containerPort);
    if (existing !== undefined) return existing;
    const hostPort = await ctx.allocatePort();
    ports.set(containerPort, hostPort);
    return hostPort;
  };

  const plannedServices: PlannedService[] = [];
  for (const service of services) {
    const planned = await planService(service, deployments, publish);
    if (planned) plannedServices.push(planned);
    else
      skipped.push(
        `Service/${service.metadata?.name ?? '(no name)'}: selects no Deployment in these manifests`,
      );
  }

  const workloads: PlannedWorkload[] = [];
  for (const deployment of deployments) {
    workloads.push(await planWorkload(deployment, ctx, publish, notes));
  }
  for (const deployment of deployments) rewriteDeployment(deployment, ctx, published.get(deployment));

  const yaml = [...passed, ...deployments].map((doc) => stringify(doc)).join('---\n');
  return { yaml, workloads, services: plannedServices, skipped, notes };
}

function validDeployment(doc: Record<string, unknown>, name: string): Deployment {
  const deployment = doc as Deployment;
  const containers = deployment.spec?.template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0 || !deployment.metadata?.name) {
    throw new UserError(
      `sandbox manifests: Deployment/${name} has no name or no containers`,
      'render the manifests again; the sandbox runs them as they are',
    );
  }
  const issues = containers.flatMap((c, i) =>
    c.name && c.image
      ? []
      : [{ path: ['spec', 'template', 'spec', 'containers', i], message: 'needs name and image' }],
  );
  if (issues.length > 0)
    throw new UserError(`sandbox manifests: Deployment/${name}: ${formatIssues(issues).join('; ')}`);
  return deployment;
}

function stripNamespace<T>(doc: T): T {
  if (isRecord(doc) && isRecord(doc.metadata)) delete doc.metadata.namespace;
  return doc;
}

function selects(service: Service, deployment: Deployment): boolean {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return false;
  const labels = deployment.spec?.template?.metadata?.labels ?? {};
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** A named or numbered port as the containers declare it; a number nobody declares stays itself. */
function resolvePort(deployment: Deployment, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  for (const container of deployment.spec?.template?.spec?.containers ?? []) {
    const found = container.ports?.find((p) => p.name === port);
    if (found) return found.containerPort;
  }
  return undefined;
}

async function planService(
  service: Service,
  deployments: Deployment[],
  publish: (deployment: Deployment, containerPort: number) => Promise<number>,
): Promise<PlannedService | undefined> {
  // One pod stands behind a Service in the sandbox: the first Deployment it selects.
  const target = deployments.find((deployment) => selects(service, deployment));
  const name = service.metadata?.name;
  if (!target || !name) return undefined;
  const ports = new Map<string, number>();
  let firstHostPort: number | undefined;
  for (const port of service.spec?.ports ?? []) {
    const containerPort = resolvePort(target, port.targetPort ?? port.port);
    if (containerPort === undefined) continue;
    const hostPort = await publish(target, containerPort);
    ports.set(String(port.port), hostPort);
    if (port.name) ports.set(port.name, hostPort);
    firstHostPort ??= hostPort;
  }
  return firstHostPort === undefined ? undefined : { name, ports, firstHostPort };
}

async function planWorkload(
  deployment: Deployment,
  ctx: PrepareContext,
  publish: (deployment: Deployment, containerPort: number) => Promise<number>,
  notes: string[],
): Promise<PlannedWorkload> {
  const workload = deployment.metadata!.name!;
  const podName = podmanPodName(ctx.sandboxName, workload);
  const containers: PlannedContainer[] = [];
  for (const container of deployment.spec!.template.spec!.containers) {
    // podman 4.3 publishes a containerPort without hostPort on 0.0.0.0:<same port>, which would
    // collide between control and candidate and expose the app: every port gets a loopback one.
    for (const port of container.ports ?? []) await publish(deployment, port.containerPort);
    const planned: PlannedContainer = {
      name: container.name,
      podmanName: podmanContainerName(ctx.sandboxName, workload, container.name),
    };
    const readiness = await planReadiness(deployment, container.readinessProbe, publish);
    if (readiness) planned.readiness = readiness;
    else if (container.readinessProbe) {
      notes.push(
        `${workload}/${container.name}: readiness probe kind not supported; running counts as ready`,
      );
    }
    const limit = parseQuantity(container.resources?.limits?.memory);
    if (limit !== undefined) planned.memoryLimitBytes = limit;
    if (container.livenessProbe || container.startupProbe) {
      notes.push(`${workload}/${container.name}: liveness/startup probes are not enforced under podman`);
    }
    containers.push(planned);
  }
  if ((deployment.spec?.replicas ?? 1) > 1) notes.push(`${workload}: runs 1 replica in the sandbox`);
  return { workload, podName, containers };
}

async function planReadiness(
  deployment: Deployment,
  probe: IProbe | undefined,
  publish: (deployment: Deployment, containerPort: number) => Promise<number>,
): Promise<ReadinessCheck | undefined> {
  const http = probe?.httpGet;
  if (http) {
    const port = resolvePort(deployment, http.port);
    if (port === undefined) return undefined;
    return { kind: 'http', hostPort: await publish(deployment, port), path: http.path ?? '/' };
  }
  const tcp = probe?.tcpSocket;
  if (tcp) {
    const port = resolvePort(deployment, tcp.port);
    if (port === undefined) return undefined;
    return { kind: 'tcp', hostPort: await publish(deployment, port) };
  }
  return undefined;
}

export function podmanDeploymentName(sandboxName: string, workload: string): string {
  return toDnsLabel(`${sandboxName}-${workload}`);
}

/** The name `podman kube play` gives the one pod of a sandbox's Deployment. */
export function podmanPodName(sandboxName: string, workload: string): string {
  return `${podmanDeploymentName(sandboxName, workload)}-pod-0`;
}

/** The name `podman kube play` gives a container of that pod. */
export function podmanContainerName(sandboxName: string, workload: string, container: string): string {
  return `${podmanPodName(sandboxName, workload)}-${container}`;
}

function rewriteDeployment(
  deployment: Deployment,
  ctx: PrepareContext,
  ports = new Map<number, number>(),
): void {
  const workload = deployment.metadata!.name!;
  const labels = { ...ctx.labels, [SANDBOX_LABELS.workload]: workload };
  deployment.metadata = {
    ...deployment.metadata,
    name: podmanDeploymentName(ctx.sandboxName, workload),
    labels: { ...deployment.metadata?.labels, ...labels },
  };
  delete deployment.metadata.namespace;
  const spec = deployment.spec!;
  spec.replicas = 1;
  // kube play copies template labels onto the pod and its containers: that is how they get found.
  spec.template.metadata = {
    ...spec.template.metadata,
    labels: { ...spec.template.metadata?.labels, ...labels },
  };
  const containers = spec.template.spec!.containers;
  const unclaimed = new Map(ports);
  for (const container of containers) {
    // The host probes readiness itself; podman's probe emulation needs systemd and curl.
    delete container.livenessProbe;
    delete container.readinessProbe;
    delete container.startupProbe;
    // Every declared port was given a loopback port by planWorkload; a fixed hostPort from the
    // manifests is replaced, as it would collide between control and candidate. A port declared
    // twice in one pod is kept once.
    container.ports = (container.ports ?? []).flatMap((port) => {
      const hostPort = unclaimed.get(port.containerPort);
      if (hostPort === undefined) return [];
      unclaimed.delete(port.containerPort);
      return [{ ...port, hostPort, hostIP: '127.0.0.1' }];
    });
  }
  // Ports a Service or probe targets but no container declares (the "wrong port" incident): the
  // pod shares one network namespace, so declaring them on the first container publishes them.
  const first = containers[0] as Container;
  for (const [containerPort, hostPort] of unclaimed) {
    first.ports = [...(first.ports ?? []), { containerPort, hostPort, hostIP: '127.0.0.1', protocol: 'TCP' }];
  }
}
