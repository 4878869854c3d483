// `diagnose` time per incident after indexing: every public scenario's GitOps tree is laid into a
// generated 5,000-workload repository, the repository is indexed once (as the server does), and
// each incident is diagnosed end to end (evidence, rules, locate, edit, git diff, render check).
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultRepoConfig } from '../config/repo-config.js';
import { openSnapshotReader } from '../evidence/snapshot-reader.js';
import { indexRepo } from '../gitops/index-repo.js';
import { groupIncidents } from '../intake/incidents.js';
import { parseAlertJson } from '../intake/parse-alert.js';
import { diagnoseIncident } from '../pipeline/diagnose.js';
import { generateGitopsRepo } from './generate-gitops-repo.js';
import type { BenchResult } from './gitops-bench.js';
import { percentile } from './stats.js';

export async function benchDiagnose(opts: {
  scenariosDir: string;
  workloads?: number;
  rounds?: number;
}): Promise<BenchResult[]> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'aegis-diagnose-bench-'));
  try {
    await generateGitopsRepo(path.join(tmp, 'generated'), { workloads: opts.workloads ?? 5000, seed: 42 });
    const cases = (await readdir(opts.scenariosDir, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    for (const name of cases)
      await cp(path.join(opts.scenariosDir, name, 'gitops'), tmp, { recursive: true });
    const index = await indexRepo(tmp);
    const config = defaultRepoConfig();
    const times: number[] = [];
    let patched = 0;
    for (let round = 0; round < (opts.rounds ?? 3); round++) {
      for (const name of cases) {
        const dir = path.join(opts.scenariosDir, name);
        const parsed = parseAlertJson(await readFile(path.join(dir, 'alert.json'), 'utf8'));
        if (!parsed.ok) throw new Error(`${name}: ${parsed.error}`);
        const [draft] = groupIncidents(parsed.payload);
        if (!draft) continue;
        const reader = await openSnapshotReader(path.join(dir, 'snapshot'));
        const started = performance.now();
        const result = await diagnoseIncident(draft, { reader, repoRoot: tmp, index, config });
        times.push(performance.now() - started);
        if (round === 0 && result.remediation.action === 'patch') patched++;
      }
    }
    times.sort((a, b) => a - b);
    const p95 = percentile(times, 95);
    return [
      {
        name: 'diagnose.per_incident.p50',
        value: Math.round(percentile(times, 50)),
        unit: 'ms',
        target: '-',
        ok: true,
      },
      {
        name: 'diagnose.per_incident.p95',
        value: Math.round(p95),
        unit: 'ms',
        target: '<= 300',
        ok: p95 <= 300,
      },
      {
        name: 'diagnose.patches',
        value: patched,
        unit: 'incidents',
        target: `of ${cases.length} scenarios`,
        ok: patched > 0,
      },
    ];
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
