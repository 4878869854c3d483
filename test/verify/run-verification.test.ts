// runVerification end to end on real podman and real git: the demo app at two commits, control
// (base) and candidate (head) side by side, a short load, and the verdict each incident must get.
// Every case ends by proving the run left nothing labelled behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRunId } from '../../src/sandbox/labels.js';
import { createPodmanBackend } from '../../src/sandbox/podman/podman-sandbox.js';
import { runVerification } from '../../src/verify/run-verification.js';
import { VerificationReport } from '../../src/verify/types.js';
import { VerificationConfig } from '../../src/verify/verify-config.js';
import {
  buildDemoImage,
  expectNothingLeft,
  requirePodman,
  skipPodman,
  testPodman,
} from '../sandbox/helpers/podman-test-env.js';
import { createDemoRepo, type DemoRepo, type DemoVariant } from './helpers/demo-repo.js';

// 4 MB retained per request at 10 req/s for 3 s: ~120 MB, far over 64Mi, well under 256Mi.
const LEAKING = { LEAK_MB_PER_REQUEST: '4' };
const config = (readyTimeoutSeconds = 30) =>
  VerificationConfig.parse({
    load: { paths: ['/'], connections: 2, rate: 10, durationSeconds: 3, warmupSeconds: 0 },
    sandbox: { readyTimeoutSeconds },
  });

describe.skipIf(skipPodman)('runVerification on podman', () => {
  const podman = testPodman();
  const repos: DemoRepo[] = [];

  beforeAll(async () => {
    requirePodman();
    await buildDemoImage();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(repos.map((repo) => repo.remove()));
  });

  async function verify(
    base: DemoVariant,
    head: DemoVariant,
    options: { layout?: 'plain' | 'kustomize'; timeout?: number } = {},
  ) {
    const repo = await createDemoRepo(base, head, { layout: options.layout ?? 'plain' });
    repos.push(repo);
    const runId = newRunId();
    const progress: string[] = [];
    const started = Date.now();
    const report = await runVerification({
      repoDir: repo.dir,
      base: repo.base,
      head: repo.head,
      backend: createPodmanBackend({ podman }),
      config: config(options.timeout),
      category: 'oom-killed',
      progress: (line) => progress.push(line),
      runId,
    });
    const tookMs = Date.now() - started;
    await expectNothingLeft(podman, runId);
    expect(VerificationReport.parse(report)).toEqual(report);
    return { report, progress, tookMs };
  }

  it('OOM fixed by a raised limit (kustomize): control is OOM-killed, candidate is not → pass', async () => {
    const { report, progress } = await verify(
      { memoryLimit: '64Mi', env: LEAKING },
      { memoryLimit: '256Mi', env: LEAKING },
      { layout: 'kustomize' },
    );
    expect(report.verdict, report.reasons.join('\n')).toBe('pass');
    expect(report.redGreen.outcome).toBe('red-green');
    expect(report.redGreen.statement).toMatch(
      /control \(base\) reproduced the incident .*OOM kill.*candidate \(head\) did not/,
    );
    expect(report.sides.control?.oomKills).toBeGreaterThan(0);
    expect(report.sides.candidate).toMatchObject({ oomKills: 0, restarts: 0, ready: true });
    expect(report.sides.candidate?.load.requests).toBeGreaterThan(10);
    expect(report.sides.candidate?.load.errors).toBe(0);
    // memory sampled during the load, on the same time axis as latency
    expect(report.sides.candidate?.samples.some((s) => (s.memoryBytes ?? 0) > 64 * 2 ** 20)).toBe(true);
    expect(report.scans.map((s) => [s.scanner, s.status])).toEqual([
      ['trivy', 'skipped'],
      ['zap', 'skipped'],
    ]);
    expect(Object.keys(report.timings.phases)).toEqual(
      expect.arrayContaining(['render', 'sandbox', 'load', 'observe', 'scans', 'cleanup']),
    );
    expect(progress.join('\n')).toMatch(/rendering kustomize apps\/demo at base and head/);
  }, 120_000);

  it('a head that crashes on start → fail, without waiting for the ready timeout', async () => {
    const { report, tookMs } = await verify(
      { memoryLimit: '128Mi' },
      { memoryLimit: '128Mi', env: { CRASH_ON_START: '1' } },
      { timeout: 60 },
    );
    expect(report.verdict, report.reasons.join('\n')).toBe('fail');
    expect(report.timedOut).toBeUndefined();
    expect(report.sides.candidate).toMatchObject({ ready: false });
    expect(report.sides.candidate?.restarts).toBeGreaterThanOrEqual(2);
    expect(report.checks.find((c) => c.name === 'candidate ready')?.status).toBe('fail');
    expect(tookMs).toBeLessThan(60_000);
  }, 120_000);

  it('a head that never gets ready → error (timed out) within the timeout', async () => {
    const { report, tookMs } = await verify(
      { memoryLimit: '128Mi' },
      { memoryLimit: '128Mi', env: { SLOW_START_SECONDS: '300' } },
      { timeout: 10 },
    );
    expect(report.verdict).toBe('error');
    expect(report.timedOut).toBe(true);
    expect(report.error).toMatch(/timed out.*within 10 s/);
    expect(report.sides).toEqual({});
    // the 10 s wait, plus render, start and cleanup
    expect(tookMs).toBeLessThan(30_000);
  }, 120_000);
});
