// The event shape both inputs share: what a watched Application (the real fixtures) stands for, and
// which revision counts as known-good in Argo CD's history.
import { describe, expect, it } from 'vitest';
import { knownGoodRevision } from '../../src/guard/guard-rails.js';
import { eventFromApplication } from '../../src/guard/rollout-event.js';
import { DEGRADED_APP, fixtureApplication, HEALTHY_APP } from './world.js';

describe('eventFromApplication (for the applications.argoproj.io watch)', () => {
  it.each([
    [
      HEALTHY_APP,
      'on-deployed',
      'ea8759964626a583667a2bfd08f334ec2070040a',
      'https://github.com/foo/manifests-velero.git',
      10,
    ],
    [DEGRADED_APP, 'on-health-degraded', '3.4.1', 'https://storage.googleapis.com/t3n-helm-charts', 6],
  ])('reads %s as %s of %s', (file, trigger, revision, repoURL, history) => {
    const event = eventFromApplication(fixtureApplication(file));
    expect(event).toMatchObject({ trigger, revision, repoURL, operationPhase: 'Succeeded' });
    expect(event?.history).toHaveLength(history);
  });

  it('decides nothing while a sync runs on a healthy app, and reports a failed sync', () => {
    const app = structuredClone(fixtureApplication(HEALTHY_APP)) as {
      status: { operationState: { phase: string } };
    };
    app.status.operationState.phase = 'Running';
    expect(eventFromApplication(app)).toBeUndefined();
    app.status.operationState.phase = 'Failed';
    expect(eventFromApplication(app)?.trigger).toBe('on-sync-failed');
  });
});

describe('knownGoodRevision', () => {
  it.each([
    ['the revision before the merge', ['a', 'b', 'm', 'm'], 'b'],
    ['the newest other revision when the merge never synced', ['a', 'b'], 'b'],
    ['nothing when only the merge ever ran', ['m', 'm', 'm'], undefined],
    ['nothing for an empty history', [], undefined],
  ])('%s', (_what, history, expected) => {
    expect(knownGoodRevision(history, 'm')).toBe(expected);
  });
});
