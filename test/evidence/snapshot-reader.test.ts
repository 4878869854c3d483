import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { EvidenceUnavailable, LIST_KINDS, type ListKind } from '../../src/evidence/cluster-reader.js';
import { openSnapshotReader } from '../../src/evidence/snapshot-reader.js';
import { scenarioNames, scenarioSnapshotDir } from '../intake/shared-fixtures.js';
import { logBlock, tempDir, writeSnapshot } from './helpers/temp-snapshot.js';

const NOT_RECORDED: ListKind[] = ['jobs', 'cronjobs', 'controllerrevisions', 'storageclasses'];

describe('SnapshotReader over every scenario', () => {
  it.each(scenarioNames())('%s: every kind lists or is reported unavailable', async (name) => {
    const reader = await openSnapshotReader(scenarioSnapshotDir(name));
    const namespaces = await reader.namespaces();

    expect(namespaces.length).toBeGreaterThan(0);
    expect(reader.description).toContain(scenarioSnapshotDir(name));
    for (const namespace of namespaces) {
      for (const kind of LIST_KINDS) {
        const listing = reader.list(kind, namespace);
        if (NOT_RECORDED.includes(kind)) {
          await expect(listing).rejects.toBeInstanceOf(EvidenceUnavailable);
          continue;
        }
        const items = await listing;
        expect(Array.isArray(items)).toBe(true);
        // Items of a List carry no kind, like the API's.
        for (const item of items) expect(item.kind).toBeUndefined();
      }
    }
    expect((await reader.list('nodes')).length).toBeGreaterThan(0);
    const pods = await reader.list('pods');
    expect(pods.length).toBeGreaterThan(0);
  });

  it.each(scenarioNames())('%s: every pod log folder parses', async (name) => {
    const reader = await openSnapshotReader(scenarioSnapshotDir(name));
    for (const pod of await reader.list('pods')) {
      const ns = pod.metadata?.namespace ?? '';
      const containers = ((pod.spec as { containers?: { name: string }[] }).containers ?? []).map(
        (c) => c.name,
      );
      for (const container of containers) {
        const text = await reader
          .logs(ns, pod.metadata?.name ?? '', container, { previous: false })
          .catch((e: unknown) => {
            expect(e).toBeInstanceOf(EvidenceUnavailable);
            return 'request error';
          });
        expect(text === undefined || typeof text === 'string').toBe(true);
      }
    }
  });
});

describe('selectors behave like the API', () => {
  const dir = scenarioSnapshotDir('crashloop-checkout-bad-release');

  it.each<[string, { labelSelector?: string; fieldSelector?: string }, string[]]>([
    ['equality', { labelSelector: 'app=cart' }, ['cart-v24svxnrfn-hnbh5', 'cart-v24svxnrfn-jdkbj']],
    [
      'set-based',
      { labelSelector: 'app in (checkout),pod-template-hash notin (tq4wsrmvh)' },
      ['checkout-zg9t76xdc-sbl5w'],
    ],
    ['existence', { labelSelector: '!pod-template-hash' }, []],
    [
      'field metadata.name',
      { fieldSelector: 'metadata.name=checkout-zg9t76xdc-sbl5w' },
      ['checkout-zg9t76xdc-sbl5w'],
    ],
    [
      'field and label together',
      { labelSelector: 'app=checkout', fieldSelector: 'metadata.name!=checkout-zg9t76xdc-sbl5w' },
      ['checkout-tq4wsrmvh-49fqr', 'checkout-tq4wsrmvh-bskcq', 'checkout-tq4wsrmvh-ct4sl'],
    ],
  ])('pods by %s', async (_name, options, expected) => {
    const reader = await openSnapshotReader(dir);

    const names = (await reader.list('pods', 'shop', options)).map((p) => p.metadata?.name).sort();

    expect(names).toEqual(expected);
  });

  it('filters events by involvedObject', async () => {
    const reader = await openSnapshotReader(dir);

    const events = await reader.list('events', 'shop', {
      fieldSelector: 'involvedObject.kind=Pod,involvedObject.name=checkout-zg9t76xdc-sbl5w',
    });

    expect(events).toHaveLength(7);
    expect(
      events.every((e) => (e.involvedObject as { name: string }).name === 'checkout-zg9t76xdc-sbl5w'),
    ).toBe(true);
  });

  it('returns copies callers may change', async () => {
    const reader = await openSnapshotReader(dir);
    const [first] = await reader.list('deployments', 'shop');
    if (first?.metadata) first.metadata.name = 'changed';

    expect((await reader.list('deployments', 'shop'))[0]?.metadata?.name).not.toBe('changed');
  });
});

describe('logs', () => {
  const dir = scenarioSnapshotDir('crashloop-checkout-bad-release');
  const pod = 'checkout-zg9t76xdc-sbl5w';

  it('reads current and previous logs of a container', async () => {
    const reader = await openSnapshotReader(dir);

    const current = await reader.logs('shop', pod, 'checkout', { previous: false });
    const previous = await reader.logs('shop', pod, 'checkout', { previous: true });

    expect(current).toContain('panic: runtime error: invalid memory address or nil pointer dereference');
    expect(previous).toContain('"version":"2.8.0"');
    expect(current).not.toContain('==== ');
  });

  it('applies tailLines then limitBytes', async () => {
    const reader = await openSnapshotReader(dir);

    const tail = await reader.logs('shop', pod, 'checkout', { previous: false, tailLines: 2 });
    const limited = await reader.logs('shop', pod, 'checkout', {
      previous: false,
      tailLines: 2,
      limitBytes: 4,
    });

    expect(tail).toBe('main.main()\n\t/src/cmd/checkout/main.go:57 +0x25');
    expect(limited).toBe('main');
  });

  it.each([
    ['unknown container', 'shop', pod, 'sidecar', false],
    ['no previous instance', 'shop', 'checkout-tq4wsrmvh-49fqr', 'checkout', true],
    ['unknown pod', 'shop', 'nope-abcde', 'checkout', false],
    ['path traversal in the pod name', 'shop', '../../../etc', 'passwd', false],
  ])('%s → undefined', async (_name, ns, podName, container, previous) => {
    const reader = await openSnapshotReader(dir);

    expect(await reader.logs(ns, podName, container, { previous })).toBeUndefined();
  });

  it('turns kubectl "Request log error" into EvidenceUnavailable with the reason', async () => {
    const reader = await openSnapshotReader(scenarioSnapshotDir('image-pull-storefront-tag-typo'));

    const error = await reader
      .logs('web', 'storefront-web-w5z2msxs6-h9fh5', 'web', { previous: false })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EvidenceUnavailable);
    expect((error as EvidenceUnavailable).kind).toBe('logs');
    expect((error as EvidenceUnavailable).reason).toMatch(/^container "web" in pod .* is waiting to start/);
  });
});

describe('missing things', () => {
  const temp = tempDir();
  afterAll(temp.cleanup);

  it.each([
    ['a missing folder', join(temp.dir, 'does-not-exist'), 'snapshot folder not found: '],
    ['a file instead of a folder', join(temp.dir, 'file.txt'), 'snapshot path is not a folder: '],
    ['an empty folder', join(temp.dir, 'empty'), 'not a cluster snapshot'],
  ])('%s is a one-line UserError naming the path', async (_name, path, message) => {
    writeFileSync(join(temp.dir, 'file.txt'), 'x');
    mkdirSync(join(temp.dir, 'empty'), { recursive: true });

    const error = await openSnapshotReader(path).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).not.toMatch(/\n/);
  });

  it('treats missing optional files as empty and missing required ones as unavailable', async () => {
    const dir = join(temp.dir, 'partial');
    writeSnapshot(dir, { objects: [{ kind: 'Pod', metadata: { name: 'a', namespace: 'ns1' } }] });
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'ns1', 'events.json'));
    const reader = await openSnapshotReader(dir);

    expect(await reader.list('statefulsets', 'ns1')).toEqual([]);
    expect(await reader.list('configmaps', 'ns1')).toEqual([]);
    await expect(reader.list('events', 'ns1')).rejects.toThrow(/events: ns1\/events.json is missing/);
    await expect(reader.list('pods', 'elsewhere')).rejects.toThrow(
      /namespace elsewhere is not in the snapshot/,
    );
    await expect(reader.list('pods', '../x')).rejects.toBeInstanceOf(EvidenceUnavailable);
  });

  it('reports a broken List file as unavailable, not as a crash', async () => {
    const dir = join(temp.dir, 'broken');
    writeSnapshot(dir, { objects: [{ kind: 'Pod', metadata: { name: 'a', namespace: 'ns1' } }] });
    writeFileSync(join(dir, 'ns1', 'services.json'), '{"items": [');
    const reader = await openSnapshotReader(dir);

    await expect(reader.list('services', 'ns1')).rejects.toThrow(/services: .*is not valid JSON/);
  });

  it('reads log files that were cut short', async () => {
    const dir = join(temp.dir, 'cut');
    writeSnapshot(dir, {
      objects: [{ kind: 'Pod', metadata: { name: 'p', namespace: 'ns1' } }],
      logs: [
        {
          namespace: 'ns1',
          pod: 'p',
          text: logBlock('ns1', 'p', 'app', ['one', 'two']).split('==== END')[0] ?? '',
        },
      ],
    });
    const reader = await openSnapshotReader(dir);

    expect(await reader.logs('ns1', 'p', 'app', { previous: false })).toBe('one\ntwo');
  });
});
