// When the cluster kept no older ReplicaSet, "the image this workload ran before" comes from the
// git history of the manifest line that sets it.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSnapshotReader } from '../../src/evidence/snapshot-reader.js';
import { groupIncidents } from '../../src/intake/incidents.js';
import { parseAlertJson } from '../../src/intake/parse-alert.js';
import { diagnoseIncident } from '../../src/pipeline/diagnose.js';
import { scenarioDir } from '../helpers/scenario-evidence.js';

const work = mkdtempSync(path.join(tmpdir(), 'aegis-git-rollback-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const caseDir = scenarioDir('crashloop-checkout-bad-release');
const manifest = 'workloads/checkout/deployment.yaml';

/** The snapshot as a cluster with revisionHistoryLimit: 0 would show it: only the failing ReplicaSet. */
function snapshotWithoutHistory(): string {
  const snap = path.join(work, 'snapshot');
  cpSync(path.join(caseDir, 'snapshot'), snap, { recursive: true });
  const rsFile = path.join(snap, 'shop/replicasets.json');
  const rs = JSON.parse(readFileSync(rsFile, 'utf8')) as { items: { metadata: { name: string } }[] };
  rs.items = rs.items.filter(
    (r) => !r.metadata.name.startsWith('checkout-') || r.metadata.name === 'checkout-zg9t76xdc',
  );
  writeFileSync(rsFile, JSON.stringify(rs, null, 4));
  const podFile = path.join(snap, 'shop/pods.json');
  const pods = JSON.parse(readFileSync(podFile, 'utf8')) as { items: { metadata: { name: string } }[] };
  pods.items = pods.items.filter((p) => !p.metadata.name.startsWith('checkout-tq4wsrmvh'));
  writeFileSync(podFile, JSON.stringify(pods, null, 4));
  return snap;
}

function repoWithHistory(withGit: boolean): string {
  const repo = mkdtempSync(path.join(work, 'repo-'));
  cpSync(path.join(caseDir, 'gitops'), repo, { recursive: true });
  if (!withGit) return repo;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', ...args], { cwd: repo });
  const file = path.join(repo, manifest);
  const current = readFileSync(file, 'utf8');
  git('init', '-q');
  writeFileSync(file, current.replace('checkout:2.8.0', 'checkout:2.7.3'));
  git('add', '-A');
  git('commit', '-qm', 'checkout 2.7.3');
  writeFileSync(file, current);
  git('commit', '-qam', 'checkout 2.8.0');
  return repo;
}

async function diagnose(repo: string, snapshot: string) {
  const parsed = parseAlertJson(readFileSync(path.join(caseDir, 'alert.json'), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error);
  const [draft] = groupIncidents(parsed.payload);
  if (!draft) throw new Error('no incident');
  return diagnoseIncident(draft, {
    reader: await openSnapshotReader(snapshot),
    repoRoot: repo,
    render: false,
  });
}

describe('rollback source', () => {
  const snapshot = snapshotWithoutHistory();

  it('uses the git history of the image line when ReplicaSets are gone', async () => {
    const result = await diagnose(repoWithHistory(true), snapshot);
    expect(result.diagnosis.category).toBe('crash-loop');
    expect(result.remediation.operations).toEqual([
      { type: 'set-image', container: 'checkout', image: 'ghcr.io/acme-corp/checkout:2.7.3' },
    ]);
    expect(result.diagnosis.summary).toMatch(
      /GitOps repository deployed ghcr\.io\/acme-corp\/checkout:2\.7\.3 before/,
    );
    expect(result.remediation.diff).toContain('+          image: ghcr.io/acme-corp/checkout:2.7.3');
  });

  it('changes nothing without any history', async () => {
    const result = await diagnose(repoWithHistory(false), snapshot);
    expect(result.diagnosis.category).toBe('crash-loop');
    expect(result.remediation.action).toBe('none');
  });
});
