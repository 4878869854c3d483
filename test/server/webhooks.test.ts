// The app loads GitHub webhooks: Probot's receive() with a real payload, and a signed delivery over
// HTTP through Probot's own webhook middleware. GitHub itself is never contacted.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAegisApp } from '../../src/server/app.js';
import { createMetrics } from '../../src/server/metrics.js';
import { createIncidentQueue } from '../../src/server/queue.js';
import { SHARED_DIR } from '../intake/shared-fixtures.js';
import {
  blockNetwork,
  captureLog,
  restoreNetwork,
  startTestServer,
  TestOctokit,
  type TestServer,
  testConfig,
  WEBHOOK_SECRET,
} from './harness.js';

const PULL_REQUEST_OPENED = readFileSync(
  join(SHARED_DIR, 'fixtures', 'github-webhooks', 'octokit.pull_request.opened.json'),
  'utf8',
);

describe('GitHub webhooks', () => {
  let server: TestServer | undefined;
  beforeEach(() => blockNetwork());
  afterEach(async () => {
    await server?.stop(1000);
    server = undefined;
    expect(nock.pendingMocks()).toEqual([]);
    restoreNetwork();
  });

  it('cannot reach GitHub from these tests', async () => {
    await expect(fetch('https://api.github.com/app')).rejects.toThrow();
  });

  it('receive() delivers a real pull_request payload to the app', async () => {
    const logs = captureLog();
    const config = testConfig();
    const probot = new Probot({
      appId: config.appId,
      privateKey: config.privateKey,
      secret: config.webhookSecret,
      log: logs.log,
      Octokit: TestOctokit,
    });
    const metrics = createMetrics();
    const queue = createIncidentQueue({ ...config.queue, log: logs.log });
    const handlers: unknown[] = [];
    await probot.load(createAegisApp({ config, metrics, queue, handleIncident: async () => {} }), {
      cwd: process.cwd(),
      addHandler: (handler) => void handlers.push(handler),
    });

    await probot.receive({
      id: 'delivery-1',
      name: 'pull_request',
      payload: JSON.parse(PULL_REQUEST_OPENED),
    });

    expect(handlers).toHaveLength(1);
    const record = logs.records().find((r) => r.msg === 'webhook received');
    expect(record).toMatchObject({
      id: 'delivery-1',
      event: 'pull_request',
      action: 'opened',
      repository: 'Codertocat/Hello-World',
    });
  });

  it('accepts a signed delivery over HTTP and rejects a bad signature', async () => {
    server = await startTestServer(async () => {});
    const post = (signature: string) =>
      fetch(`${server!.url}/api/github/webhooks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'pull_request',
          'x-github-delivery': 'delivery-2',
          'x-hub-signature-256': signature,
        },
        body: PULL_REQUEST_OPENED,
      });
    const good = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(PULL_REQUEST_OPENED).digest('hex')}`;

    expect((await post(good)).status).toBe(200);
    expect((await post(`sha256=${'0'.repeat(64)}`)).status).toBe(400);

    const received = server.logs.records().filter((r) => r.msg === 'webhook received');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ id: 'delivery-2', event: 'pull_request' });
    expect(server.logs.lines.join('\n')).not.toContain(good);
  });
});
