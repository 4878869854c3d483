// The in-process incident queue. Work is keyed by incident fingerprint:
// - one key never runs twice at once (two workers would race for the same branch and PR);
// - different keys run concurrently, up to `concurrency`;
// - an alert storm coalesces: while a key waits, a new job replaces the waiting one; while it
//   runs, one rerun is kept (the latest job) so the newest alert state is always handled once more.
// State lives in the instance returned by createIncidentQueue, never at module level.
import type { Logger } from 'pino';

export type Job = () => Promise<void>;

/** `queued`: new work; `coalesced`: folded into work already waiting for that key. */
export type EnqueueResult = 'queued' | 'coalesced';

export interface IncidentQueue {
  enqueue(key: string, job: Job): EnqueueResult;
  /** Jobs waiting or running (a pending rerun counts as one). */
  readonly depth: number;
  /** True at or above maxDepth: readiness fails and new alerts get 503 until it drains. */
  saturated(): boolean;
  /** Resolves once nothing waits or runs. */
  idle(): Promise<void>;
}

/** Waits until the queue has handled every incident, or `timeoutMs`; false on timeout. */
export async function idleWithin(queue: Pick<IncidentQueue, 'idle'>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const idle = await Promise.race([
    queue.idle().then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  return idle;
}

export interface QueueOptions {
  concurrency: number;
  maxDepth: number;
  log: Logger;
}

interface Entry {
  job: Job;
  running: boolean;
  /** The rerun kept while the key runs. */
  next?: Job;
}

export function createIncidentQueue({ concurrency, maxDepth, log }: QueueOptions): IncidentQueue {
  const entries = new Map<string, Entry>();
  const waiting: string[] = [];
  let running = 0;
  let idleWaiters: (() => void)[] = [];

  const depth = () => {
    let n = 0;
    for (const entry of entries.values()) n += entry.next ? 2 : 1;
    return n;
  };

  const pump = () => {
    while (running < concurrency && waiting.length > 0) {
      const key = waiting.shift()!;
      const entry = entries.get(key)!;
      entry.running = true;
      running += 1;
      // Started on a microtask so that the caller finishes (and logs) the enqueue first.
      queueMicrotask(() => void execute(key, entry));
    }
    if (entries.size === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };

  const execute = async (key: string, entry: Entry) => {
    try {
      await entry.job();
    } catch (error: unknown) {
      // The job logs its own failures; this only catches what escaped it.
      log.error({ err: error, fingerprint: key }, 'incident job failed');
    } finally {
      running -= 1;
      if (entry.next) {
        entry.job = entry.next;
        delete entry.next;
        entry.running = false;
        waiting.push(key);
      } else {
        entries.delete(key);
      }
      pump();
    }
  };

  return {
    enqueue(key, job) {
      const entry = entries.get(key);
      if (!entry) {
        entries.set(key, { job, running: false });
        waiting.push(key);
        pump();
        return 'queued';
      }
      if (!entry.running || entry.next) {
        if (entry.running) entry.next = job;
        else entry.job = job;
        return 'coalesced';
      }
      entry.next = job;
      return 'queued';
    },
    get depth() {
      return depth();
    },
    saturated: () => depth() >= maxDepth,
    idle: () =>
      entries.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve)),
  };
}
