import { describe, expect, it } from 'vitest';
import { COMPACT_DEFAULTS, compactLogLines, maskVolatile } from '../../src/evidence/compact-logs.js';

const numbered = (n: number, prefix = 'line') =>
  Array.from({ length: n }, (_, i) => `${prefix} ${'x'.repeat(i % 7)}${String.fromCharCode(97 + (i % 26))}`);

describe('compactLogLines', () => {
  it('keeps a short log as it is', () => {
    expect(compactLogLines(['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
  });

  it.each<[string, string[], string[]]>([
    [
      'identical lines',
      ['start', 'retry', 'retry', 'retry', 'end'],
      ['start', 'retry', '… (repeated 3 times)', 'end'],
    ],
    [
      'lines that differ only in numbers and timestamps (the newest is kept)',
      [
        '2025-04-15T13:51:37.904Z connection refused to db:5432 after 100ms (attempt 1)',
        '2025-04-15T13:51:38.904Z connection refused to db:5432 after 101ms (attempt 2)',
        '2025-04-15T13:51:39.904Z connection refused to db:5432 after 103ms (attempt 3)',
      ],
      [
        '2025-04-15T13:51:39.904Z connection refused to db:5432 after 103ms (attempt 3)',
        '… (repeated 3 times)',
      ],
    ],
    [
      'lines that differ in request ids',
      ['req 4631f58c-391b-4c7c-b749-2bc4274bfad4 ok', 'req 98ed2f2e-4902-489d-8eec-4ea642d9bb39 ok'],
      ['req 98ed2f2e-4902-489d-8eec-4ea642d9bb39 ok', '… (repeated 2 times)'],
    ],
    [
      'different lines stay',
      ['GET /a 200', 'POST /a 200', 'GET /a 200'],
      ['GET /a 200', 'POST /a 200', 'GET /a 200'],
    ],
  ])('folds %s', (_name, lines, expected) => {
    expect(compactLogLines(lines)).toEqual(expected);
  });

  it('keeps the tail within the default 80 lines', () => {
    const lines = numbered(500);

    const out = compactLogLines(lines);

    expect(out).toHaveLength(COMPACT_DEFAULTS.maxLines);
    expect(out[0]).toBe('… (421 earlier lines omitted)');
    expect(out.at(-1)).toBe(lines.at(-1));
  });

  it('keeps the tail within the byte budget, cutting only between lines', () => {
    const lines = Array.from(
      { length: 200 },
      (_, i) => `${i.toString(36).padStart(3, 'z')} ${'y'.repeat(100)}${'abc'[i % 3]}`,
    );

    const out = compactLogLines(lines, { maxLines: 1000, maxBytes: 2048 });

    expect(Buffer.byteLength(out.join('\n'), 'utf8')).toBeLessThanOrEqual(2048);
    expect(out[0]).toMatch(/^… \(\d+ earlier lines omitted\)$/);
    for (const line of out.slice(1)) expect(lines).toContain(line);
    expect(out.at(-1)).toBe(lines.at(-1));
  });

  it('shortens one huge line with an explicit mark instead of dropping everything', () => {
    const huge = `{"blob":"${'a'.repeat(50_000)}"}`;

    const [line] = compactLogLines([huge]);

    expect(line?.endsWith(`… (line cut, ${huge.length} bytes)`)).toBe(true);
    expect(Buffer.byteLength(line ?? '', 'utf8')).toBeLessThan(3000);
  });

  it('never splits a multi-byte character', () => {
    const [line] = compactLogLines(['é'.repeat(5000)], { maxLineBytes: 101 });

    expect(line).not.toContain('\uFFFD');
  });

  it('drops trailing blank lines', () => {
    expect(compactLogLines(['a', '', ''])).toEqual(['a']);
  });

  it('folds before budgeting, so a crash loop of identical lines keeps older context', () => {
    const lines = ['boot v2.8.0', ...Array.from({ length: 1000 }, (_, i) => `tick ${i}`), 'panic: boom'];

    expect(compactLogLines(lines, { maxLines: 5 })).toEqual([
      'boot v2.8.0',
      'tick 999',
      '… (repeated 1000 times)',
      'panic: boom',
    ]);
  });
});

describe('maskVolatile', () => {
  it.each([
    ['2025-04-15T13:51:37.904Z took 88ms', '<ts> took <n>ms'],
    ['at 13:51:37 pid=4242', 'at <ts> pid=<n>'],
    ['addr=0x18 commit 9f1c2ab', 'addr=<hex> commit <hex>'],
    ['id 4631f58c-391b-4c7c-b749-2bc4274bfad4', 'id <uuid>'],
  ])('%s', (line, masked) => {
    expect(maskVolatile(line)).toBe(masked);
  });
});
