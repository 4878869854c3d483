// A small Node process that runs commands for this one. Node's spawn() blocks the event loop until
// the child has exec'd, and forking a server whose heap holds a repository index costs it 3–10 ms
// per command on a small machine; a kustomize incident runs a dozen commands. From a bare helper
// process (about 6 MB of memory of its own) the fork is cheap and blocks nobody's event loop.
// The server starts one; without it runProcess spawns directly, as CLIs and the Action do.
//
// There is one helper per process, kept in this module: it exists to relieve this process's event
// loop, like libuv's own thread pool.
import { type ChildProcess, spawn } from 'node:child_process';
import type { ProcessReply, ProcessRequest } from './process-protocol.js';
import { runDirect } from './run-direct.js';

// The helper's program, given to `node -e` so that it needs no file of its own (the Action is one
// bundled file). Its execFile call mirrors runDirect (run-direct.ts). It ignores Ctrl-C, which
// reaches the commands themselves, and leaves when its parent does: the IPC channel closes and
// nothing else keeps it running.
const HELPER_SOURCE = `'use strict';
const { execFile } = require('node:child_process');
const { setPriority } = require('node:os');
process.on('SIGINT', () => {});
process.on('message', (r) => {
  const child = execFile(r.cmd, r.args, { cwd: r.cwd, env: r.env, timeout: r.timeoutMs, maxBuffer: r.maxBuffer, encoding: 'buffer' }, (error, stdout, stderr) => {
    const failure = error ? { message: error.message, code: error.code ?? null, signal: error.signal ?? null, killed: error.killed ?? false } : undefined;
    if (process.connected) process.send({ id: r.id, reply: { stdout, stderr, error: failure } }, () => {});
  });
  if (r.niceness !== undefined && child.pid !== undefined) {
    try { setPriority(child.pid, r.niceness); } catch {}
  }
  if (child.stdin) {
    child.stdin.on('error', () => {});
    child.stdin.end(r.input);
  }
});
`;

interface Waiting {
  request: ProcessRequest;
  resolve: (reply: ProcessReply) => void;
}

interface Helper {
  child: ChildProcess;
  started: boolean;
  nextId: number;
  waiting: Map<number, Waiting>;
}

/** Whether commands should go through a helper (startProcessHelper was called). */
let wanted = false;
let helper: Helper | undefined;

/** Starts the helper now, so that the first command does not wait for Node to boot. */
export function startProcessHelper(): void {
  wanted = true;
  helper ??= launch();
}

/** Stops the helper; commands run directly until it is started again. */
export function stopProcessHelper(): void {
  wanted = false;
  const current = helper;
  helper = undefined;
  current?.child.kill();
}

/** The helper's process id, while one runs (for the benchmarks' memory figures). */
export function processHelperPid(): number | undefined {
  return helper?.child.pid;
}

/** The reply through the helper, or undefined when none is wanted (the caller runs it directly). */
export function helperRun(request: ProcessRequest): Promise<ProcessReply> | undefined {
  if (!wanted) return undefined;
  // One that exited (killed, out of memory) is replaced by the next command.
  helper ??= launch();
  const current = helper;
  return new Promise((resolve) => {
    const id = current.nextId++;
    if (current.waiting.size === 0) current.child.channel?.ref(); // replies are due: stay alive
    current.waiting.set(id, { request, resolve });
    current.child.send({ id, ...request });
  });
}

function launch(): Helper {
  // The server's own Node options (a preloaded module, a heap size) are not the helper's.
  const { NODE_OPTIONS: _serverOnly, ...env } = process.env;
  const child = spawn(process.execPath, ['-e', HELPER_SOURCE], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
    env,
  });
  const self: Helper = { child, started: false, nextId: 1, waiting: new Map() };
  child.on('spawn', () => {
    self.started = true;
  });
  child.on('message', (message: { id: number; reply: ProcessReply }) => {
    const waiting = self.waiting.get(message.id);
    if (!waiting) return;
    settleOne(self, message.id);
    waiting.resolve(message.reply);
  });
  child.on('error', () => {
    if (self.started) return; // 'exit' follows and answers what is waiting
    // It never ran, so nothing asked of it has run: run all of that directly, and so everything
    // after (what stopped it, such as a process limit, would stop another helper too).
    wanted = false;
    if (helper === self) helper = undefined;
    for (const [id, waiting] of self.waiting) {
      settleOne(self, id);
      runDirect(waiting.request).then(waiting.resolve);
    }
  });
  child.on('exit', (code, signal) => {
    if (helper === self) helper = undefined;
    for (const [id, waiting] of self.waiting) {
      settleOne(self, id);
      // The helper may have started it: running it again could do it twice (a push).
      const { cmd, args } = waiting.request;
      waiting.resolve({
        stdout: Buffer.alloc(0),
        stderr: Buffer.alloc(0),
        error: {
          message: `the process helper exited (${signal ?? `code ${code}`}) before \`${cmd} ${args[0] ?? ''}\` finished`,
          code: null,
          signal: null,
          killed: false,
        },
      });
    }
  });
  // An idle helper keeps no process alive; helperRun refs the channel while replies are due.
  child.unref();
  child.channel?.unref();
  return self;
}

function settleOne(self: Helper, id: number): void {
  self.waiting.delete(id);
  if (self.waiting.size === 0) self.child.channel?.unref();
}
