// One command run by this process itself with execFile. The process helper makes the very same
// call in its own process: keep HELPER_SOURCE in process-helper.ts in step with this.
import { execFile } from 'node:child_process';
import { setPriority } from 'node:os';
import type { ProcessReply, ProcessRequest } from './process-protocol.js';

export function runDirect(request: ProcessRequest): Promise<ProcessReply> {
  return new Promise((resolve) => {
    const child = execFile(
      request.cmd,
      request.args,
      {
        cwd: request.cwd,
        env: request.env,
        timeout: request.timeoutMs,
        maxBuffer: request.maxBuffer,
        encoding: 'buffer',
      },
      (error, stdout, stderr) =>
        resolve({
          stdout,
          stderr,
          ...(error
            ? {
                error: {
                  message: error.message,
                  code: error.code ?? null,
                  signal: error.signal ?? null,
                  killed: error.killed ?? false,
                },
              }
            : {}),
        }),
    );
    if (request.niceness !== undefined && child.pid !== undefined) {
      try {
        setPriority(child.pid, request.niceness);
      } catch {
        // It may have exited already; its priority then no longer matters.
      }
    }
    // A command that exits before reading its input raises EPIPE here; its own exit reports it.
    child.stdin?.on('error', () => {});
    child.stdin?.end(request.input);
  });
}
