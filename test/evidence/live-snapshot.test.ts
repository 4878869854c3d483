// `aegis snapshot`'s writer against the test API server: the folder it writes, read back with
// the snapshot reader, holds the same objects and logs as the scenario it was served from, in
// kubectl's file layout; secrets in logs, env values and k8sgpt `sensitive` never reach disk.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/core/k8s.js';
import { EvidenceUnavailable, LIST_KINDS } from '../../src/evidence/cluster-reader.js';
import { createLiveReader } from '../../src/evidence/live-reader.js';
import { writeSnapshot } from '../../src/evidence/live-snapshot.js';
import { redact, redactObject } from '../../src/evidence/redact.js';
import { openSnapshotReader, type SnapshotReader } from '../../src/evidence/snapshot-reader.js';
import { scenarioNames, scenarioSnapshotDir } from '../intake/shared-fixtures.js';
import { type KubeApiServer, startKubeApiServer } from '../support/kube-api-server.js';
import { logBlock, tempDir, writeSnapshot as writeFixture } from './helpers/temp-snapshot.js';

const work = mkdtempSync(join(tmpdir(), 'aegis-live-snapshot-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function snapshotOf(server: KubeApiServer, namespaces: string[]) {
  const reader = await createLiveReader({
    kubeconfigPath: server.writeKubeconfig(join(mkdtempSync(join(work, 'kc-')), 'config')),
  });
  const out = join(mkdtempSync(join(work, 'out-')), 'snapshot');
  const progress: string[] = [];
  const summary = await writeSnapshot(reader, { namespaces, out, progress: (m) => progress.push(m) });
  return { out, summary, progress };
}

async function outcome<T>(promise: Promise<T>): Promise<T | { unavailable: string }> {
  return promise.catch((error: unknown) => {
    if (error instanceof EvidenceUnavailable) return { unavailable: error.kind };
    throw error;
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function logsOf(reader: SnapshotReader, transform: (text: string) => string) {
  const out: Record<string, string | undefined> = {};
  for (const pod of await reader.list('pods')) {
    const spec = pod.spec as { containers: { name: string }[]; initContainers?: { name: string }[] };
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      for (const previous of [false, true]) {
        const key = `${pod.metadata?.namespace}/${pod.metadata?.name}/${c.name}${previous ? ' (previous)' : ''}`;
        out[key] = await reader
          .logs(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', c.name, { previous })
          .then(
            (text) => (text === undefined ? undefined : transform(text)),
            (e: EvidenceUnavailable) => `Request log error: ${transform(e.reason)}`,
          );
      }
    }
  }
  return out;
}

describe.each(scenarioNames())('%s: snapshot of the served cluster round-trips', (name) => {
  it('reads back the same objects, logs and files', async () => {
    const original = await openSnapshotReader(scenarioSnapshotDir(name));
    const namespaces = await original.namespaces();
    const server = await startKubeApiServer(scenarioSnapshotDir(name));
    try {
      const { out, summary } = await snapshotOf(server, namespaces);
      const copy = await openSnapshotReader(out);

      expect(await copy.namespaces()).toEqual(namespaces);
      for (const namespace of [...namespaces, undefined]) {
        for (const kind of LIST_KINDS) {
          const expected = await outcome(
            original.list(kind, namespace).then((items) => items.map(redactObject)),
          );
          expect(await outcome(copy.list(kind, namespace)), `${kind} in ${namespace}`).toEqual(expected);
        }
      }
      expect(await logsOf(copy, (t) => t)).toEqual(await logsOf(original, redact));

      // kubectl's file names, envelopes and 4-space JSON; nothing the original lacks but extras.
      const originalFiles = filesUnder(scenarioSnapshotDir(name));
      const written = filesUnder(out);
      expect(written).toEqual(expect.arrayContaining(originalFiles));
      expect(summary.files).toEqual(written);
      for (const file of originalFiles.filter((f) => f.endsWith('.json'))) {
        const a = JSON.parse(readFileSync(join(scenarioSnapshotDir(name), file), 'utf8')) as KubeObject;
        const text = readFileSync(join(out, file), 'utf8');
        const b = JSON.parse(text) as KubeObject;
        expect([b.kind, b.apiVersion, b.metadata], file).toEqual([a.kind, a.apiVersion, a.metadata]);
        expect(text.startsWith(`{\n    "kind": "${a.kind}",\n`)).toBe(true);
        expect(text.endsWith('}\n')).toBe(true);
      }
      expect(server.requests.every((r) => r.method === 'GET')).toBe(true);
      expect(server.requests.some((r) => r.path.includes('secrets'))).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe('what the snapshot writer keeps off disk', () => {
  it('redacts log lines and secret-ish values, keeps kubectl request errors, drops k8sgpt sensitive', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFixture(dir, {
        objects: [
          {
            kind: 'Pod',
            metadata: { name: 'api-1', namespace: 'shop', labels: { app: 'api' } },
            spec: {
              containers: [{ name: 'api', env: [{ name: 'DB_PASSWORD', value: 'hunter2-hunter2' }] }],
              initContainers: [{ name: 'migrate' }],
            },
            status: {
              containerStatuses: [
                { name: 'api', restartCount: 3, lastState: { terminated: { exitCode: 1 } } },
              ],
            },
          },
          {
            kind: 'Pod',
            metadata: { name: 'api-2', namespace: 'shop' },
            spec: { containers: [{ name: 'api' }] },
          },
        ],
        logs: [
          {
            namespace: 'shop',
            pod: 'api-1',
            text:
              logBlock('shop', 'api-1', 'migrate', ['migrated 3 tables']) +
              logBlock('shop', 'api-1', 'api', [
                'connecting to postgres://app:Sup3rS3cret@db:5432/shop',
                'Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789',
              ]),
          },
          {
            namespace: 'shop',
            pod: 'api-1',
            previous: true,
            text: logBlock('shop', 'api-1', 'api', ['panic: boom']),
          },
          {
            namespace: 'shop',
            pod: 'api-2',
            text: logBlock('shop', 'api-2', 'api', [
              'Request log error: container "api" in pod "api-2" is waiting to start: ContainerCreating',
            ]),
          },
        ],
      });
      const results = {
        kind: 'ResultList',
        apiVersion: 'core.k8sgpt.ai/v1alpha1',
        metadata: {},
        items: [
          {
            apiVersion: 'core.k8sgpt.ai/v1alpha1',
            kind: 'Result',
            metadata: { name: 'shopapi1', namespace: 'k8sgpt' },
            spec: {
              kind: 'Pod',
              name: 'shop/api-1',
              error: [{ text: 'back-off restarting', sensitive: [{ unmasked: 'api-1', masked: 'xYz' }] }],
            },
          },
          {
            apiVersion: 'core.k8sgpt.ai/v1alpha1',
            kind: 'Result',
            metadata: { name: 'othery', namespace: 'k8sgpt' },
            spec: { kind: 'Pod', name: 'other/y', error: [{ text: 'elsewhere' }] },
          },
        ],
      };
      writeFileSync(join(dir, 'results.json'), JSON.stringify(results));

      const server = await startKubeApiServer(dir);
      try {
        const { out, summary, progress } = await snapshotOf(server, ['shop']);
        const logs = readFileSync(join(out, 'shop', 'api-1', 'logs.txt'), 'utf8');
        expect(logs).not.toContain('Sup3rS3cret');
        expect(logs).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789');
        expect(logs.indexOf('container migrate')).toBeLessThan(logs.indexOf('container api'));
        expect(readFileSync(join(out, 'shop', 'api-1', 'previous-logs.txt'), 'utf8')).toBe(
          logBlock('shop', 'api-1', 'api', ['panic: boom']),
        );
        expect(readFileSync(join(out, 'shop', 'api-2', 'logs.txt'), 'utf8')).toBe(
          logBlock('shop', 'api-2', 'api', [
            'Request log error: container "api" in pod "api-2" is waiting to start: ContainerCreating',
          ]),
        );
        expect(existsSync(join(out, 'shop', 'api-2', 'previous-logs.txt'))).toBe(false);
        expect(readFileSync(join(out, 'shop', 'pods.json'), 'utf8')).not.toContain('hunter2-hunter2');

        const written = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
          items: KubeObject[];
        };
        expect(written.items.map((i) => i.metadata?.name)).toEqual(['shopapi1']);
        expect(JSON.stringify(written)).not.toContain('unmasked');

        // Not recorded in the source folder: skipped with a reason, not written as empty lists.
        expect(summary.skipped).toEqual(
          expect.arrayContaining([expect.stringMatching(/^shop\/jobs\.json: not served by this cluster/)]),
        );
        expect(progress).toEqual(
          expect.arrayContaining([expect.stringMatching(/^skipped shop\/jobs\.json/)]),
        );
        expect(existsSync(join(out, 'shop', 'jobs.json'))).toBe(false);
      } finally {
        await server.close();
      }
    } finally {
      cleanup();
    }
  });

  it('never asks for Secrets, and skips a forbidden kind without failing', async () => {
    const server = await startKubeApiServer(scenarioSnapshotDir('config-orders-worker-configmap-typo'));
    try {
      server.forbid('configmaps');
      const { out, summary } = await snapshotOf(server, ['orders']);
      expect(existsSync(join(out, 'orders', 'configmaps.json'))).toBe(false);
      expect(summary.skipped).toEqual(
        expect.arrayContaining([expect.stringMatching(/^orders\/configmaps\.json: forbidden/)]),
      );
      expect(existsSync(join(out, 'orders', 'pods.json'))).toBe(true);
      expect(server.requests.some((r) => r.path.includes('secrets'))).toBe(false);
      expect(new Set(server.requests.map((r) => r.method))).toEqual(new Set(['GET']));
    } finally {
      await server.close();
    }
  });
});
