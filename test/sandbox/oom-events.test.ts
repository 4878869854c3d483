// The OOM count comes from podman's event log because podman 4.3 does not flag cgroup-v1 OOMs on
// these hosts; these cases pin down what counts as a kernel OOM kill and what does not.
import { describe, expect, it } from 'vitest';
import {
  containerDeaths,
  countOomKills,
  type PodmanEvent,
  parseEventLines,
} from '../../src/sandbox/podman/oom-events.js';

const ev = (Status: string, ContainerExitCode?: number, ID = 'c1'): PodmanEvent =>
  ContainerExitCode === undefined ? { ID, Status } : { ID, Status, ContainerExitCode };
const limited = () => true;

describe('countOomKills', () => {
  it.each<[string, PodmanEvent[], boolean, number]>([
    ['SIGKILL nobody asked for, with a memory limit', [ev('start'), ev('died', 137)], true, 1],
    [
      'each kill of a restart loop',
      [ev('start'), ev('died', 137), ev('restart'), ev('start'), ev('died', 137)],
      true,
      2,
    ],
    ['podman kill before the death', [ev('start'), ev('kill'), ev('died', 137)], true, 0],
    ['podman stop before the death', [ev('start'), ev('stop'), ev('died', 137)], true, 0],
    ['a crash (exit 1)', [ev('start'), ev('died', 1)], true, 0],
    ['SIGKILL without a memory limit', [ev('start'), ev('died', 137)], false, 0],
    [
      'an oom event (hosts where conmon sees it) is counted once',
      [ev('start'), ev('oom'), ev('died', 137)],
      true,
      1,
    ],
    [
      'a stop of an earlier life does not hide a later OOM',
      [ev('kill'), ev('died', 137), ev('start'), ev('died', 137)],
      true,
      1,
    ],
  ])('%s', (_case, events, hasLimit, expected) => {
    expect(countOomKills(events, () => hasLimit).get('c1') ?? 0).toBe(expected);
  });

  it('counts per container', () => {
    const counts = countOomKills([ev('died', 137, 'a'), ev('died', 137, 'b'), ev('died', 137, 'a')], limited);
    expect(Object.fromEntries(counts)).toEqual({ a: 2, b: 1 });
  });
});

it('containerDeaths tells each life apart: when it started, when and how it ended', () => {
  const at = (Status: string, Time: string, ContainerExitCode?: number): PodmanEvent => ({
    ...ev(Status, ContainerExitCode),
    Time,
  });
  const deaths = containerDeaths(
    [
      at('init', '2026-12-07T02:50:29.71Z'),
      at('start', '2026-12-07T02:50:29.73Z'),
      at('died', '2026-12-07T02:50:42.83Z', 137),
      at('restart', '2026-12-07T02:50:42.84Z'),
      at('start', '2026-12-07T02:50:42.98Z'),
      at('stop', '2026-12-07T02:51:00.00Z'),
      at('died', '2026-12-07T02:51:00.10Z', 137),
    ],
    limited,
  );

  expect(deaths).toEqual([
    {
      id: 'c1',
      exitCode: 137,
      startedAt: '2026-12-07T02:50:29.73Z',
      time: '2026-12-07T02:50:42.83Z',
      oom: true,
    },
    {
      id: 'c1',
      exitCode: 137,
      startedAt: '2026-12-07T02:50:42.98Z',
      time: '2026-12-07T02:51:00.10Z',
      oom: false,
    },
  ]);
});

it('parseEventLines reads podman events --format json output and skips noise', () => {
  const stdout = [
    '{"ID":"c1","Status":"start","Time":"2026-11-22T07:41:36Z","Type":"container"}',
    'failed to connect to syslog: Initialization',
    '{"ContainerExitCode":137,"ID":"c1","Status":"died","Type":"container"}',
    '',
  ].join('\n');
  expect(parseEventLines(stdout)).toEqual([
    { ID: 'c1', Status: 'start', Time: '2026-11-22T07:41:36Z', Type: 'container' },
    { ContainerExitCode: 137, ID: 'c1', Status: 'died', Type: 'container' },
  ]);
});
