// Runs the built `aegis` binary (or another built script) the way a user does, capturing stdout,
// stderr and the exit code.
import { spawn } from 'node:child_process';
import { CLI, PROJECT_ROOT } from './paths.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  cwd?: string;
  /** Added to (and overriding) the test process's environment. */
  env?: Record<string, string>;
  /** `env` is the whole environment (nothing of the test process's own leaks in). */
  replaceEnv?: boolean;
}

export function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  return runNode(CLI, args, options);
}

export function runNode(script: string, args: string[], options: RunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: options.cwd ?? PROJECT_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.env ? { env: options.replaceEnv ? options.env : { ...process.env, ...options.env } } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
