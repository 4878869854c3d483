// The demo's narration: one line per step, stamped with the time since the start (`[01:07] …`),
// and the duration of each step for the closing summary.

export interface Timeline {
  /** Prints one stamped line. */
  say(message: string): void;
  /** Runs one step, recording how long it took under `name`. */
  step<T>(name: string, work: () => Promise<T>): Promise<T>;
  elapsedMs(): number;
  /** Step name → milliseconds, in the order the steps ran. */
  readonly steps: Map<string, number>;
  readonly lines: string[];
}

export function createTimeline(write: (line: string) => void, now: () => number = Date.now): Timeline {
  const started = now();
  const steps = new Map<string, number>();
  const lines: string[] = [];
  return {
    steps,
    lines,
    say(message) {
      const line = `[${clock(now() - started)}] ${message}`;
      lines.push(line);
      write(line);
    },
    async step(name, work) {
      const t0 = now();
      try {
        return await work();
      } finally {
        steps.set(name, (steps.get(name) ?? 0) + now() - t0);
      }
    },
    elapsedMs: () => now() - started,
  };
}

/** `mm:ss`, minutes growing past 59 rather than wrapping. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/** `1.4 s` / `2m05s`. */
export function seconds(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  const total = Math.round(ms / 1000);
  return `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s`;
}
