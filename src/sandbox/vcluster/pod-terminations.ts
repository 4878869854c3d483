// Counting OOM kills from a watch of the sandbox's pods. A pod status only shows the current and
// the last termination: a container OOM-killed three times between two looks would count once.
// Watching, every termination the API server reports is seen as it happens and counted once,
// keyed by its container id and finish time (Kubernetes repeats it in lastState afterwards).
import { type KubeConfig, type V1Pod, Watch } from '@kubernetes/client-node';
import { SANDBOX_LABELS } from '../labels.js';

export interface TerminationTracker {
  /** OOM kills seen for `pod/container` since the watch began. */
  oomKills(pod: string, container: string): number;
  /** Records one pod state (from the watch, or a list). */
  record(pod: V1Pod): void;
  stop(): void;
}

export function createTerminationTracker(): TerminationTracker & {
  watch(kubeConfig: KubeConfig, sandboxName: string, namespace: string): Promise<void>;
} {
  const seen = new Map<string, Set<string>>();
  const aborts: AbortController[] = [];
  let stopped = false;
  const record = (pod: V1Pod) => {
    const podName = pod.metadata?.name ?? '';
    for (const status of pod.status?.containerStatuses ?? []) {
      for (const terminated of [status.state?.terminated, status.lastState?.terminated]) {
        if (terminated?.reason !== 'OOMKilled') continue;
        // A list gives finishedAt as a Date, a watch event as the wire's string: compare instants.
        const finished = terminated.finishedAt ? new Date(terminated.finishedAt).getTime() : '';
        const id = `${terminated.containerID ?? ''}@${finished}`;
        const key = `${podName}/${status.name}`;
        const kills = seen.get(key) ?? new Set<string>();
        kills.add(id);
        seen.set(key, kills);
      }
    }
  };
  return {
    record,
    oomKills: (pod, container) => seen.get(`${pod}/${container}`)?.size ?? 0,
    async watch(kubeConfig, sandboxName, namespace) {
      const request = await new Watch(kubeConfig).watch(
        `/api/v1/namespaces/${namespace}/pods`,
        { labelSelector: `${SANDBOX_LABELS.sandbox}=${sandboxName}` },
        (_type: string, pod: V1Pod) => record(pod),
        // The watch ends when the server closes it; observe() still lists pods, so nothing is lost
        // but the kills that happened in between (the status keeps the last one).
        () => {},
      );
      // A watch that started after stop() (it was not awaited) is ended at once.
      if (stopped) request.abort();
      else aborts.push(request);
    },
    stop() {
      stopped = true;
      for (const request of aborts.splice(0)) request.abort();
    },
  };
}
