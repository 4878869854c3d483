// runProcess keeps execFile's contract whether this process runs the command itself or its process
// helper does: the same cases run both ways, with real commands. The helper's own duties follow:
// it really is another process, it is replaced when it dies, and it never keeps a process alive.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processHelperPid, startProcessHelper, stopProcessHelper } from '../../src/process/process-helper.js';
import { ProcessError, runProcess } from '../../src/process/run-process.js';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { runNode } from '../helpers/run-cli.js';
import { PROCESS_MODES } from '../support/process-modes.js';

afterEach(() => stopProcessHelper());

const sh = (script: string, options: Parameters<typeof runProcess>[2] = {}) =>
  runProcess('sh', ['-c', script], options);

async function failure(run: Promise<unknown>): Promise<ProcessError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProcessError);
  return error as ProcessError;
}

describe.each(PROCESS_MODES)('runProcess %s', (_how, setUp) => {
  it('returns stdout and stderr in full, as bytes', async () => {
    setUp();
    const big = 3 * 1024 * 1024; // several pipe buffers and IPC chunks
    const { stdout, stderr } = await sh(`head -c ${big} /dev/zero | tr '\\0' a; printf 'é warn' >&2`);
    expect(Buffer.isBuffer(stdout)).toBe(true);
    expect(stdout.length).toBe(big);
    expect(stdout.every((byte) => byte === 0x61)).toBe(true);
    expect(stderr.toString('utf8')).toBe('é warn');
  });

  it('writes the input to stdin and closes it; without input stdin is closed at once', async () => {
    setUp();
    expect((await runProcess('cat', [], { input: 'line one\nline two\n' })).stdout.toString()).toBe(
      'line one\nline two\n',
    );
    // Were stdin left open, cat would wait until the timeout killed it.
    expect((await runProcess('cat', [], { timeoutMs: 5_000 })).stdout.toString()).toBe('');
  });

  it('runs in the given directory with the given environment', async () => {
    setUp();
    const dir = os.tmpdir();
    const { stdout } = await sh('pwd; printf %s "$AEGIS_TEST_VALUE"', {
      cwd: dir,
      env: { PATH: process.env.PATH, AEGIS_TEST_VALUE: 'from the caller' },
    });
    expect(stdout.toString()).toBe(`${path.resolve(dir)}\nfrom the caller`);
  });

  it('fails on a non-zero exit with its status and output, unless that status is allowed', async () => {
    setUp();
    const error = await failure(sh('echo partial; echo "fatal: bad ref" >&2; exit 3'));
    expect(error.exitCode).toBe(3);
    expect(error.stdout.toString()).toBe('partial\n');
    expect(error.stderr.toString()).toBe('fatal: bad ref\n');
    const allowed = await sh('echo differences; exit 1', { okExitCodes: [0, 1] });
    expect(allowed.stdout.toString()).toBe('differences\n');
  });

  it('fails with the errno when the command does not exist', async () => {
    setUp();
    const error = await failure(runProcess('aegis-no-such-command', []));
    expect(error.errno).toBe('ENOENT');
    expect(error.exitCode).toBeUndefined();
  });

  it('kills a command that outlives its timeout, and one whose output passes the cap', async () => {
    setUp();
    const started = performance.now();
    const slow = await failure(runProcess('sleep', ['30'], { timeoutMs: 200 }));
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(slow.exitCode).toBeUndefined();
    const loud = await failure(sh('head -c 100000 /dev/zero', { maxBuffer: 1000 }));
    expect(loud.message).toMatch(/maxBuffer/);
  });

  it('runs at the niceness asked for', async () => {
    setUp();
    const own = os.getPriority();
    // The priority is set just after the command starts: it waits a moment before reading it.
    const { stdout } = await sh('sleep 0.3; nice', { niceness: Math.min(19, own + 5) });
    expect(Number(stdout.toString().trim())).toBe(Math.min(19, own + 5));
  });
});

describe('the process helper', () => {
  const parentOf = async () => Number((await sh('echo $PPID')).stdout.toString().trim());

  it('runs commands in a process of its own, not in this one', async () => {
    expect(await parentOf()).toBe(process.pid);
    startProcessHelper();
    const helper = processHelperPid();
    expect(helper).toBeGreaterThan(0);
    expect(await parentOf()).toBe(helper);
  });

  it('fails what it was running when it dies, and the next command gets a new helper', async () => {
    startProcessHelper();
    const first = processHelperPid() as number;
    await parentOf(); // it is up
    const running = failure(runProcess('sleep', ['5']));
    process.kill(first, 'SIGKILL');
    expect((await running).message).toMatch(
      /^the process helper exited \(SIGKILL\) before `sleep 5` finished/,
    );
    const next = await parentOf();
    expect(next).not.toBe(first);
    expect(next).toBe(processHelperPid());
  });

  it('outlives Ctrl-C, which reaches the commands themselves, so a draining server keeps it', async () => {
    startProcessHelper();
    const helper = await parentOf();
    process.kill(helper, 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await parentOf()).toBe(helper);
  });

  it('that cannot start leaves every command to this process', async () => {
    const node = process.execPath;
    process.execPath = path.join(os.tmpdir(), 'aegis-no-such-node');
    try {
      startProcessHelper();
      expect(await parentOf()).toBe(process.pid);
      expect(await parentOf()).toBe(process.pid);
    } finally {
      process.execPath = node;
    }
  });

  it('does not keep a finished program alive, and leaves with it', async () => {
    // The built module, as the server runs it (npm test builds first).
    const helperModule = path.join(PROJECT_ROOT, 'dist', 'process', 'process-helper.js');
    const runModule = path.join(PROJECT_ROOT, 'dist', 'process', 'run-process.js');
    const script = path.join(os.tmpdir(), `aegis-helper-exit-${process.pid}.mjs`);
    writeFileSync(
      script,
      [
        `import { processHelperPid, startProcessHelper } from ${JSON.stringify(helperModule)};`,
        `import { runProcess } from ${JSON.stringify(runModule)};`,
        'startProcessHelper();',
        "const { stdout } = await runProcess('sh', ['-c', 'echo $PPID']);",
        'console.log(JSON.stringify({ helper: processHelperPid(), parent: Number(stdout) }));',
      ].join('\n'),
    );
    const run = await runNode(script, []).finally(() => rmSync(script, { force: true }));
    expect(run.code).toBe(0);
    const { helper, parent } = JSON.parse(run.stdout) as { helper: number; parent: number };
    expect(parent).toBe(helper);
    // Its parent gone, the helper leaves too.
    await expect.poll(() => alive(helper), { timeout: 5_000 }).toBe(false);
  });
});

/** Running, as opposed to gone or a zombie waiting for an init that may never reap it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
