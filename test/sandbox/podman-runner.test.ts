// The runner is the only way to podman: it must hand podman our containers.conf unless the caller
// chose one, and turn failures into one line naming the command and podman's reason.
import { chmodSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import {
  createPodmanRunner,
  DEFAULT_CONTAINERS_CONF,
  firstMeaningfulLine,
  PodmanError,
} from '../../src/sandbox/podman/podman-runner.js';
import { PROJECT_ROOT } from '../helpers/paths.js';

const dir = mkdtempSync(path.join(tmpdir(), 'aegis-podman-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in executable: prints CONTAINERS_CONF and stdin, or fails like podman does. */
function fakePodman(): string {
  const file = path.join(dir, 'podman');
  writeFileSync(
    file,
    [
      '#!/bin/sh',
      'if [ "$1" = fail ]; then',
      '  echo "failed to connect to syslog: Initialization" >&2',
      '  echo "Error: no such pod nope" >&2',
      '  exit 125',
      'fi',
      'if [ "$1" = hang ]; then sleep 5; fi',
      'if [ "$1" = pwd ]; then pwd; exit 0; fi',
      'echo "conf=$CONTAINERS_CONF"',
      'cat',
    ].join('\n'),
  );
  chmodSync(file, 0o755);
  return file;
}

describe('createPodmanRunner', () => {
  const binary = fakePodman();

  it('points CONTAINERS_CONF at the repo’s containers.conf and passes stdin', async () => {
    const run = createPodmanRunner({ env: { PATH: process.env.PATH }, binary });
    expect(await run(['kube', 'play', '-'], { input: 'kind: Deployment\n' })).toBe(
      `conf=${DEFAULT_CONTAINERS_CONF}\nkind: Deployment\n`,
    );
    expect(DEFAULT_CONTAINERS_CONF).toBe(path.join(PROJECT_ROOT, 'src/sandbox/podman/containers.conf'));
  });

  it('keeps a CONTAINERS_CONF the caller set', async () => {
    const run = createPodmanRunner({
      env: { PATH: process.env.PATH, CONTAINERS_CONF: '/etc/mine.conf' },
      binary,
    });
    expect(await run(['info'])).toBe('conf=/etc/mine.conf\n');
  });

  it('runs podman outside the caller’s folder (conmon drops an `oom` file in its working directory)', async () => {
    expect(await createPodmanRunner({ env: {}, binary })(['pwd'])).toBe(`${realpathSync(tmpdir())}\n`);
    expect(await createPodmanRunner({ env: {}, binary, cwd: dir })(['pwd'])).toBe(`${realpathSync(dir)}\n`);
  });

  it('names the command and podman’s first real line on failure', async () => {
    const run = createPodmanRunner({ env: {}, binary });
    const failure = run(['fail', 'pod', 'x']);
    await expect(failure).rejects.toBeInstanceOf(PodmanError);
    await expect(failure).rejects.toThrow(`${binary} fail pod: no such pod nope`);
  });

  it('kills a podman that does not answer in time', async () => {
    const run = createPodmanRunner({ env: {}, binary, timeoutMs: 300 });
    await expect(run(['hang'])).rejects.toThrow(/no answer within 300 ms/);
  });

  it('says how to install podman when it is missing', async () => {
    const run = createPodmanRunner({ env: {}, binary: path.join(dir, 'no-podman-here') });
    const failure = run(['ps']);
    await expect(failure).rejects.toBeInstanceOf(UserError);
    await expect(failure).rejects.toMatchObject({
      hint: expect.stringContaining('apt-get install -y podman runc'),
    });
  });
});

it('firstMeaningfulLine skips podman’s syslog/systemd noise', () => {
  expect(
    firstMeaningfulLine(
      'failed to connect to syslog: Initialization\ntime="x" level=error msg="unable to get systemd connection"\nError: boom\n',
    ),
  ).toBe('Error: boom');
});
