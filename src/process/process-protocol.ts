// What runProcess hands to the process helper and gets back: one execFile call and its outcome,
// plain data (Buffers included, with the channel's advanced serialization) that crosses the
// helper's IPC channel unchanged.

export interface ProcessRequest {
  cmd: string;
  args: string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
  input?: string | Buffer;
  timeoutMs: number;
  maxBuffer: number;
  niceness?: number;
}

export interface ProcessReply {
  stdout: Buffer;
  stderr: Buffer;
  /** execFile's error, when there was one: `code` is the exit status or an errno string. */
  error?: {
    message: string;
    code: number | string | null;
    signal: string | null;
    killed: boolean;
  };
}
