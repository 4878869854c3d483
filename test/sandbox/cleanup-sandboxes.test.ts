// The janitor on real podman: a sandbox whose run died without destroy() (here: created with a
// clock two hours back and never destroyed) is removed by TTL; a fresh one is left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRunId, SANDBOX_LABELS } from '../../src/sandbox/labels.js';
import { cleanupSandboxes } from '../../src/sandbox/podman/cleanup-sandboxes.js';
import { createPodmanBackend } from '../../src/sandbox/podman/podman-sandbox.js';
import { listLabelled, removeLabelled } from '../../src/sandbox/podman/remove-labelled.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import {
  buildDemoImage,
  demoManifests,
  expectNothingLeft,
  requirePodman,
  skipPodman,
  testPodman,
} from './helpers/podman-test-env.js';

const HOUR = 3_600_000;

describe.skipIf(skipPodman)('cleanupSandboxes (TTL janitor)', () => {
  const podman = testPodman();
  const staleRun = newRunId();
  const freshRun = newRunId();
  let fresh: Sandbox | undefined;
  let podmanFound = false;

  beforeAll(async () => {
    requirePodman();
    podmanFound = true;
    await buildDemoImage();
  }, 120_000);

  afterAll(async () => {
    if (!podmanFound) return; // the one-line failure of beforeAll says why
    await fresh?.destroy();
    // A failure before cleanupSandboxes ran must not leave the stale sandbox behind.
    await removeLabelled(podman, `${SANDBOX_LABELS.run}=${staleRun}`);
    await expectNothingLeft(podman, freshRun);
    await expectNothingLeft(podman, staleRun);
  });

  it('removes sandboxes older than the TTL with their pods, containers, network and volume; keeps fresh ones', async () => {
    const twoHoursAgo = () => Date.now() - 2 * HOUR;
    const stale = await createPodmanBackend({ podman, now: twoHoursAgo }).create({
      role: 'control',
      runId: staleRun,
    });
    await stale.apply(demoManifests());
    // A leftover volume too, labelled the way the sandbox labels everything it makes.
    await podman([
      'volume',
      'create',
      '--label',
      `${SANDBOX_LABELS.sandbox}=${stale.name}`,
      '--label',
      `${SANDBOX_LABELS.run}=${staleRun}`,
      '--label',
      `${SANDBOX_LABELS.created}=${Math.floor(twoHoursAgo() / 1000)}`,
      `${stale.name}-data`,
    ]);
    fresh = await createPodmanBackend({ podman }).create({ role: 'candidate', runId: freshRun });

    const before = await listLabelled(podman, `${SANDBOX_LABELS.run}=${staleRun}`);
    expect(before.pods).toHaveLength(1);
    expect(before.containers).toHaveLength(1); // the infra container carries no labels
    expect(before.networks).toHaveLength(1);
    expect(before.volumes).toHaveLength(1);

    const result = await cleanupSandboxes({ podman, olderThanMs: HOUR });

    expect(result.removed).toContain(stale.name);
    expect(result.removed).not.toContain(fresh.name);
    expect(result.kept).toContain(fresh.name);
    await expectNothingLeft(podman, staleRun);
    expect((await listLabelled(podman, `${SANDBOX_LABELS.run}=${freshRun}`)).networks).toHaveLength(1);
  });
});
