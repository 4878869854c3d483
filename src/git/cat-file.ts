// Many objects read by one git process (`git cat-file --batch`) instead of one `git show` each:
// on the server's hot path every spawn costs milliseconds of blocked event loop, and a file's
// history can be fifty commits long.
import { gitPlumbingBytes } from './create-git.js';

/**
 * The content of each object name (`<commit>:./<path>`, a blob id, …) in order; undefined where
 * git says the object is missing. Rejects only when git itself fails.
 */
export async function catFileBatch(
  baseDir: string,
  names: readonly string[],
): Promise<(string | undefined)[]> {
  if (names.length === 0) return [];
  if (names.some((name) => /[\r\n]/.test(name))) throw new Error('object names are one line');
  const out = await gitPlumbingBytes(baseDir, ['cat-file', '--batch'], {
    input: `${names.join('\n')}\n`,
    timeoutMs: 30_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return parseBatch(out, names.length);
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
