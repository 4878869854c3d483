// The log files of `kubectl cluster-info dump`: one block per container, init containers first,
//   ==== START logs for container C of pod NS/POD ====
//   ...lines...
//   ==== END logs for container C of pod NS/POD ====
// A container that never started (or whose node is gone) has a single `Request log error: ...`
// line instead of output. Logs are untrusted: a block only ends at the END marker of its own
// container and pod, so a line that merely looks like a marker stays ordinary content.

export interface LogBlock {
  container: string;
  /** `NS/POD` as written in the marker. */
  pod: string;
  lines: string[];
  /** The `Request log error: ...` line, when kubectl could not fetch the log. */
  requestError?: string;
}

const START = /^==== START logs for container (\S+) of pod (\S+) ====$/;
const END = /^==== END logs for container (\S+) of pod (\S+) ====$/;
const REQUEST_ERROR = /^Request log error: /;

/** One container's block as kubectl writes it; `body` is the log (a final newline is added). */
export function formatLogBlock(namespace: string, pod: string, container: string, body: string): string {
  const where = `container ${container} of pod ${namespace}/${pod}`;
  const text = body === '' || body.endsWith('\n') ? body : `${body}\n`;
  return `==== START logs for ${where} ====\n${text}==== END logs for ${where} ====\n`;
}

export function parseLogBlocks(text: string): LogBlock[] {
  const blocks: LogBlock[] = [];
  let open: LogBlock | undefined;
  // A trailing newline ends the last line; it does not start an empty one.
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!open) {
      const start = START.exec(line);
      if (start?.[1] && start[2]) open = { container: start[1], pod: start[2], lines: [] };
      continue;
    }
    const end = END.exec(line);
    if (end && end[1] === open.container && end[2] === open.pod) {
      blocks.push(finish(open));
      open = undefined;
      continue;
    }
    open.lines.push(line);
  }
  // A dump cut short (disk full, interrupted) still yields what it has.
  if (open) blocks.push(finish(open));
  return blocks;
}

function finish(block: LogBlock): LogBlock {
  const content = block.lines.filter((l) => l.trim() !== '');
  const only = content.length === 1 ? content[0] : undefined;
  if (only !== undefined && REQUEST_ERROR.test(only)) {
    return { container: block.container, pod: block.pod, lines: [], requestError: only };
  }
  return block;
}
