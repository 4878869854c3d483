// The demo's production runs on podman, but the bot reads a cluster: this turns what podman
// observed into the snapshot format of DESIGN.md §5 (`kubectl cluster-info dump` layout) — the
// Deployment and its ReplicaSet as rendered from the GitOps repository, the pod with the real
// restart count and last termination, kubelet-style events from podman's event log, the node it
// ran on, and the container's log. Nothing here is made up: every status value comes from podman.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ContainerStatus, Deployment, KubeEvent, Node, Pod, ReplicaSet, Service } from '../core/k8s.js';
import { formatLogBlock } from '../evidence/log-blocks.js';
import { SNAPSHOT_FILES } from '../evidence/snapshot-reader.js';
import type { PodmanEvent } from '../sandbox/podman/oom-events.js';
import type { ObservedContainer, Termination } from './podman-observed.js';

export interface SnapshotInput {
  namespace: string;
  /** The Deployment as rendered from the repository (what production runs). */
  deployment: Deployment;
  services: Service[];
  /** One per container of the pod, in template order. */
  containers: ObservedContainer[];
  /** podman's events of those containers (create, start, died…), for the pod's events. */
  events: readonly PodmanEvent[];
  /** Container name → its log (all lives, as `podman logs` prints them). */
  logs: Record<string, string>;
  node: { name: string; memoryBytes: number; cpus: number; runtime: string };
}

export interface ClusterSnapshot {
  podName: string;
  /** Path inside the snapshot folder → JSON object or text. */
  files: Map<string, unknown>;
}

/** Controllers name pods from this alphabet (k8s.io/apimachinery/pkg/util/rand). */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

export function buildClusterSnapshot(input: SnapshotInput): ClusterSnapshot {
  const { namespace, deployment } = input;
  const workload = deployment.metadata?.name ?? 'app';
  const template = deployment.spec?.template;
  const hash = safeString(JSON.stringify(template ?? {}), 10);
  const rsName = `${workload}-${hash}`;
  const podName = `${rsName}-${safeString(input.containers[0]?.containerId ?? workload, 5)}`;
  const created = earliest(input.containers.map((c) => c.createdAt)) ?? new Date(0).toISOString();
  const deploymentUid = uid(`deployment/${namespace}/${workload}`);
  const rsUid = uid(`replicaset/${namespace}/${rsName}`);
  const podUid = uid(`pod/${namespace}/${podName}`);
  const ready = input.containers.length > 0 && input.containers.every((c) => c.running);
  const templateLabels = { ...template?.metadata?.labels, 'pod-template-hash': hash };
  const revision = { 'deployment.kubernetes.io/revision': '1' };

  const deploymentObject: Deployment = {
    ...deployment,
    metadata: {
      ...deployment.metadata,
      name: workload,
      namespace,
      uid: deploymentUid,
      generation: 1,
      creationTimestamp: seconds(created),
      annotations: { ...deployment.metadata?.annotations, ...revision },
    },
    status: {
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: ready ? 1 : 0,
      availableReplicas: ready ? 1 : 0,
      ...(ready ? {} : { unavailableReplicas: 1 }),
    },
  } as Deployment;
  const replicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rsName,
      namespace,
      uid: rsUid,
      creationTimestamp: seconds(created),
      labels: templateLabels,
      annotations: { ...revision, 'deployment.kubernetes.io/desired-replicas': '1' },
      ownerReferences: [owner('apps/v1', 'Deployment', workload, deploymentUid)],
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { ...deployment.spec?.selector?.matchLabels, 'pod-template-hash': hash } },
      template: { ...template, metadata: { ...template?.metadata, labels: templateLabels } },
    },
    status: { replicas: 1, readyReplicas: ready ? 1 : 0, availableReplicas: ready ? 1 : 0 },
  } as ReplicaSet;
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName,
      generateName: `${rsName}-`,
      namespace,
      uid: podUid,
      creationTimestamp: seconds(created),
      labels: templateLabels,
      ownerReferences: [owner('apps/v1', 'ReplicaSet', rsName, rsUid)],
    },
    spec: { ...template?.spec, nodeName: input.node.name, restartPolicy: 'Always' },
    status: {
      phase: input.containers.some((c) => c.running) ? 'Running' : 'Failed',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      startTime: seconds(created),
      containerStatuses: input.containers.map(containerStatus),
    },
  } as Pod;
  const services = input.services.map((service) => ({
    ...service,
    metadata: {
      ...service.metadata,
      namespace,
      uid: uid(`service/${namespace}/${service.metadata?.name}`),
      creationTimestamp: seconds(created),
    },
  }));
  const node = nodeObject(input.node, created);

  const files = new Map<string, unknown>();
  const inNs = (kind: keyof typeof SNAPSHOT_FILES) => path.posix.join(namespace, SNAPSHOT_FILES[kind].file);
  files.set(SNAPSHOT_FILES.nodes.file, list('NodeList', 'v1', [node]));
  files.set(inNs('pods'), list('PodList', 'v1', [pod]));
  files.set(inNs('deployments'), list('DeploymentList', 'apps/v1', [deploymentObject]));
  files.set(inNs('replicasets'), list('ReplicaSetList', 'apps/v1', [replicaSet]));
  files.set(inNs('services'), list('ServiceList', 'v1', services));
  files.set(inNs('daemonsets'), list('DaemonSetList', 'apps/v1', []));
  files.set(
    path.posix.join(namespace, 'replication-controllers.json'),
    list('ReplicationControllerList', 'v1', []),
  );
  files.set(
    inNs('events'),
    list('EventList', 'v1', podEvents({ namespace, podName, podUid, node: input.node.name, input })),
  );
  const logs = input.containers.map((c) =>
    formatLogBlock(namespace, podName, c.name, input.logs[c.name] ?? ''),
  );
  files.set(path.posix.join(namespace, podName, 'logs.txt'), logs.join(''));
  return { podName, files };
}

export async function writeClusterSnapshot(dir: string, snapshot: ClusterSnapshot): Promise<void> {
  for (const [file, content] of snapshot.files) {
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, typeof content === 'string' ? content : `${JSON.stringify(content, null, 4)}\n`);
  }
}

function containerStatus(container: ObservedContainer): ContainerStatus {
  const last = container.terminations.at(-1);
  const id = `podman://${container.containerId}`;
  const state: ContainerStatus['state'] = container.running
    ? { running: { startedAt: seconds(container.startedAt) } }
    : last
      ? { terminated: terminated(last, id) }
      : { waiting: { reason: 'ContainerCreating' } };
  // While running, the previous life is the last state; once stopped, the one before the last.
  const previous = container.running ? last : container.terminations.at(-2);
  return {
    name: container.name,
    state,
    lastState: previous ? { terminated: terminated(previous, id) } : {},
    ready: container.running,
    restartCount: container.restartCount,
    image: container.image,
    imageID: container.imageId ? `${container.image}@sha256:${container.imageId}` : container.image,
    containerID: id,
    started: container.running,
  };
}

function terminated(termination: Termination, containerID: string) {
  return {
    exitCode: termination.exitCode,
    reason: termination.reason,
    ...(termination.startedAt ? { startedAt: seconds(termination.startedAt) } : {}),
    ...(termination.finishedAt ? { finishedAt: seconds(termination.finishedAt) } : {}),
    containerID,
  };
}

interface EventContext {
  namespace: string;
  podName: string;
  podUid: string;
  node: string;
  input: SnapshotInput;
}

/** The kubelet's events for what podman did: Pulled, Created and Started once per life, counted. */
function podEvents(ctx: EventContext): KubeEvent[] {
  const events: KubeEvent[] = [];
  for (const container of ctx.input.containers) {
    const mine = ctx.input.events.filter((e) => e.ID === container.containerId && e.Time);
    const times = (status: string) => mine.filter((e) => e.Status === status).map((e) => e.Time as string);
    const starts = times('start');
    // podman restarts at once (no back-off): each life is one `init` and one `start`.
    const creates = times('init');
    const add = (reason: string, message: string, stamps: string[], type = 'Normal') => {
      if (stamps.length === 0) return;
      events.push(event(ctx, container.name, { reason, message, stamps, type }));
    };
    add('Pulled', `Container image "${container.image}" already present on machine`, creates);
    add('Created', `Created container ${container.name}`, creates);
    add('Started', `Started container ${container.name}`, starts);
  }
  return events;
}

function event(
  ctx: EventContext,
  container: string,
  e: { reason: string; message: string; stamps: string[]; type: string },
): KubeEvent {
  const first = seconds(e.stamps[0]);
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${ctx.podName}.${createHash('sha256').update(`${container}/${e.reason}`).digest('hex').slice(0, 16)}`,
      namespace: ctx.namespace,
      creationTimestamp: first,
    },
    involvedObject: {
      kind: 'Pod',
      namespace: ctx.namespace,
      name: ctx.podName,
      uid: ctx.podUid,
      apiVersion: 'v1',
      fieldPath: `spec.containers{${container}}`,
    },
    reason: e.reason,
    message: e.message,
    source: { component: 'kubelet', host: ctx.node },
    firstTimestamp: first,
    lastTimestamp: seconds(e.stamps.at(-1)),
    count: e.stamps.length,
    type: e.type,
  } as KubeEvent;
}

function nodeObject(node: SnapshotInput['node'], created: string): Node {
  const memory = `${Math.floor(node.memoryBytes / 1024)}Ki`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      uid: uid(`node/${node.name}`),
      creationTimestamp: seconds(created),
      labels: { 'kubernetes.io/hostname': node.name, 'kubernetes.io/os': 'linux' },
    },
    status: {
      capacity: { cpu: String(node.cpus), memory },
      allocatable: { cpu: String(node.cpus), memory },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: `${node.runtime} host` },
      ],
    },
  } as Node;
}

function list(kind: string, apiVersion: string, items: unknown[]) {
  return { kind, apiVersion, metadata: { resourceVersion: '1' }, items };
}

function owner(apiVersion: string, kind: string, name: string, ownerUid: string) {
  return { apiVersion, kind, name, uid: ownerUid, controller: true, blockOwnerDeletion: true };
}

/** The API server's timestamps: RFC 3339 to the second. */
function seconds(stamp: string | undefined): string {
  const ms = Date.parse(stamp ?? '');
  return Number.isFinite(ms) ? `${new Date(ms).toISOString().slice(0, 19)}Z` : new Date(0).toISOString();
}

function earliest(stamps: (string | undefined)[]): string | undefined {
  const times = stamps.map((s) => Date.parse(s ?? '')).filter(Number.isFinite);
  return times.length ? new Date(Math.min(...times)).toISOString() : undefined;
}

/** A stable name part from the controller alphabet, derived from `seed`. */
function safeString(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  return Array.from(digest.subarray(0, length), (byte) => SAFE[byte % SAFE.length]).join('');
}

function uid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
