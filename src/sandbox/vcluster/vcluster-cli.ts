// The one place that runs the vcluster binary (as podman-runner.ts is for podman): argument arrays
// only, a timeout per call that kills the whole process group (a hung CLI must not hold the run),
// the host kubeconfig passed through KUBECONFIG, and errors that name the command and vcluster's
// own reason.
import { type ChildProcess, spawn } from 'node:child_process';
import { UserError } from '../../core/errors.js';

export interface VclusterRunOptions {
  timeoutMs?: number;
}

export interface VclusterStartOptions extends VclusterRunOptions {
  /** True once stdout holds everything the caller needs (e.g. a whole kubeconfig). */
  ready: (stdout: string) => boolean;
  /** Quiet time after `ready` before the output counts as complete. */
  settleMs?: number;
}

/** A command that may still be running (connect's port-forward) after it printed its answer. */
export interface StartedCommand {
  stdout: string;
  /** Ends the command if it still runs; safe to call twice. */
  stop(): Promise<void>;
}

export interface VclusterCli {
  run(args: readonly string[], options?: VclusterRunOptions): Promise<string>;
  start(args: readonly string[], options: VclusterStartOptions): Promise<StartedCommand>;
}

export interface VclusterCliOptions {
  /** Environment the CLI runs with (PATH, HOME); KUBECONFIG is replaced when `kubeconfig` is set. */
  env: NodeJS.ProcessEnv;
  /** Host cluster kubeconfig (helm driver); the docker driver needs none. */
  kubeconfig?: string;
  binary?: string;
  timeoutMs?: number;
}

export class VclusterError extends Error {
  constructor(
    readonly command: string,
    readonly detail: string,
  ) {
    super(`${command}: ${detail}`);
    this.name = 'VclusterError';
  }
}

// vcluster logs with ANSI colours and a level word (`info`, `warn`, `error`, `fatal`) per line.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The line that explains a failure: the last fatal/error line, else the last non-empty one. */
export function reasonFromStderr(stderr: string): string | undefined {
  const lines = stderr
    .replace(ANSI, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const flagged = lines.filter((line) => /^(fatal|error)\b/i.test(line));
  const line = flagged.at(-1) ?? lines.at(-1);
  return line?.replace(/^(fatal|error)\s+/i, '');
}

export function createVclusterCli(options: VclusterCliOptions): VclusterCli {
  const binary = options.binary ?? 'vcluster';
  const env = { ...options.env, ...(options.kubeconfig ? { KUBECONFIG: options.kubeconfig } : {}) };
  const defaultTimeout = options.timeoutMs ?? 120_000;
  const describe = (args: readonly string[]) => `${binary} ${args.slice(0, 2).join(' ')}`;

  const launch = (args: readonly string[]) =>
    // Own process group, so a timeout kills whatever the CLI started too (helm, kubectl, sleep).
    spawn(binary, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });

  const failure = (args: readonly string[], error: NodeJS.ErrnoException): Error =>
    error.code === 'ENOENT'
      ? new UserError(
          `${binary} not found on PATH`,
          'install the vCluster CLI (see the action input vcluster-version) or use the podman sandbox',
        )
      : new VclusterError(describe(args), error.message);

  return {
    run: (args, runOptions = {}) =>
      new Promise((resolve, reject) => {
        const timeout = runOptions.timeoutMs ?? defaultTimeout;
        const child = launch(args);
        let stdout = '';
        let stderr = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8');
        });
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
        });
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          killGroup(child, 'SIGKILL');
        }, timeout);
        child.once('error', (error) => {
          clearTimeout(timer);
          reject(failure(args, error));
        });
        child.once('close', (code, signal) => {
          clearTimeout(timer);
          if (timedOut)
            return reject(new VclusterError(describe(args), `no answer within ${timeout} ms; killed`));
          if (code === 0) return resolve(stdout);
          const reason = reasonFromStderr(stderr) ?? `exited with ${code ?? signal}`;
          reject(new VclusterError(describe(args), reason));
        });
      }),

    start: (args, startOptions) =>
      new Promise((resolve, reject) => {
        const timeout = startOptions.timeoutMs ?? defaultTimeout;
        const settleMs = startOptions.settleMs ?? 300;
        const child = launch(args);
        let stdout = '';
        let stderr = '';
        let settled = false;
        let exited = false;
        let settleTimer: NodeJS.Timeout | undefined;
        const exit = new Promise<void>((done) => child.once('close', () => done()));
        const stop = async () => {
          if (exited) return;
          killGroup(child, 'SIGTERM');
          const killLater = setTimeout(() => killGroup(child, 'SIGKILL'), 2000);
          await exit;
          clearTimeout(killLater);
        };
        const finish = (outcome: { ok: true } | { ok: false; error: Error }) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          clearTimeout(settleTimer);
          if (outcome.ok) resolve({ stdout, stop });
          else reject(outcome.error);
        };
        // Rejected once the killed command is gone, so no caller sees a timeout with it still running.
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          clearTimeout(settleTimer);
          killGroup(child, 'SIGKILL');
        }, timeout);
        child.stdout?.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8');
          clearTimeout(settleTimer);
          if (!timedOut && startOptions.ready(stdout))
            settleTimer = setTimeout(() => finish({ ok: true }), settleMs);
        });
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
        });
        child.once('error', (error) => finish({ ok: false, error: failure(args, error) }));
        child.once('close', (code, signal) => {
          exited = true;
          if (timedOut) {
            return finish({
              ok: false,
              error: new VclusterError(describe(args), `no answer within ${timeout} ms; killed`),
            });
          }
          if (code === 0 && startOptions.ready(stdout)) return finish({ ok: true });
          const reason =
            code === 0
              ? 'exited without printing what was asked for'
              : (reasonFromStderr(stderr) ?? `exited with ${code ?? signal}`);
          finish({ ok: false, error: new VclusterError(describe(args), reason) });
        });
      }),
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone between the check and the kill.
  }
}
