// endpoint(service) for a virtual cluster: one loopback listener per Service port, opened when the
// manifests are applied, each accepted connection port-forwarded (client-node PortForward, the
// API server's websocket protocol) to a ready pod behind the Service, the way `kubectl
// port-forward svc/NAME` picks one. The pod is chosen per connection, so a restarted pod is found.
import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import type { CoreV1Api, PortForward, V1Pod, V1ServicePort } from '@kubernetes/client-node';
import { SANDBOX_LABELS } from '../labels.js';
import type { ServiceRef } from './apply-manifests.js';

export interface ForwardedService {
  name: string;
  /** Service port number and name (when named) → loopback port. */
  ports: Map<string, number>;
  firstLocalPort: number;
}

export interface ForwardContext {
  core: CoreV1Api;
  forward: PortForward;
  sandboxName: string;
}

export interface ServiceForwards {
  /** Undefined for a Service without ports (e.g. ExternalName): nothing to reach. */
  forward(service: ServiceRef): Promise<ForwardedService | undefined>;
  close(): Promise<void>;
}

interface ClosableSocket {
  close(): void;
  on?(event: 'close', listener: () => void): void;
}

function isReady(pod: V1Pod): boolean {
  return (
    pod.status?.phase === 'Running' &&
    (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

function targetPortOf(pod: V1Pod, port: V1ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const container of pod.spec?.containers ?? []) {
    const named = container.ports?.find((p) => p.name === target);
    if (named) return named.containerPort;
  }
  return undefined;
}

export function createServiceForwards(ctx: ForwardContext): ServiceForwards {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();

  async function pickPod(namespace: string, selector: Record<string, string>): Promise<V1Pod | undefined> {
    const labelSelector = Object.entries({ ...selector, [SANDBOX_LABELS.sandbox]: ctx.sandboxName })
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    const pods = (await ctx.core.listNamespacedPod({ namespace, labelSelector })).items;
    return pods.find(isReady) ?? pods.find((pod) => pod.status?.phase === 'Running');
  }

  async function relay(
    socket: Socket,
    namespace: string,
    selector: Record<string, string>,
    port: V1ServicePort,
  ) {
    const pod = await pickPod(namespace, selector);
    const podPort = pod && targetPortOf(pod, port);
    if (!pod?.metadata?.name || podPort === undefined) {
      socket.destroy();
      return;
    }
    // Text on the error channel means the pod refused the connection: drop the client. (The
    // channel's opening port header reaches here as an empty chunk.)
    const errors = new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (chunk.length > 0) socket.destroy();
        done();
      },
    });
    const ws = (await ctx.forward.portForward(
      namespace,
      pod.metadata.name,
      [podPort],
      socket,
      errors,
      socket,
    )) as unknown as ClosableSocket;
    ws.on?.('close', () => socket.end());
    socket.once('close', () => ws.close());
  }

  async function listen(namespace: string, selector: Record<string, string>, port: V1ServicePort) {
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      relay(socket, namespace, selector, port).catch(() => socket.destroy());
    });
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('loopback listener has no port');
    return address.port;
  }

  return {
    async forward(service) {
      const live = await ctx.core.readNamespacedService({ name: service.name, namespace: service.namespace });
      const selector = live.spec?.selector ?? {};
      const ports = new Map<string, number>();
      let firstLocalPort: number | undefined;
      for (const port of live.spec?.ports ?? []) {
        const local = await listen(service.namespace, selector, port);
        firstLocalPort = firstLocalPort ?? local;
        ports.set(String(port.port), local);
        if (port.name) ports.set(port.name, local);
      }
      if (firstLocalPort === undefined) return undefined;
      return { name: service.name, ports, firstLocalPort };
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all(
        servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
      servers.length = 0;
    },
  };
}
