// The fake must behave like the interface promises, or tests written against it lie.
import { expect, it } from 'vitest';
import { createFakeBackend } from '../../src/sandbox/fake-sandbox.js';

it('follows its script per role and records the calls, including destroy after a timeout', async () => {
  const backend = createFakeBackend({
    control: {
      ready: { status: 'timed_out', elapsedMs: 3000, waitingFor: ['demo-app/app (not ready)'] },
      containers: [
        { workload: 'demo-app', container: 'app', restarts: 2, oomKills: 1, running: true, ready: false },
        {
          workload: 'demo-app',
          container: 'side',
          restarts: 1,
          oomKills: 0,
          running: true,
          ready: true,
          memoryBytes: 5,
        },
      ],
      endpoints: { 'demo-app': 'http://127.0.0.1:1' },
    },
  });
  const control = await backend.create({ role: 'control', runId: 'r1' });
  expect(await control.apply('kind: Deployment')).toEqual({
    workloads: ['demo-app'],
    services: ['demo-app'],
    skipped: [],
    notes: [],
  });
  expect(await control.waitReady(3000)).toMatchObject({ status: 'timed_out' });
  expect(control.endpoint('demo-app')).toBe('http://127.0.0.1:1');
  expect(() => control.endpoint('other')).toThrow(/no endpoint scripted for Service other/);
  expect((await control.observe()).totals).toEqual({
    restarts: 3,
    oomKills: 1,
    ready: false,
    memoryBytes: 5,
  });
  await control.destroy();
  expect(backend.created[0]?.calls).toEqual([
    'apply',
    'waitReady:3000',
    'endpoint:demo-app',
    'endpoint:other',
    'observe',
    'destroy',
  ]);
  expect(backend.created[0]?.destroyed).toBe(true);

  const candidate = await backend.create({ role: 'candidate', runId: 'r1' });
  expect(candidate.name).toBe('aegis-r1-candidate');
  expect(await candidate.waitReady(10)).toEqual({ status: 'ready', elapsedMs: 0 });
  expect((await candidate.observe()).totals.ready).toBe(false); // nothing running is never ready
});
