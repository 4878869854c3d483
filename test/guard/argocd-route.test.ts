// POST /api/argocd at the edge: the bearer token, the body contract of the shipped notifications
// template (all strings, "<no value>" for missing fields), and events that are not about an AEGIS
// merge, which change nothing in GitHub.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockNetwork, restoreNetwork } from '../server/harness.js';
import {
  applicationAt,
  DEGRADED_APP,
  fixtureApplication,
  type GuardWorld,
  HEALTHY_APP,
  notification,
  OWNER,
  REPO,
  startGuardWorld,
} from './world.js';

let w: GuardWorld;
beforeEach(async () => {
  blockNetwork();
  w = await startGuardWorld();
});
afterEach(async () => {
  await w.close();
  restoreNetwork();
});

const sample = async (w: GuardWorld, name: string) =>
  (await w.metrics.registry.getSingleMetricAsString(name)).split('\n').filter((l) => !l.startsWith('#'));

describe('POST /api/argocd', () => {
  it.each([
    ['no token', null, 'authorization: missing bearer token'],
    ['a wrong token', 'not-the-argocd-token-at-all', 'authorization: invalid bearer token'],
  ])('answers 401 to %s and does nothing', async (_what, token, error) => {
    const body = notification(
      'health-degraded',
      applicationAt(DEGRADED_APP, { revision: w.mergeSha, previous: w.knownGood }),
    );
    const response = await w.post(body, token);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error });
    await w.idle();
    expect(w.github.repo(OWNER, REPO).pulls).toHaveLength(1);
    expect(await sample(w, 'aegis_argocd_requests_total')).toContain(
      'aegis_argocd_requests_total{code="401"} 1',
    );
  });

  it.each([
    ['not JSON', '{"trigger": ', /^\(body\): not JSON/],
    [
      'an unknown trigger',
      JSON.stringify({ trigger: 'on-created', application: 'a', revision: 'abc' }),
      /^trigger: expected one of on-deployed, on-health-degraded, on-sync-failed$/,
    ],
    [
      'no revision (a missing field renders as <no value>)',
      JSON.stringify({ trigger: 'on-deployed', application: 'a', revision: '<no value>' }),
      /^revision: expected the synced revision .*got "<no value>"$/,
    ],
    [
      'no application',
      JSON.stringify({ trigger: 'on-deployed', revision: 'abc' }),
      /^application: expected the Application name$/,
    ],
    [
      'a number where a string belongs',
      JSON.stringify({ trigger: 'on-deployed', application: 'a', revision: 'abc', healthStatus: 3 }),
      /^healthStatus: /,
    ],
  ])('answers 400 naming the field for %s', async (_what, body, error) => {
    const response = await w.post(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(error);
  });

  it('ignores an event whose revision is no AEGIS merge: the degraded fixture as Argo CD sent it (Helm chart 3.4.1)', async () => {
    const app = fixtureApplication(DEGRADED_APP) as { spec: { source: Record<string, unknown> } };
    app.spec.source.repoURL = `https://github.com/${OWNER}/${REPO}.git`;
    const response = await w.post(notification('health-degraded', app));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 1, application: 'snipe-it-helm', revision: '3.4.1' });
    await w.idle();
    const state = w.github.repo(OWNER, REPO);
    expect(state.pulls).toHaveLength(1);
    expect(state.comments).toEqual([]);
    expect(await sample(w, 'aegis_rollout_events_total')).toContain(
      'aegis_rollout_events_total{trigger="on-health-degraded",outcome="ignored"} 1',
    );
  });

  it('ignores the healthy fixture of an Application whose repository is not on GitHub', async () => {
    const app = applicationAt(HEALTHY_APP, { revision: w.mergeSha, previous: w.knownGood }) as {
      spec: { source: Record<string, unknown> };
    };
    app.spec.source.repoURL = 'oci://europe-west1-docker.pkg.dev/foo/charts';
    expect((await w.post(notification('deployed', app))).status).toBe(202);
    await w.idle();
    expect(w.github.repo(OWNER, REPO).comments).toEqual([]);
    expect(
      w.logs
        .records()
        .some((r) =>
          String(r.msg).startsWith(
            'Argo CD event ignored: the Application does not name a GitHub repository',
          ),
        ),
    ).toBe(true);
  });
});
