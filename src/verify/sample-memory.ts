// Memory of one sandbox while load runs: observe() on a fixed period, one call at a time (a
// podman call can take longer than the period on a busy host; overlapping calls would only add
// to that). A reading with no running container is left out: a gap, not a zero.
import type { Sandbox } from '../sandbox/sandbox.js';
import type { MemoryReading } from './samples.js';

export interface MemorySampler {
  /** Stops sampling and returns what was read, in time order. */
  stop(): Promise<MemoryReading[]>;
}

export function startMemorySampler(
  sandbox: Pick<Sandbox, 'observe'>,
  everyMs: number,
  now: () => number = Date.now,
): MemorySampler {
  const readings: MemoryReading[] = [];
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const loop = (async () => {
    while (!stopped) {
      const started = now();
      try {
        const observed = await sandbox.observe();
        const running = observed.containers.filter((c) => c.memoryBytes !== undefined);
        if (running.length > 0) {
          readings.push({ atMs: now(), bytes: running.reduce((sum, c) => sum + (c.memoryBytes ?? 0), 0) });
        }
      } catch {
        // A failed observation (podman busy, container between restarts) is one missing point.
      }
      const pause = Math.max(0, everyMs - (now() - started));
      if (!stopped && pause > 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, pause);
        });
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await loop;
      return readings;
    },
  };
}
