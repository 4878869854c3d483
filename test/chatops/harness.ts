// A Probot instance with the real AEGIS app, fed the shared webhook payloads through receive(),
// and GitHub at https://api.github.com answered by nock. Payloads are the upstream fixtures with
// only the fields a case needs changed; REST answers reuse the fixture objects the same way.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { Probot, type ProbotOctokit } from 'probot';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { ReviseFn } from '../../src/chatops/revise-fn.js';
import { createAegisApp } from '../../src/server/app.js';
import { createMetrics, type Metrics } from '../../src/server/metrics.js';
import { createIncidentQueue } from '../../src/server/queue.js';
import { SHARED_DIR } from '../intake/shared-fixtures.js';
import { type CapturedLog, captureLog, TestOctokit, testConfig } from '../server/harness.js';

export const API = 'https://api.github.com';
export const INSTALLATION_ID = 31337;
/** Repository of the Atlantis issue_comment fixture, the PR comment every ChatOps case starts from. */
export const REPO = '/repos/runatlantis/atlantis-tests';
export const AEGIS_BRANCH = 'aegis/billing/invoice-renderer/oom-killed-1a2b3c4d';
export const HEAD_SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';

export type Json = Record<string, unknown>;

export function webhookFixture(name: string): Json {
  return JSON.parse(readFileSync(join(SHARED_DIR, 'fixtures', 'github-webhooks', name), 'utf8')) as Json;
}

/** Probot receives GitHub App deliveries, which always carry the installation. */
export function withInstallation(payload: Json): Json {
  return {
    ...payload,
    installation: { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' },
  };
}

const PULL_FIXTURE = webhookFixture('octokit.pull_request.opened.json').pull_request as Json;

/** A GET /pulls/:n answer: the fixture PR with the head, body, labels and state a case needs. */
export function pullData(
  fields: {
    number?: number;
    branch?: string;
    sha?: string;
    body?: string;
    labels?: string[];
    state?: 'open' | 'closed';
    headRepo?: string;
  } = {},
): Json {
  const head = PULL_FIXTURE.head as Json;
  return {
    ...PULL_FIXTURE,
    number: fields.number ?? 1,
    state: fields.state ?? 'open',
    body: fields.body ?? '',
    labels: (fields.labels ?? ['aegis']).map((name, id) => ({ id, name, color: 'ededed', default: false })),
    head: {
      ...head,
      ref: fields.branch ?? AEGIS_BRANCH,
      sha: fields.sha ?? HEAD_SHA,
      repo: { ...(head.repo as Json), full_name: fields.headRepo ?? 'Codertocat/Hello-World' },
    },
  };
}

export interface AppUnderTest {
  probot: Probot;
  logs: CapturedLog;
  metrics: Metrics;
  receive(name: string, payload: Json): Promise<void>;
}

export async function loadApp(
  options: { revise?: ReviseFn; Octokit?: typeof ProbotOctokit } = {},
): Promise<AppUnderTest> {
  const logs = captureLog();
  const config = testConfig();
  const probot = new Probot({
    appId: config.appId,
    privateKey: config.privateKey,
    secret: config.webhookSecret,
    log: logs.log,
    Octokit: options.Octokit ?? TestOctokit,
  });
  const metrics = createMetrics();
  const queue = createIncidentQueue({ ...config.queue, log: logs.log });
  await probot.load(
    createAegisApp({
      config,
      metrics,
      queue,
      handleIncident: async () => {},
      chatops: options.revise ? { revise: options.revise } : {},
    }),
    { cwd: process.cwd(), addHandler: () => {} },
  );
  let delivery = 0;
  return {
    probot,
    logs,
    metrics,
    receive: async (name, payload) => {
      delivery += 1;
      // receive() is typed per event name; these payloads are fixtures read from disk.
      const event = { id: `delivery-${delivery}`, name, payload } as unknown as Parameters<
        Probot['receive']
      >[0];
      await probot.receive(event);
    },
  };
}

/** GitHub, with the installation token every delivery's client asks for first. */
export function github(): nock.Scope {
  return nock(API)
    .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
    .reply(201, {
      token: 'ghs_installation_token_for_tests',
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      permissions: { issues: 'write', pull_requests: 'write', checks: 'write', actions: 'write' },
      repository_selection: 'all',
    });
}

/** A nock body matcher that accepts any body and keeps it for assertions after the delivery. */
export function capture(into: Json[]): (body: Json) => boolean {
  return (body) => {
    into.push(body);
    return true;
  };
}

const unmatched: string[] = [];
const onNoMatch = (req: { method?: string; path?: string; href?: string }) =>
  unmatched.push(`${req.method} ${req.path ?? req.href}`);

export function blockGitHub(): void {
  nock.disableNetConnect();
  nock.emitter.on('no match', onNoMatch);
}

/** Every mock was used and nothing unmocked was asked for. */
export function expectGitHubDone(): void {
  const pending = nock.pendingMocks();
  const missed = unmatched.splice(0);
  nock.cleanAll();
  expect(pending, 'unused HTTP mocks').toEqual([]);
  expect(missed, 'unmatched HTTP requests').toEqual([]);
}

export function unblockGitHub(): void {
  nock.emitter.removeListener('no match', onNoMatch);
  nock.cleanAll();
  nock.enableNetConnect();
}

/** For a test file: GitHub blocked for the file, every test's mocks used and nothing unmatched. */
export function guardGitHub(): void {
  beforeAll(() => blockGitHub());
  afterAll(() => unblockGitHub());
  afterEach(() => expectGitHubDone());
}
