// Real git for the propose tests: a bare repository as origin and a clone whose `main` holds a
// scenario's GitOps tree, plus helpers to diagnose that scenario against the clone.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultRepoConfig, type RepoConfig } from '../../src/config/repo-config.js';
import { openSnapshotReader } from '../../src/evidence/snapshot-reader.js';
import { groupIncidents } from '../../src/intake/incidents.js';
import { parseAlertJson } from '../../src/intake/parse-alert.js';
import { type DiagnoseResult, diagnoseIncident } from '../../src/pipeline/diagnose.js';
import { scenarioDir } from '../helpers/scenario-evidence.js';

export const HUMAN = ['-c', 'user.name=Dana Human', '-c', 'user.email=dana@example.com'];

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', [...HUMAN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export interface GitopsFixture {
  work: string;
  origin: string;
  clone: string;
  /** The GitOps tree: the clone itself, or its `subdir`. */
  repoDir: string;
}

/** origin.git (bare) and clone/ with the scenario's gitops tree committed and pushed as main. */
export function gitopsFixture(
  scenario: string,
  options: { parent?: string; subdir?: string } = {},
): GitopsFixture {
  const work = options.parent ?? mkdtempSync(path.join(tmpdir(), 'aegis-propose-'));
  mkdirSync(work, { recursive: true });
  const origin = path.join(work, 'origin.git');
  const clone = path.join(work, 'clone');
  const repoDir = options.subdir ? path.join(clone, options.subdir) : clone;
  git(work, 'init', '-q', '--bare', '-b', 'main', origin);
  git(work, 'clone', '-q', origin, clone);
  cpSync(path.join(scenarioDir(scenario), 'gitops'), repoDir, { recursive: true });
  git(clone, 'checkout', '-q', '-b', 'main');
  git(clone, 'add', '-A');
  git(clone, 'commit', '-q', '-m', 'initial gitops tree');
  git(clone, 'push', '-q', 'origin', 'main');
  return { work, origin, clone, repoDir };
}

export async function diagnoseScenario(
  scenario: string,
  repoRoot: string,
  config: RepoConfig = defaultRepoConfig(),
): Promise<DiagnoseResult> {
  const dir = scenarioDir(scenario);
  const parsed = parseAlertJson(readFileSync(path.join(dir, 'alert.json'), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error);
  const [draft] = groupIncidents(parsed.payload);
  if (!draft) throw new Error(`no incident in ${scenario}`);
  const reader = await openSnapshotReader(path.join(dir, 'snapshot'));
  return diagnoseIncident(draft, { reader, repoRoot, config, render: false });
}

/** The same incident with a bigger memory factor: a different fix for the same branch. */
export function biggerFactor(): RepoConfig {
  const config = defaultRepoConfig();
  return { ...config, memory: { ...config.memory, oomFactor: 3 } };
}
