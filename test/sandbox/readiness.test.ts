// Starts that never become ready, on real podman: a crash on start (restarts, never ready), a slow
// start past the deadline and a wrong port (both running yet not ready). waitReady must answer
// `timed_out` within its timeout, which the verdict treats as an error of the run, not of the fix.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newRunId } from '../../src/sandbox/labels.js';
import { createPodmanBackend } from '../../src/sandbox/podman/podman-sandbox.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import {
  buildDemoImage,
  demoManifests,
  expectNothingLeft,
  requirePodman,
  skipPodman,
  testPodman,
} from './helpers/podman-test-env.js';

const SLACK_MS = 1500;

describe.skipIf(skipPodman)('podman sandbox: readiness', () => {
  const podman = testPodman();
  const backend = createPodmanBackend({ podman });
  let current: { sandbox: Sandbox; runId: string } | undefined;

  async function start(env: Record<string, string>): Promise<Sandbox> {
    const runId = newRunId();
    const sandbox = await backend.create({ role: 'candidate', runId });
    current = { sandbox, runId };
    await sandbox.apply(demoManifests({ env }));
    return sandbox;
  }

  beforeAll(async () => {
    requirePodman();
    await buildDemoImage();
  }, 120_000);

  afterEach(async () => {
    if (!current) return;
    await current.sandbox.destroy();
    await expectNothingLeft(podman, current.runId);
    current = undefined;
  });

  it('a crash on start is restarted by podman and never ready', async () => {
    const sandbox = await start({ CRASH_ON_START: '1' });
    const outcome = await sandbox.waitReady(4000);
    expect(outcome).toMatchObject({
      status: 'timed_out',
      waitingFor: [expect.stringMatching(/^demo-app\/app/)],
    });
    const seen = await sandbox.observe();
    expect(seen.totals.restarts).toBeGreaterThan(0);
    expect(seen.totals.ready).toBe(false);
    // Exit 1 is a crash, not an OOM kill.
    expect(seen.totals.oomKills).toBe(0);
  });

  it.each([
    ['slow start beyond the deadline', { SLOW_START_SECONDS: '600' }],
    ['the app listening on another port than the probe and Service', { PORT: '9090' }],
  ])('%s: running, not ready, timed_out within the timeout', async (_case, env) => {
    const sandbox = await start(env);
    const before = Date.now();
    const outcome = await sandbox.waitReady(3000);
    const took = Date.now() - before;
    expect(outcome.status).toBe('timed_out');
    expect(took).toBeLessThan(3000 + SLACK_MS);
    const seen = await sandbox.observe();
    expect(seen.containers).toEqual([expect.objectContaining({ running: true, ready: false, restarts: 0 })]);
    const answer = await fetch(`${sandbox.endpoint('demo-app')}/readyz`, {
      signal: AbortSignal.timeout(2000),
    }).then(
      (res) => res.status,
      () => 'unreachable',
    );
    expect(answer).not.toBe(200);
  });

  it('a slow start that finishes in time is ready only once its probe passes', async () => {
    const sandbox = await start({ SLOW_START_SECONDS: '3' });
    const outcome = await sandbox.waitReady(15_000);
    expect(outcome.status).toBe('ready');
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(2500);
    const res = await fetch(`${sandbox.endpoint('demo-app', 80)}/`);
    expect(res.status).toBe(200);
  });
});

describe.skipIf(skipPodman)('podman sandbox: cleanup after a failed apply', () => {
  const podman = testPodman();

  it('an image that cannot be found fails apply with podman’s reason, and destroy leaves nothing', async () => {
    requirePodman();
    const runId = newRunId();
    const sandbox = await createPodmanBackend({ podman }).create({ role: 'control', runId });
    const manifests = demoManifests();
    const deployment = manifests[0] as { spec: { template: { spec: { containers: { image: string }[] } } } };
    deployment.spec.template.spec.containers[0]!.image = 'localhost/aegis-no-such-image:missing';
    try {
      await expect(sandbox.apply(manifests)).rejects.toThrow(/^podman kube play: .*(image|pull|registry)/i);
    } finally {
      await sandbox.destroy();
      await sandbox.destroy(); // twice is harmless: the Action's finally and the janitor may both run
    }
    await expectNothingLeft(podman, runId);
  });
});
