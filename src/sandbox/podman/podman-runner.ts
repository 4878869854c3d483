// The one place that runs the podman binary (as create-git.ts is for git): argument arrays only,
// a timeout per call, the repo's containers.conf unless the caller chose one, and errors that name
// the command and podman's own first line of complaint.
import { execFile } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../core/errors.js';

/** src/sandbox/podman/ and dist/sandbox/podman/ are both three levels below the repo root. */
export const DEFAULT_CONTAINERS_CONF = fileURLToPath(
  new URL('../../../src/sandbox/podman/containers.conf', import.meta.url),
);

export interface PodmanRunOptions {
  /** Written to podman's stdin (e.g. the YAML for `kube play -`). */
  input?: string;
  timeoutMs?: number;
}

export type PodmanRunner = (args: readonly string[], options?: PodmanRunOptions) => Promise<string>;

export interface PodmanRunnerOptions {
  /** Environment podman runs with; CONTAINERS_CONF is added when it has none. */
  env: NodeJS.ProcessEnv;
  binary?: string;
  timeoutMs?: number;
  /**
   * Working directory of podman, and so of the conmon it starts. Default: the OS temp folder.
   * conmon 2.1 (podman 4.3) writes an empty `oom` file into its working directory when the
   * container it watches is OOM-killed; run from a checkout, that would litter the repository.
   */
  cwd?: string;
}

export class PodmanError extends Error {
  constructor(
    readonly command: string,
    readonly detail: string,
  ) {
    super(`${command}: ${detail}`);
    this.name = 'PodmanError';
  }
}

// podman 4.3 prints these on hosts without syslog/systemd even when the command succeeds; they
// would hide the line that explains a real failure.
const NOISE = [/^failed to connect to syslog/i, /unable to get systemd connection/i, /^time=".*" level=warn/];

export function firstMeaningfulLine(stderr: string): string | undefined {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '' && !NOISE.some((noise) => noise.test(line)));
}

/** The environment podman runs with: AEGIS's containers.conf unless the caller chose one. */
export function podmanEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, CONTAINERS_CONF: env.CONTAINERS_CONF || DEFAULT_CONTAINERS_CONF };
}

export function createPodmanRunner(options: PodmanRunnerOptions): PodmanRunner {
  const binary = options.binary ?? 'podman';
  const env = podmanEnv(options.env);
  const cwd = options.cwd ?? os.tmpdir();
  return (args, runOptions = {}) =>
    new Promise((resolve, reject) => {
      const command = `${binary} ${args.slice(0, 2).join(' ')}`;
      const timeout = runOptions.timeoutMs ?? options.timeoutMs ?? 60_000;
      const child = execFile(
        binary,
        args,
        { env, cwd, timeout, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
        (error, stdout, stderr) => {
          if (!error) return resolve(stdout);
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') {
            return reject(
              new UserError(
                `${binary} not found on PATH`,
                'install it (apt-get install -y podman runc) or choose another sandbox backend',
              ),
            );
          }
          if (error.killed) return reject(new PodmanError(command, `no answer within ${timeout} ms; killed`));
          const line = firstMeaningfulLine(stderr) ?? error.message.split('\n')[0] ?? '';
          reject(new PodmanError(command, line.replace(/^Error:\s*/, '')));
        },
      );
      // A podman that exits before reading stdin must not turn into an unhandled EPIPE.
      child.stdin?.on('error', () => {});
      child.stdin?.end(runOptions.input ?? '');
    });
}
