// POST /api/alerts over real HTTP: every shared Alertmanager fixture is accepted and handled once
// per incident; bad tokens, oversized and malformed bodies are refused with the right status.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { groupIncidents, type IncidentDraft } from '../../src/intake/incidents.js';
import { parseAlertJson } from '../../src/intake/parse-alert.js';
import { alertFixtureFiles } from '../intake/shared-fixtures.js';
import { ALERT_TOKEN, blockNetwork, restoreNetwork, startTestServer, type TestServer } from './harness.js';

const FIXTURES = alertFixtureFiles();
const CRASH_LOOP = FIXTURES.find(([name]) => name.includes('KubePodCrashLooping'))![1];

describe('POST /api/alerts', () => {
  let server: TestServer;
  const handled: IncidentDraft[] = [];

  beforeAll(async () => {
    blockNetwork();
    server = await startTestServer(async (draft) => {
      handled.push(draft);
    });
  });
  afterAll(async () => {
    await server.stop();
    restoreNetwork();
  });
  afterEach(() => {
    handled.length = 0;
  });

  it('has fixtures to post', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(10);
  });

  it.each(FIXTURES)('accepts %s and handles each incident once', async (_name, file) => {
    const body = readFileSync(file, 'utf8');
    const parsed = parseAlertJson(body);
    if (!parsed.ok) throw new Error(parsed.error);
    const expected = groupIncidents(parsed.payload).map((d) => d.fingerprint);

    const response = await server.postAlert(body);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: expected.length, fingerprints: expected });
    await server.queue.idle();

    expect(handled.map((d) => d.fingerprint)).toEqual(expected);
  });

  it.each([
    ['no Authorization header', null, 'authorization: missing bearer token'],
    ['a wrong token', 'not-the-alert-token-at-all', 'authorization: invalid bearer token'],
    ['a prefix of the token', ALERT_TOKEN.slice(0, -1), 'authorization: invalid bearer token'],
    ['the token with a suffix', `${ALERT_TOKEN}x`, 'authorization: invalid bearer token'],
  ])('answers 401 to %s', async (_case, token, error) => {
    const response = await server.postAlert(readFileSync(CRASH_LOOP, 'utf8'), { token });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await response.json()).toEqual({ error });
    await server.queue.idle();
    expect(handled).toEqual([]);
  });

  it('answers 401 to a non-Bearer scheme', async () => {
    const response = await server.postAlert('{}', {
      token: null,
      headers: { authorization: `Basic ${Buffer.from(`x:${ALERT_TOKEN}`).toString('base64')}` },
    });
    expect(response.status).toBe(401);
  });

  it('answers 413 to a 1.1 MB body', async () => {
    const big = JSON.stringify({ status: 'firing', alerts: [], padding: 'x'.repeat(1.1 * 1024 * 1024) });
    const response = await server.postAlert(big);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toMatch(
      /^\(body\): larger than 1048576 bytes$/,
    );
  });

  it('answers 413 to an oversized chunked body without Content-Length', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20) controller.close();
        else {
          sent += 1;
          controller.enqueue(chunk);
        }
      },
    });
    const response = await fetch(`${server.url}/api/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ALERT_TOKEN}` },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it.each([
    ['not JSON', '{"status": "firing", "alerts": [', /^\(root\): invalid JSON: /],
    [
      'alerts not an array',
      '{"status": "firing", "alerts": {"labels": {}}}',
      /^alerts: expected an array of alerts$/,
    ],
    [
      'an alert without startsAt',
      JSON.stringify({ status: 'firing', alerts: [{ labels: { alertname: 'X' } }] }),
      /^alerts\.0\.startsAt: required$/,
    ],
    ['a JSON array', '[]', /^\(root\): expected a JSON object$/],
  ])('answers 400 naming the field for %s', async (_case, body, error) => {
    const response = await server.postAlert(body);
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: string };
    expect(json.error).toMatch(error);
    expect(json.error).not.toContain('\n');
  });

  it('answers 405 to GET', async () => {
    const response = await fetch(`${server.url}/api/alerts`, {
      headers: { authorization: `Bearer ${ALERT_TOKEN}` },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('never writes the bearer token to the logs', async () => {
    await server.postAlert(readFileSync(CRASH_LOOP, 'utf8'));
    await server.postAlert('{}', { token: 'wrong-token-that-is-long-enough' });
    await server.queue.idle();
    const text = server.logs.lines.join('\n');
    expect(text).toContain('incident queued');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(ALERT_TOKEN);
    expect(text).not.toContain('wrong-token-that-is-long-enough');
  });

  it('logs fixed messages with the incident in metadata, per incident', async () => {
    await server.postAlert(readFileSync(CRASH_LOOP, 'utf8'));
    await server.queue.idle();
    const [draft] = handled;
    const records = server.logs.records().filter((r) => r.fingerprint === draft?.fingerprint);
    expect(records.map((r) => r.msg)).toEqual(
      expect.arrayContaining(['incident queued', 'incident started', 'incident finished']),
    );
    expect(records.find((r) => r.msg === 'incident started')).toMatchObject({
      alertname: 'KubePodCrashLooping',
      namespace: draft?.namespace,
    });
  });
});
