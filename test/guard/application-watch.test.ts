// The client-node watch of Argo CD Applications: real Application objects from
// ../shared/fixtures/argocd streamed by an HTTP server the way the API server streams a watch
// (one JSON event per line); each becomes the trigger its notification would have sent, once,
// and a watch the server ends is started again.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { watchApplications } from '../../src/guard/application-watch.js';
import type { RolloutEvent } from '../../src/guard/rollout-event.js';
import { createLogger } from '../../src/server/logger.js';
import { sharedDir } from '../helpers/paths.js';
import { writeKubeconfig } from '../support/kube-api-server.js';

const fixture = (name: string) =>
  parse(readFileSync(path.join(sharedDir(), 'fixtures', 'argocd', name), 'utf8')) as Record<string, unknown>;
const HEALTHY = fixture('argo-cd.application-healthy-synced-with-history.yaml');
const DEGRADED = fixture('is-healthy.application-degraded.yaml');

interface Stream {
  url: string;
  paths: string[];
  /** Sends one watch event to every open watch. */
  send(type: string, object: unknown): void;
  /** Ends every open watch response, as the API server does after its timeout. */
  endAll(): void;
  open(): number;
  close(): Promise<void>;
}

async function startWatchServer(): Promise<Stream> {
  const open = new Set<http.ServerResponse>();
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    open.add(res);
    res.on('close', () => open.delete(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    send: (type, object) => {
      for (const res of open) res.write(`${JSON.stringify({ type, object })}\n`);
    },
    endAll: () => {
      for (const res of open) res.end();
    },
    open: () => open.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function setUp() {
  const stream = await startWatchServer();
  const dir = mkdtempSync(path.join(tmpdir(), 'aegis-appwatch-'));
  const file = path.join(dir, 'kubeconfig');
  writeKubeconfig(file, stream.url, { token: 'reader' });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(file);
  const events: RolloutEvent[] = [];
  const watch = watchApplications({
    kubeConfig,
    namespace: 'argocd',
    onEvent: (event) => events.push(event),
    log: createLogger('silent'),
    restartMs: 50,
  });
  cleanup.push(async () => {
    watch.stop();
    await stream.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await until(() => stream.open() === 1);
  return { stream, events };
}

describe('Argo CD Application watch', () => {
  it('turns watched Applications into rollout events, once per revision and trigger', async () => {
    const { stream, events } = await setUp();
    expect(stream.paths[0]).toMatch(
      /^\/apis\/argoproj\.io\/v1alpha1\/namespaces\/argocd\/applications\?.*watch=true/,
    );

    stream.send('ADDED', HEALTHY);
    stream.send('MODIFIED', HEALTHY);
    stream.send('MODIFIED', DEGRADED);
    stream.send('DELETED', DEGRADED);
    await until(() => events.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(events.map((e) => e.trigger)).toEqual(['on-deployed', 'on-health-degraded']);
    const healthy = HEALTHY as { status: { operationState: { syncResult: { revision: string } } } };
    expect(events[0]).toMatchObject({
      application: (HEALTHY.metadata as { name: string }).name,
      revision: healthy.status.operationState.syncResult.revision,
      repoURL: 'https://github.com/foo/manifests-velero.git',
      healthStatus: 'Healthy',
    });
    expect(events[1]).toMatchObject({ revision: '3.4.1', healthStatus: 'Degraded' });
  });

  it('watches again when the API server ends the stream, without repeating events', async () => {
    const { stream, events } = await setUp();
    stream.send('ADDED', HEALTHY);
    await until(() => events.length === 1);
    stream.endAll();
    await until(() => stream.paths.length === 2 && stream.open() === 1);
    // The relist after a restart sends what is already known: nothing new reaches the guard.
    stream.send('ADDED', HEALTHY);
    stream.send('MODIFIED', DEGRADED);
    await until(() => events.length === 2);
    expect(events.map((e) => e.trigger)).toEqual(['on-deployed', 'on-health-degraded']);
  });
});
