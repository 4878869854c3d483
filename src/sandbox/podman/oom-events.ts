// Counting OOM kills from podman's event log. podman 4.3's conmon does not notice a cgroup-v1 OOM
// on these hosts: State.OOMKilled stays false and no `oom` event is written, and the restart
// policy wipes the container state anyway. What remains is the kernel's SIGKILL: a `died` event
// with exit code 137 that no podman `kill`/`stop` asked for, in a container with a memory limit.
// A host where conmon does report OOM writes an `oom` event first; it is counted once either way.
import { SANDBOX_LABELS } from '../labels.js';
import type { PodmanRunner } from './podman-runner.js';

export interface PodmanEvent {
  ID?: string;
  Status?: string;
  Time?: string;
  ContainerExitCode?: number;
}

const SIGKILL_EXIT = 137;

/** One end of a container's life, as the event log tells it. */
export interface ContainerDeath {
  id: string;
  exitCode?: number;
  /** When it died (the `died` event's time). */
  time?: string;
  /** When that life began (its last `start`, `init` or `restart` event), when the log has it. */
  startedAt?: string;
  /** Killed by the kernel for its memory limit (see the header). */
  oom: boolean;
}

interface Life {
  oom: boolean;
  askedToStop: boolean;
  startedAt?: string;
}

/** Every `died` event of `events` (in log order), with whether it was an OOM kill. */
export function containerDeaths(
  events: readonly PodmanEvent[],
  hasMemoryLimit: (containerId: string) => boolean,
): ContainerDeath[] {
  const deaths: ContainerDeath[] = [];
  const sinceStart = new Map<string, Life>();
  const fresh = (startedAt?: string): Life => ({
    oom: false,
    askedToStop: false,
    ...(startedAt ? { startedAt } : {}),
  });
  for (const event of events) {
    const id = event.ID;
    if (!id) continue;
    const state = sinceStart.get(id) ?? fresh();
    sinceStart.set(id, state);
    switch (event.Status) {
      case 'init':
      case 'start':
      case 'restart':
        // `init` and `start` of one life follow each other: the last one is when it started.
        sinceStart.set(id, fresh(event.Time ?? state.startedAt));
        break;
      case 'oom':
        state.oom = true;
        break;
      case 'kill':
      case 'stop':
      case 'remove':
        state.askedToStop = true;
        break;
      case 'died': {
        const killedByKernel =
          event.ContainerExitCode === SIGKILL_EXIT && !state.askedToStop && hasMemoryLimit(id);
        deaths.push({
          id,
          ...(event.ContainerExitCode === undefined ? {} : { exitCode: event.ContainerExitCode }),
          ...(event.Time ? { time: event.Time } : {}),
          ...(state.startedAt ? { startedAt: state.startedAt } : {}),
          oom: state.oom || killedByKernel,
        });
        sinceStart.set(id, fresh());
        break;
      }
    }
  }
  return deaths;
}

/** Container id → OOM kills seen in `events` (in log order). */
export function countOomKills(
  events: readonly PodmanEvent[],
  hasMemoryLimit: (containerId: string) => boolean,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const death of containerDeaths(events, hasMemoryLimit)) {
    if (death.oom) counts.set(death.id, (counts.get(death.id) ?? 0) + 1);
  }
  return counts;
}

/** `podman events --format json` prints one JSON object per line. */
export function parseEventLines(stdout: string): PodmanEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as PodmanEvent);
}

/** The container events podman logged for a sandbox since `since`, oldest first. */
export async function sandboxEvents(
  podman: PodmanRunner,
  sandboxName: string,
  since: Date,
): Promise<PodmanEvent[]> {
  return parseEventLines(
    await podman([
      'events',
      '--stream=false',
      '--since',
      since.toISOString(),
      '--filter',
      `label=${SANDBOX_LABELS.sandbox}=${sandboxName}`,
      '--filter',
      'type=container',
      '--format',
      'json',
    ]),
  );
}
