// The vcluster janitor through the fake CLI: only AEGIS's own sandboxes (name pattern, and with helm
// the host namespace create gave them) older than the TTL are deleted, with the exact commands.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanupVclusters } from '../../src/sandbox/vcluster/cleanup-vclusters.js';
import { createVclusterCli } from '../../src/sandbox/vcluster/vcluster-cli.js';
import { type FakeVcluster, installFakeVcluster } from '../support/fake-vcluster.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const HOUR = 3_600_000;

const LISTED = [
  // stale AEGIS sandbox → deleted
  {
    Name: 'aegis-0a1b2c3d-control',
    Namespace: 'vcluster-aegis-0a1b2c3d-control',
    Created: '2026-01-01T09:00:00Z',
    AgeSeconds: 10800,
    Status: 'Running',
  },
  // fresh AEGIS sandbox → kept
  {
    Name: 'aegis-0a1b2c3d-candidate',
    Namespace: 'vcluster-aegis-0a1b2c3d-candidate',
    Created: '2026-01-01T11:30:00Z',
    AgeSeconds: 1800,
    Status: 'Running',
  },
  // someone else's cluster → never touched
  {
    Name: 'team-x',
    Namespace: 'team-x',
    Created: '2025-06-01T00:00:00Z',
    AgeSeconds: 1e7,
    Status: 'Running',
  },
  // an AEGIS-looking name outside our namespaces → never touched
  {
    Name: 'aegis-ffff0000-control',
    Namespace: 'prod',
    Created: '2025-06-01T00:00:00Z',
    AgeSeconds: 1e7,
    Status: 'Running',
  },
];

describe('cleanupVclusters', () => {
  let fake: FakeVcluster;
  beforeEach(() => {
    fake = installFakeVcluster();
  });
  afterEach(() => fake.remove());

  const cli = () => createVclusterCli({ env: fake.env });
  const argvs = () => fake.calls().map((call) => call.argv);

  it('deletes only AEGIS sandboxes older than the TTL', async () => {
    fake.script({ list: { stdout: JSON.stringify(LISTED) } });

    const result = await cleanupVclusters({
      cli: cli(),
      driver: 'helm',
      olderThanMs: 2 * HOUR,
      now: () => NOW,
    });

    expect(result).toEqual({
      removed: ['aegis-0a1b2c3d-control'],
      kept: ['aegis-0a1b2c3d-candidate'],
      failed: [],
    });
    expect(argvs()).toEqual([
      ['list', '--driver', 'helm', '--output', 'json'],
      [
        'delete',
        'aegis-0a1b2c3d-control',
        '--namespace',
        'vcluster-aegis-0a1b2c3d-control',
        '--driver',
        'helm',
        '--ignore-not-found',
      ],
    ]);
  });

  it('with a TTL of 0 deletes every AEGIS sandbox, and reports a failed delete without stopping', async () => {
    fake.script({
      list: { stdout: JSON.stringify(LISTED) },
      delete: { exit: 1, stderr: 'fatal  helm uninstall timed out\n' },
    });

    const result = await cleanupVclusters({ cli: cli(), driver: 'helm', olderThanMs: 0, now: () => NOW });

    expect(result.removed).toEqual([]);
    expect(result.failed).toEqual([
      'aegis-0a1b2c3d-control: vcluster delete aegis-0a1b2c3d-control: helm uninstall timed out',
      'aegis-0a1b2c3d-candidate: vcluster delete aegis-0a1b2c3d-candidate: helm uninstall timed out',
    ]);
  });

  it('with the docker driver matches by name only and deletes without a namespace', async () => {
    fake.script({
      list: { stdout: JSON.stringify([{ Name: 'aegis-0a1b2c3d-control', Created: '2026-01-01T09:00:00Z' }]) },
    });

    const result = await cleanupVclusters({
      cli: cli(),
      driver: 'docker',
      olderThanMs: HOUR,
      now: () => NOW,
    });

    expect(result.removed).toEqual(['aegis-0a1b2c3d-control']);
    expect(argvs()[1]).toEqual([
      'delete',
      'aegis-0a1b2c3d-control',
      '--driver',
      'docker',
      '--ignore-not-found',
    ]);
  });

  it.each([
    ['null', { removed: [], kept: [], failed: [] }],
    ['', { removed: [], kept: [], failed: [] }],
  ])('treats %j (no clusters) as an empty list', async (stdout, expected) => {
    fake.script({ list: { stdout } });
    expect(await cleanupVclusters({ cli: cli(), driver: 'helm', olderThanMs: HOUR })).toEqual(expected);
  });

  it('fails in one line when the list is not JSON', async () => {
    fake.script({ list: { stdout: 'NAME  NAMESPACE\n' } });
    await expect(cleanupVclusters({ cli: cli(), driver: 'helm', olderThanMs: HOUR })).rejects.toThrow(
      'vcluster list --output json printed no JSON: NAME  NAMESPACE',
    );
  });
});
