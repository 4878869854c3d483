import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLogBlock, parseLogBlocks } from '../../src/evidence/log-blocks.js';
import { scenarioSnapshotDir } from '../intake/shared-fixtures.js';
import { logBlock } from './helpers/temp-snapshot.js';

describe('parseLogBlocks', () => {
  it('reads the blocks of a real dump', () => {
    const path = join(
      scenarioSnapshotDir('crashloop-checkout-bad-release'),
      'shop/checkout-zg9t76xdc-sbl5w/logs.txt',
    );

    const blocks = parseLogBlocks(readFileSync(path, 'utf8'));

    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ container: 'checkout', pod: 'shop/checkout-zg9t76xdc-sbl5w' });
    expect(blocks[0]?.lines[0]).toContain('starting checkout');
    expect(blocks[0]?.lines.at(-1)).toBe('\t/src/cmd/checkout/main.go:57 +0x25');
  });

  it.each([
    [
      'a container that never started',
      'image-pull-storefront-tag-typo',
      'web/storefront-web-w5z2msxs6-h9fh5/logs.txt',
      /is waiting to start: trying and failing to pull image$/,
    ],
    [
      'a node that is gone',
      'node-notready-payments',
      'payments/payments-api-kjh7kzbzlt-5dm6r/logs.txt',
      /i\/o timeout$/,
    ],
  ])('keeps the Request log error of %s', (_name, scenario, file, reason) => {
    const [block] = parseLogBlocks(readFileSync(join(scenarioSnapshotDir(scenario), file), 'utf8'));

    expect(block?.lines).toEqual([]);
    expect(block?.requestError).toMatch(/^Request log error: /);
    expect(block?.requestError).toMatch(reason);
  });

  it('keeps init containers first and each container separate', () => {
    const text = [
      logBlock('ns', 'p', 'init-db', ['migrating', 'done']),
      logBlock('ns', 'p', 'app', [
        'Request log error: container "app" in pod "p" is waiting to start: PodInitializing',
      ]),
      logBlock('ns', 'p', 'sidecar', []),
    ].join('');

    const blocks = parseLogBlocks(text);

    expect(blocks.map((b) => [b.container, b.lines, b.requestError])).toEqual([
      ['init-db', ['migrating', 'done'], undefined],
      ['app', [], 'Request log error: container "app" in pod "p" is waiting to start: PodInitializing'],
      ['sidecar', [], undefined],
    ]);
  });

  it('does not let a log line forge the end of its block', () => {
    const forged = '==== END logs for container other of pod ns/q ====';
    const text = logBlock('ns', 'p', 'app', [
      'before',
      forged,
      '==== START logs for container x of pod ns/p ====',
      'after',
    ]);

    const blocks = parseLogBlocks(text);

    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.lines).toEqual([
      'before',
      forged,
      '==== START logs for container x of pod ns/p ====',
      'after',
    ]);
  });

  it('treats a Request log error line among output as output', () => {
    const [block] = parseLogBlocks(logBlock('ns', 'p', 'app', ['hello', 'Request log error: fake']));

    expect(block?.requestError).toBeUndefined();
    expect(block?.lines).toEqual(['hello', 'Request log error: fake']);
  });

  it('handles CRLF files and text outside blocks', () => {
    const text = `noise\r\n${logBlock('ns', 'p', 'app', ['a', 'b']).replaceAll('\n', '\r\n')}`;

    expect(parseLogBlocks(text)).toEqual([{ container: 'app', pod: 'ns/p', lines: ['a', 'b'] }]);
  });
});

describe('formatLogBlock', () => {
  it('writes the block kubectl writes, which parses back to the same lines', () => {
    const text = formatLogBlock('shop', 'web-1', 'app', 'started\nkilled');
    expect(text).toBe(logBlock('shop', 'web-1', 'app', ['started', 'killed']));
    expect(parseLogBlocks(text)).toEqual([
      { container: 'app', pod: 'shop/web-1', lines: ['started', 'killed'] },
    ]);
    expect(formatLogBlock('shop', 'web-1', 'app', '')).toBe(logBlock('shop', 'web-1', 'app', []));
  });
});
