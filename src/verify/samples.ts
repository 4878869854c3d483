// One time series per side: latency p95 from the load run and memory from the sandbox's
// observer, which samples on its own clock, lined up by whole seconds since the measured run began.
import type { Sample } from './types.js';

export interface MemoryReading {
  /** Epoch ms. */
  atMs: number;
  bytes: number;
}

export function mergeSamples(
  latency: readonly Sample[],
  memory: readonly MemoryReading[],
  startedAtMs: number,
): Sample[] {
  const bySecond = new Map<number, Sample>();
  const at = (tSec: number): Sample => {
    const key = Math.round(tSec);
    const existing = bySecond.get(key) ?? { tSec: key };
    bySecond.set(key, existing);
    return existing;
  };
  for (const sample of latency) {
    if (sample.latencyP95Ms !== undefined) at(sample.tSec).latencyP95Ms = sample.latencyP95Ms;
    else at(sample.tSec);
  }
  for (const reading of memory) {
    // Readings from before the measured run (warm-up, start-up) are not on this time axis.
    const tSec = (reading.atMs - startedAtMs) / 1000;
    if (tSec < -0.5) continue;
    const sample = at(Math.max(0, tSec));
    sample.memoryBytes = Math.max(sample.memoryBytes ?? 0, reading.bytes);
  }
  return [...bySecond.values()].sort((a, b) => a.tSec - b.tSec);
}
