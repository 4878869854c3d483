// Keeps what a diagnosis needs from a log: its tail (the crash is at the end), with runs of
// (near-)identical lines folded into one, within a line and byte budget. Cuts happen only
// between lines; a single line longer than the per-line cap is shortened with an explicit mark.

export interface CompactOptions {
  /** Lines kept per container, markers included. */
  maxLines?: number;
  /** UTF-8 bytes kept per container, newlines included. */
  maxBytes?: number;
  /** One line longer than this is shortened (keeping its start), so one blob cannot eat the budget. */
  maxLineBytes?: number;
}

/** Room kept for `… (N earlier lines omitted)`. */
const MARKER_BYTES = 48;

export const COMPACT_DEFAULTS = { maxLines: 80, maxBytes: 8 * 1024, maxLineBytes: 2 * 1024 } as const;

/** Masks the parts of a line that change between repeats of "the same" line. */
const VOLATILE: readonly [RegExp, string][] = [
  [/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<ts>'],
  [/\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, '<ts>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)[0-9a-f]{7,}\b/gi, '<hex>'],
  [/\d+(?:\.\d+)?/g, '<n>'],
];

export function compactLogLines(lines: readonly string[], options: CompactOptions = {}): string[] {
  const maxLines = Math.max(2, options.maxLines ?? COMPACT_DEFAULTS.maxLines);
  const maxBytes = Math.max(1, options.maxBytes ?? COMPACT_DEFAULTS.maxBytes);
  const maxLineBytes = Math.max(
    16,
    Math.min(options.maxLineBytes ?? COMPACT_DEFAULTS.maxLineBytes, maxBytes),
  );
  const folded = foldRepeats(trimTrailingBlank(lines).map((l) => shorten(l, maxLineBytes)));
  return keepTail(folded, maxLines, maxBytes);
}

/** A stand-in for a line that decides whether two lines are "the same" for folding. */
export function maskVolatile(line: string): string {
  return VOLATILE.reduce((text, [pattern, mask]) => text.replace(pattern, mask), line.trim());
}

/** Folded entries: the line and how many consecutive lines it stands for. */
interface Entry {
  line: string;
  count: number;
}

function foldRepeats(lines: string[]): Entry[] {
  const entries: Entry[] = [];
  let previousMask: string | undefined;
  for (const line of lines) {
    const mask = maskVolatile(line);
    const last = entries.at(-1);
    if (last && mask === previousMask) {
      // Keep the newest instance: its numbers and timestamps are the current ones.
      last.line = line;
      last.count += 1;
    } else {
      entries.push({ line, count: 1 });
    }
    previousMask = mask;
  }
  return entries;
}

function keepTail(entries: Entry[], maxLines: number, maxBytes: number): string[] {
  const kept: string[][] = [];
  let lines = 0;
  let bytes = 0;
  let index = entries.length - 1;
  for (; index >= 0; index -= 1) {
    const entry = entries[index];
    if (!entry) break;
    const rendered = entry.count > 1 ? [entry.line, `… (repeated ${entry.count} times)`] : [entry.line];
    const size = rendered.reduce((sum, l) => sum + byteLength(l) + 1, 0);
    // Reserve room for the "omitted" marker whenever something is left out.
    const more = index > 0;
    if (lines + rendered.length + (more ? 1 : 0) > maxLines) break;
    if (bytes + size + (more ? MARKER_BYTES : 0) > maxBytes) break;
    kept.unshift(rendered);
    lines += rendered.length;
    bytes += size;
  }
  const omitted = entries.slice(0, index + 1).reduce((sum, e) => sum + e.count, 0);
  const out = kept.flat();
  return omitted > 0 ? [`… (${omitted} earlier lines omitted)`, ...out] : out;
}

function shorten(line: string, maxLineBytes: number): string {
  if (byteLength(line) <= maxLineBytes) return line;
  const head = Buffer.from(line, 'utf8')
    .subarray(0, maxLineBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${head}… (line cut, ${byteLength(line)} bytes)`;
}

function trimTrailingBlank(lines: readonly string[]): string[] {
  let end = lines.length;
  while (end > 0 && (lines[end - 1] ?? '').trim() === '') end -= 1;
  return lines.slice(0, end);
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
