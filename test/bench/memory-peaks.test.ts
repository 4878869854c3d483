// The benchmarks' memory figures: the peak counts what the process keeps elsewhere on its behalf,
// its process helper's own pages, which exist only while a helper runs.
import { afterEach, describe, expect, it } from 'vitest';
import { withMemoryPeaks } from '../../src/bench/gitops-bench.js';
import { helperMemory } from '../../src/bench/server-bench.js';
import { startProcessHelper, stopProcessHelper } from '../../src/process/process-helper.js';
import { runProcess } from '../../src/process/run-process.js';

afterEach(() => stopProcessHelper());

describe('memory peaks', () => {
  it('add what is held elsewhere to the RSS', async () => {
    const elsewhere = 10 * 1024 ** 4; // far beyond any real RSS
    const { rss, result } = await withMemoryPeaks(
      async () => 'done',
      () => elsewhere,
    );
    expect(result).toBe('done');
    expect(rss).toBeGreaterThan(elsewhere);
    expect(rss).toBeLessThan(elsewhere + process.memoryUsage.rss() * 2);
  });

  it("count the process helper's own pages while it runs, and nothing without one", async () => {
    expect(helperMemory()).toBe(0);
    startProcessHelper();
    await runProcess('true', []);
    expect(helperMemory()).toBeGreaterThan(1024 * 1024);
    // Its own pages, not the Node binary it shares with this process.
    expect(helperMemory()).toBeLessThan(process.memoryUsage.rss());
  });
});
