// Counting OOM kills from podman's event log. podman 4.3's conmon does not notice a cgroup-v1 OOM
// on these hosts: State.OOMKilled stays false and no `oom` event is written, and the restart
// policy wipes the container state anyway. What remains is the kernel's SIGKILL: a `died` event
// with exit code 137 that no podman `kill`/`stop` asked for, in a container with a memory limit.
// A host where conmon does report OOM writes an `oom` event first; it is counted once either way.

export interface PodmanEvent {
  ID?: string;
  Status?: string;
  Time?: string;
  ContainerExitCode?: number;
}

const SIGKILL_EXIT = 137;

/** Container id → OOM kills seen in `events` (in log order). */
export function countOomKills(
  events: readonly PodmanEvent[],
  hasMemoryLimit: (containerId: string) => boolean,
): Map<string, number> {
  const counts = new Map<string, number>();
  const sinceStart = new Map<string, { oom: boolean; askedToStop: boolean }>();
  for (const event of events) {
    const id = event.ID;
    if (!id) continue;
    const state = sinceStart.get(id) ?? { oom: false, askedToStop: false };
    sinceStart.set(id, state);
    switch (event.Status) {
      case 'init':
      case 'start':
      case 'restart':
        sinceStart.set(id, { oom: false, askedToStop: false });
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
        if (state.oom || killedByKernel) counts.set(id, (counts.get(id) ?? 0) + 1);
        sinceStart.set(id, { oom: false, askedToStop: false });
        break;
      }
    }
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
