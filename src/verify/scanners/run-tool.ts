// One external scanner invocation with a hard timeout. A missing binary is its own outcome (the
// check is `skipped`, visibly), distinct from a crash or a timeout (`error`).
import { execFile } from 'node:child_process';

export interface ToolOptions {
  timeoutMs: number;
  cwd?: string;
  /** Defaults to the process environment; tests put fake scanners on PATH here. */
  env?: NodeJS.ProcessEnv;
}

export type ToolRun =
  | { kind: 'missing' }
  | { kind: 'timeout' }
  | { kind: 'exited'; code: number; stdout: string; stderr: string };

// Trivy reports for large images run to tens of megabytes.
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

export function runTool(file: string, args: readonly string[], options: ToolOptions): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT_BYTES,
        cwd: options.cwd,
        env: options.env,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ kind: 'exited', code: 0, stdout, stderr });
        const failure = error as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
        if (failure.code === 'ENOENT') return resolve({ kind: 'missing' });
        if (failure.killed) return resolve({ kind: 'timeout' });
        const code = typeof failure.code === 'number' ? failure.code : -1;
        resolve({ kind: 'exited', code, stdout, stderr: stderr || failure.message });
      },
    );
  });
}

/** The last non-empty line of a tool's stderr: where CLIs put the fatal message. */
export function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.at(-1) ?? '(no output)';
}
