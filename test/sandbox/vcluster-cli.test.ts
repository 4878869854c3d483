// The runner is the only way to the vcluster CLI: it must pass the host kubeconfig, name the command
// and vcluster's own reason on failure, kill a hung CLI at its timeout, and keep `connect --print`
// running (the port-forward) after it printed the kubeconfig until told to stop.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import {
  createVclusterCli,
  reasonFromStderr,
  VclusterError,
} from '../../src/sandbox/vcluster/vcluster-cli.js';
import { type FakeVcluster, installFakeVcluster } from '../support/fake-vcluster.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('createVclusterCli', () => {
  let fake: FakeVcluster;
  beforeEach(() => {
    fake = installFakeVcluster();
  });
  afterEach(() => fake.remove());

  it('runs vcluster with the argument array and the host kubeconfig in KUBECONFIG', async () => {
    fake.script({ list: { stdout: '[]' } });
    const cli = createVclusterCli({ env: fake.env, kubeconfig: '/etc/host/kubeconfig' });

    const stdout = await cli.run(['list', '--driver', 'helm', '--output', 'json']);

    expect(stdout).toBe('[]');
    expect(fake.calls()).toMatchObject([
      { argv: ['list', '--driver', 'helm', '--output', 'json'], kubeconfig: '/etc/host/kubeconfig' },
    ]);
  });

  it("fails with the command and vcluster's fatal line, colours stripped", async () => {
    fake.script({
      create: {
        exit: 1,
        stderr:
          '\u001b[36minfo\u001b[0m Creating namespace vcluster-x\n\u001b[31mfatal\u001b[0m  there is already a virtual cluster in namespace vcluster-x\n',
      },
    });
    const cli = createVclusterCli({ env: fake.env });

    const error = await cli.run(['create', 'x']).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(VclusterError);
    expect((error as Error).message).toBe(
      'vcluster create x: there is already a virtual cluster in namespace vcluster-x',
    );
  });

  it('kills a hung CLI at its timeout and says so', async () => {
    fake.script({ delete: { hangMs: 30_000 } });
    const cli = createVclusterCli({ env: fake.env });
    const started = Date.now();

    const error = await cli.run(['delete', 'x'], { timeoutMs: 400 }).catch((e: unknown) => e);

    expect(Date.now() - started).toBeLessThan(5000);
    expect((error as Error).message).toBe('vcluster delete x: no answer within 400 ms; killed');
    const [call] = fake.calls();
    expect(call && isAlive(call.pid)).toBe(false);
  });

  it('names the missing binary with what to do', async () => {
    const cli = createVclusterCli({ env: { PATH: fake.dir }, binary: 'vcluster-not-installed' });
    const error = await cli.run(['list']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe('vcluster-not-installed not found on PATH');
  });

  it('start() answers once the output is complete, leaves the command running, and stop() ends it', async () => {
    fake.script({ connect: { stdout: 'kubeconfig: complete\n', stayAlive: true } });
    const cli = createVclusterCli({ env: fake.env });

    const started = await cli.start(['connect', 'x', '--print'], {
      ready: (out) => out.includes('complete'),
      settleMs: 50,
    });

    expect(started.stdout).toBe('kubeconfig: complete\n');
    const [call] = fake.calls();
    expect(call && isAlive(call.pid)).toBe(true);
    await started.stop();
    expect(fake.terminated()).toEqual(['connect']);
    expect(call && isAlive(call.pid)).toBe(false);
    await started.stop(); // twice is harmless
  });

  it('start() fails when the command exits with an error, and kills it at its timeout', async () => {
    const cli = createVclusterCli({ env: fake.env });
    fake.script({ connect: { exit: 1, stderr: "fatal couldn't find vcluster x\n" } });
    await expect(cli.start(['connect', 'x'], { ready: () => true })).rejects.toThrow(
      "vcluster connect x: couldn't find vcluster x",
    );

    fake.script({ connect: { hangMs: 30_000 } });
    await expect(cli.start(['connect', 'x'], { ready: () => true, timeoutMs: 300 })).rejects.toThrow(
      'vcluster connect x: no answer within 300 ms; killed',
    );
    const hung = fake.calls()[1];
    expect(hung && isAlive(hung.pid)).toBe(false);
  });
});

describe('reasonFromStderr', () => {
  it.each([
    ['info a\nwarn b\nerror c\ninfo d\n', 'c'],
    ['info only\n', 'info only'],
    ['', undefined],
  ])('%j → %j', (stderr, reason) => {
    expect(reasonFromStderr(stderr)).toBe(reason);
  });
});
