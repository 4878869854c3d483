// Many objects read by one git process (`git cat-file --batch`) instead of one `git show` each:
// on the server's hot path every spawn costs milliseconds of blocked event loop, and a file's
// history can be fifty commits long.
import { execFile } from 'node:child_process';

/**
 * The content of each object name (`<commit>:./<path>`, a blob id, …) in order; undefined where
 * git says the object is missing. Rejects only when git itself fails.
 */
export function catFileBatch(baseDir: string, names: readonly string[]): Promise<(string | undefined)[]> {
  if (names.length === 0) return Promise.resolve([]);
  if (names.some((name) => /[\r\n]/.test(name)))
    return Promise.reject(new Error('object names are one line'));
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      ['-c', 'core.quotepath=off', 'cat-file', '--batch'],
      {
        cwd: baseDir,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        timeout: 30_000,
        maxBuffer: 256 * 1024 * 1024,
        encoding: 'buffer',
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.toString('utf8').trim().split('\n')[0] || error.message.split('\n')[0];
          return reject(new Error(`git cat-file: ${detail}`));
        }
        try {
          resolve(parseBatch(stdout, names.length));
        } catch (parseError: unknown) {
          reject(parseError);
        }
      },
    );
    // git may exit before reading its input (not a repository): the EPIPE that writing then raises
    // is that same failure, which the callback above reports. Unhandled, it would crash the process.
    child.stdin?.on('error', () => {});
    child.stdin?.end(`${names.join('\n')}\n`);
  });
}

/** `<oid> <type> <size>\n<content>\n` per found object, `<name> missing\n` (or ambiguous) otherwise. */
function parseBatch(out: Buffer, count: number): (string | undefined)[] {
  const results: (string | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) throw new Error('git cat-file: output ended early');
    const header = out.toString('utf8', at, eol);
    const size = /^[0-9a-f]{40,64} \w+ (\d+)$/.exec(header)?.[1];
    if (size === undefined) {
      results.push(undefined); // "<name> missing" or "<name> ambiguous"
      at = eol + 1;
      continue;
    }
    const start = eol + 1;
    const end = start + Number(size);
    results.push(out.toString('utf8', start, end));
    at = end + 1; // the newline after the content
  }
  return results;
}
