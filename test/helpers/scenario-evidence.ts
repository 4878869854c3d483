// Evidence for a shared scenario, gathered the same way the CLI does, for module-level tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultRepoConfig } from '../../src/config/repo-config.js';
import type { Evidence, Incident } from '../../src/core/types.js';
import { gatherEvidence } from '../../src/evidence/gather-evidence.js';
import { openSnapshotReader } from '../../src/evidence/snapshot-reader.js';
import { groupIncidents } from '../../src/intake/incidents.js';
import { parseAlertJson } from '../../src/intake/parse-alert.js';
import { sharedDir } from './paths.js';

export function scenarioDir(name: string): string {
  return path.join(sharedDir(), 'scenarios', name);
}

export async function scenarioEvidence(name: string): Promise<{ incident: Incident; evidence: Evidence }> {
  const dir = scenarioDir(name);
  const parsed = parseAlertJson(readFileSync(path.join(dir, 'alert.json'), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error);
  const [draft] = groupIncidents(parsed.payload);
  if (!draft) throw new Error(`no incident in ${name}`);
  return gatherEvidence(await openSnapshotReader(path.join(dir, 'snapshot')), draft);
}

export const defaults = defaultRepoConfig;
