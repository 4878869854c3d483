// Short-lived commands whose whole output the caller wants (git plumbing, kubectl, helm). They run
// through the process helper when this process has started one (the server does, see
// process-helper.ts) and directly otherwise. Either way the contract is execFile's: stdout and
// stderr in full, a timeout, a cap on the output, and a non-zero exit is an error.
import { helperRun } from './process-helper.js';
import type { ProcessReply, ProcessRequest } from './process-protocol.js';
import { runDirect } from './run-direct.js';

export interface RunOptions {
  cwd?: string;
  /** The command's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Written to the command's stdin, which is then closed (it is closed at once without). */
  input?: string | Buffer;
  /** Killed with SIGTERM after this long (default 60 s). */
  timeoutMs?: number;
  /** Killed once stdout or stderr grows past this many bytes (default 64 MiB). */
  maxBuffer?: number;
  /** Niceness to run at (see os.setPriority); default: this process's. */
  niceness?: number;
  /** Exit statuses that are not failures (`git diff --no-index` exits 1 on differences). */
  okExitCodes?: readonly number[];
}

export interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
}

/** A command that could not start, was killed, or exited with a status not in okExitCodes. */
export class ProcessError extends Error {
  /** Its exit status, when it ran to the end. */
  readonly exitCode: number | undefined;
  /** `ENOENT` and the like when it could not start. */
  readonly errno: string | undefined;
  readonly stdout: Buffer;
  readonly stderr: Buffer;

  constructor(message: string, reply: ProcessReply) {
    super(message);
    this.name = 'ProcessError';
    const code = reply.error?.code;
    this.exitCode = typeof code === 'number' ? code : undefined;
    this.errno = typeof code === 'string' ? code : undefined;
    this.stdout = reply.stdout;
    this.stderr = reply.stderr;
  }
}

export function runProcess(
  cmd: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const request: ProcessRequest = {
    cmd,
    args: [...args],
    env: options.env ?? process.env,
    timeoutMs: options.timeoutMs ?? 60_000,
    maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.input === undefined ? {} : { input: options.input }),
    ...(options.niceness === undefined ? {} : { niceness: options.niceness }),
  };
  const ok = options.okExitCodes ?? [0];
  return (helperRun(request) ?? runDirect(request)).then((reply) => settle(reply, ok));
}

function settle(reply: ProcessReply, okExitCodes: readonly number[]): RunResult {
  const { error } = reply;
  if (!error) return { stdout: reply.stdout, stderr: reply.stderr };
  if (typeof error.code === 'number' && okExitCodes.includes(error.code) && !error.killed)
    return { stdout: reply.stdout, stderr: reply.stderr };
  throw new ProcessError(error.message, reply);
}

/** The first line of a failed command's stderr, else of its error: the line that says why. */
export function firstErrorLine(error: unknown): string {
  const stderr = error instanceof ProcessError ? error.stderr.toString('utf8').trim() : '';
  const message = error instanceof Error ? error.message : String(error);
  return stderr.split('\n')[0] || message.split('\n')[0] || message;
}
