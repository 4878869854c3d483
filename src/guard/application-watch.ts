// The other input of the rollout guard (DESIGN.md §8): a watch of Argo CD's Applications through
// client-node, for clusters where AEGIS can read them (AEGIS_ARGOCD_NAMESPACE). Each Application
// state becomes the event its notification trigger would have sent; one event per (Application,
// revision, trigger), so the watch's resends and relists stay quiet. The watch is restarted when
// the API server ends it (it does so every few minutes).
import { type KubeConfig, Watch } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { eventFromApplication, type RolloutEvent } from './rollout-event.js';

export interface ApplicationWatch {
  stop(): void;
}

export interface ApplicationWatchOptions {
  kubeConfig: KubeConfig;
  /** Argo CD's namespace (where Applications live), e.g. `argocd`. */
  namespace: string;
  onEvent: (event: RolloutEvent) => void;
  log: Logger;
  /** Wait before watching again after the stream ended or failed (default 5 s). */
  restartMs?: number;
}

/** Events remembered for deduplication; old ones are dropped first. */
const REMEMBERED = 10_000;

export function watchApplications(options: ApplicationWatchOptions): ApplicationWatch {
  const path = `/apis/argoproj.io/v1alpha1/namespaces/${options.namespace}/applications`;
  const seen = new Set<string>();
  let stopped = false;
  let current: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;

  const onObject = (type: string, app: Parameters<typeof eventFromApplication>[0]) => {
    if (type !== 'ADDED' && type !== 'MODIFIED') return;
    const event = eventFromApplication(app);
    if (!event) return;
    const key = `${event.applicationNamespace ?? ''}/${event.application}@${event.revision}:${event.trigger}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (seen.size > REMEMBERED) seen.delete(seen.values().next().value as string);
    options.onEvent(event);
  };

  const restart = (error?: unknown) => {
    current = undefined;
    if (stopped) return;
    if (error) options.log.warn({ err: error, path }, 'Argo CD Application watch ended; watching again');
    timer = setTimeout(start, options.restartMs ?? 5_000);
    timer.unref();
  };

  function start(): void {
    new Watch(options.kubeConfig)
      .watch(path, {}, onObject, (error: unknown) => restart(error))
      .then((request) => {
        if (stopped) request.abort();
        else current = request;
      })
      .catch((error: unknown) => restart(error));
  }

  start();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      current?.abort();
    },
  };
}
