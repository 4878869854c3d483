// What the verdict needs from a virtual cluster, per container of the sandbox's pods: restarts
// (restartCount), OOM kills (a termination with reason OOMKilled, current or last), running, ready,
// the memory limit from the spec and, only where the metrics API answers, current memory use.
import type { CoreV1Api, Metrics, V1Pod } from '@kubernetes/client-node';
import { parseQuantity } from '../../core/quantity.js';
import { SANDBOX_LABELS } from '../labels.js';
import type { ContainerObservation } from '../sandbox.js';
import type { TerminationTracker } from './pod-terminations.js';

export interface ObservePodsContext {
  core: CoreV1Api;
  /** Absent, or answering 404, means no memory figures (memoryBytes undefined). */
  metrics?: Metrics;
  sandboxName: string;
  namespaces: readonly string[];
  /** OOM kills seen by the pod watch, which the current status alone can undercount. */
  terminations?: Pick<TerminationTracker, 'oomKills' | 'record'>;
}

export async function listSandboxPods(
  core: CoreV1Api,
  sandboxName: string,
  namespaces: readonly string[],
): Promise<V1Pod[]> {
  const labelSelector = `${SANDBOX_LABELS.sandbox}=${sandboxName}`;
  const lists = await Promise.all(
    namespaces.map((namespace) => core.listNamespacedPod({ namespace, labelSelector })),
  );
  return lists.flatMap((list) => list.items);
}

/** Pod/container → bytes in use, or undefined when the cluster serves no metrics API. */
async function memoryUsage(ctx: ObservePodsContext): Promise<Map<string, number> | undefined> {
  if (!ctx.metrics) return undefined;
  const usage = new Map<string, number>();
  try {
    for (const namespace of ctx.namespaces) {
      const list = await ctx.metrics.getPodMetrics(namespace);
      for (const pod of list.items) {
        for (const container of pod.containers) {
          const bytes = parseQuantity(container.usage.memory);
          if (bytes !== undefined) usage.set(`${pod.metadata.name}/${container.name}`, bytes);
        }
      }
    }
  } catch {
    // metrics-server is an add-on; a virtual cluster without it simply has no memory figures.
    return undefined;
  }
  return usage;
}

export async function observePods(ctx: ObservePodsContext): Promise<ContainerObservation[]> {
  const [pods, usage] = await Promise.all([
    listSandboxPods(ctx.core, ctx.sandboxName, ctx.namespaces),
    memoryUsage(ctx),
  ]);
  return pods.flatMap((pod) => {
    ctx.terminations?.record(pod);
    const podName = pod.metadata?.name ?? '';
    const workload = pod.metadata?.labels?.[SANDBOX_LABELS.workload] ?? podName;
    const specs = new Map((pod.spec?.containers ?? []).map((c) => [c.name, c]));
    return (pod.status?.containerStatuses ?? []).map((status): ContainerObservation => {
      const inStatus = [status.state?.terminated?.reason, status.lastState?.terminated?.reason].filter(
        (reason) => reason === 'OOMKilled',
      ).length;
      const oomKills = Math.max(inStatus, ctx.terminations?.oomKills(podName, status.name) ?? 0);
      const running = status.state?.running !== undefined;
      const limit = parseQuantity(specs.get(status.name)?.resources?.limits?.memory);
      const memory = running ? usage?.get(`${podName}/${status.name}`) : undefined;
      return {
        workload,
        container: status.name,
        restarts: status.restartCount ?? 0,
        oomKills,
        running,
        ready: status.ready === true,
        ...(memory !== undefined ? { memoryBytes: memory } : {}),
        ...(limit !== undefined ? { memoryLimitBytes: limit } : {}),
      };
    });
  });
}
