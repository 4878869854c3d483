// Every public scenario diagnosed twice by the core pipeline: once from the snapshot folder, once
// from the same folder served as a Kubernetes API and read through @kubernetes/client-node. The
// evidence (notes aside), the diagnosis, the action and the diff must be the same.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ClusterReader } from '../../src/evidence/cluster-reader.js';
import { gatherEvidence } from '../../src/evidence/gather-evidence.js';
import { ClusterRequestError } from '../../src/evidence/live-http.js';
import { createLiveReader } from '../../src/evidence/live-reader.js';
import { openSnapshotReader } from '../../src/evidence/snapshot-reader.js';
import { groupIncidents, type IncidentDraft } from '../../src/intake/incidents.js';
import { parseAlertJson } from '../../src/intake/parse-alert.js';
import { diagnoseIncident } from '../../src/pipeline/diagnose.js';
import { SCENARIOS_DIR, scenarioNames, scenarioSnapshotDir } from '../intake/shared-fixtures.js';
import { type KubeApiServer, startKubeApiServer } from '../support/kube-api-server.js';

const work = mkdtempSync(join(tmpdir(), 'aegis-live-pipeline-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface CaseFile {
  expect: { category: string | string[]; action: 'patch' | 'none' };
}

/** The incident the CLI would pick: the first firing one. */
function draftOf(name: string): IncidentDraft {
  const parsed = parseAlertJson(readFileSync(join(SCENARIOS_DIR, name, 'alert.json'), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error);
  const drafts = groupIncidents(parsed.payload);
  const draft = drafts.find((d) => d.status === 'firing') ?? drafts[0];
  if (!draft) throw new Error(`no incident in ${name}`);
  return draft;
}

function repoCopy(name: string, label: string): string {
  const repo = join(work, name, label);
  cpSync(join(SCENARIOS_DIR, name, 'gitops'), repo, { recursive: true });
  return repo;
}

async function live(server: KubeApiServer, timeoutMs?: number): Promise<ClusterReader> {
  const kubeconfig = server.writeKubeconfig(join(mkdtempSync(join(work, 'kc-')), 'config'));
  return createLiveReader({ kubeconfigPath: kubeconfig, ...(timeoutMs ? { timeoutMs } : {}) });
}

function diagnose(name: string, reader: ClusterReader, label: string) {
  return diagnoseIncident(draftOf(name), { reader, repoRoot: repoCopy(name, label), render: false });
}

describe('live cluster and snapshot give the same diagnosis', () => {
  it.each(scenarioNames())('%s', async (name) => {
    const server = await startKubeApiServer(scenarioSnapshotDir(name));
    try {
      const reader = await live(server);
      const snapshot = await openSnapshotReader(scenarioSnapshotDir(name));

      const fromLive = await gatherEvidence(reader, draftOf(name));
      const fromSnapshot = await gatherEvidence(snapshot, draftOf(name));
      expect(fromLive.incident).toEqual(fromSnapshot.incident);
      expect({ ...fromLive.evidence, notes: [] }).toEqual({ ...fromSnapshot.evidence, notes: [] });

      const a = await diagnose(name, reader, 'live');
      const b = await diagnose(name, snapshot, 'snapshot');
      expect(a.diagnosis.category).toBe(b.diagnosis.category);
      expect(a.remediation.action).toBe(b.remediation.action);
      expect(a.remediation.diff).toBe(b.remediation.diff);
      expect(a.diagnosis).toEqual(b.diagnosis);
      expect(a.remediation.operations).toEqual(b.remediation.operations);
      // Not vacuous: the live run is the answer the scenario expects.
      const expected = (parse(readFileSync(join(SCENARIOS_DIR, name, 'case.yaml'), 'utf8')) as CaseFile)
        .expect;
      expect([expected.category].flat()).toContain(a.diagnosis.category);
      expect(a.remediation.action).toBe(expected.action);
      if (expected.action === 'patch') expect(a.remediation.diff).toMatch(/^--- a\//m);

      expect(server.requests.every((r) => r.method === 'GET')).toBe(true);
      expect(server.requests.some((r) => /secrets/.test(r.path))).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe('partial evidence from a live cluster', () => {
  it('says events are forbidden and still diagnoses', async () => {
    const name = 'oom-invoice-renderer';
    const server = await startKubeApiServer(scenarioSnapshotDir(name));
    try {
      server.forbid('events');
      const result = await diagnose(name, await live(server), 'forbidden');
      const expected = await diagnose(name, await openSnapshotReader(scenarioSnapshotDir(name)), 'expected');

      expect(result.evidenceNotes).toEqual(
        expect.arrayContaining([expect.stringMatching(/^events: forbidden: events is forbidden: User /)]),
      );
      expect(result.diagnosis.category).toBe(expected.diagnosis.category);
      expect(result.remediation.action).toBe(expected.remediation.action);
      expect(server.requests.every((r) => r.method === 'GET')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('fails with one clear error when the API server stops answering', async () => {
    const name = 'oom-invoice-renderer';
    const server = await startKubeApiServer(scenarioSnapshotDir(name));
    try {
      server.delay('pods', 5_000);
      const running = diagnose(name, await live(server, 250), 'timeout');
      await expect(running).rejects.toBeInstanceOf(ClusterRequestError);
      await expect(running).rejects.toThrow(
        new RegExp(
          `^the Kubernetes API server ${server.url} did not answer GET /api/v1/namespaces/billing/pods.* within 250 ms$`,
        ),
      );
    } finally {
      await server.close();
    }
  });
});
