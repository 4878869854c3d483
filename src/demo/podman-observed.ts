// What podman saw of one production container, in Kubernetes terms: its restarts, its current
// life, and how each earlier life ended (exit code, OOM kill), read from `podman container
// inspect` and the event log. Pure, so that the conversion can be tested with real podman output.
import { type ContainerDeath, containerDeaths, type PodmanEvent } from '../sandbox/podman/oom-events.js';

/** The fields of one `podman container inspect` entry that the demo reads. */
export interface PodmanInspect {
  Id: string;
  Name: string;
  Created?: string;
  RestartCount?: number;
  /** Image reference, e.g. `localhost/aegis-demo-app:dev`. */
  ImageName?: string;
  /** Image id (sha256 hex). */
  Image?: string;
  State?: {
    Status?: string;
    Running?: boolean;
    OOMKilled?: boolean;
    ExitCode?: number;
    StartedAt?: string;
    FinishedAt?: string;
  };
  /** Memory limit in bytes; 0 means none. */
  HostConfig?: { Memory?: number };
}

export interface Termination {
  exitCode: number;
  /** As the kubelet reports it: OOMKilled, Error or Completed. */
  reason: 'OOMKilled' | 'Error' | 'Completed';
  startedAt?: string;
  finishedAt?: string;
}

export interface ObservedContainer {
  /** The container's name in the manifests. */
  name: string;
  containerId: string;
  image: string;
  imageId?: string;
  createdAt?: string;
  restartCount: number;
  running: boolean;
  /** Start of the current life (while running). */
  startedAt?: string;
  memoryLimitBytes?: number;
  /** Every earlier life's end, oldest first. */
  terminations: Termination[];
  oomKills: number;
}

export function observeContainer(
  name: string,
  inspect: PodmanInspect,
  events: readonly PodmanEvent[],
): ObservedContainer {
  const limit = inspect.HostConfig?.Memory;
  const memoryLimitBytes = limit && limit > 0 ? limit : undefined;
  const deaths = containerDeaths(
    events.filter((event) => event.ID === inspect.Id),
    () => memoryLimitBytes !== undefined,
  );
  const terminations = deaths.map(toTermination);
  // A host where conmon notices the OOM flags the current state without a matching `oom` event in
  // our window (events older than the window): trust the flag for the last death.
  const last = terminations.at(-1);
  if (last && inspect.State?.OOMKilled && last.exitCode === 137) last.reason = 'OOMKilled';
  const running = inspect.State?.Running === true;
  return {
    name,
    containerId: inspect.Id,
    image: inspect.ImageName ?? 'unknown',
    ...(inspect.Image ? { imageId: inspect.Image } : {}),
    ...(inspect.Created ? { createdAt: inspect.Created } : {}),
    restartCount: inspect.RestartCount ?? 0,
    running,
    ...(running && inspect.State?.StartedAt ? { startedAt: inspect.State.StartedAt } : {}),
    ...(memoryLimitBytes ? { memoryLimitBytes } : {}),
    terminations,
    oomKills: terminations.filter((t) => t.reason === 'OOMKilled').length,
  };
}

function toTermination(death: ContainerDeath): Termination {
  const exitCode = death.exitCode ?? 0;
  const reason = death.oom ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
  return {
    exitCode,
    reason,
    ...(death.startedAt ? { startedAt: death.startedAt } : {}),
    ...(death.time ? { finishedAt: death.time } : {}),
  };
}
