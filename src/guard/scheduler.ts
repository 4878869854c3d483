// When the watch window of a deployed fix ends. Notifications fire once per revision, so nothing
// from Argo CD says "still healthy ten minutes later": the guard sets a timer in-process. The state
// it acts on is in GitHub, so a lost timer (restart) is re-armed from the PR's rollout comment
// (RolloutGuard.resume), and a timer that fires twice finds the decision already made.
export type Task = () => Promise<void>;

export interface Scheduler {
  /** Runs `task` at `when` (at once if past); a second call with the same key replaces the first. */
  at(key: string, when: Date, task: Task): void;
  /** Keys still waiting. */
  pending(): string[];
  cancelAll(): void;
}

/** setTimeout-backed; unref'd so that a pending window never keeps the process alive. */
export function createTimerScheduler(
  now: () => Date = () => new Date(),
  onError: (error: unknown) => void = () => {},
): Scheduler {
  const timers = new Map<string, NodeJS.Timeout>();
  return {
    at(key, when, task) {
      clearTimeout(timers.get(key));
      // setTimeout's limit is 2^31-1 ms (~24 days); windows are minutes.
      const delay = Math.min(Math.max(0, when.getTime() - now().getTime()), 2_147_483_647);
      const timer = setTimeout(() => {
        timers.delete(key);
        task().catch(onError);
      }, delay);
      timer.unref();
      timers.set(key, timer);
    },
    pending: () => [...timers.keys()],
    cancelAll() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
