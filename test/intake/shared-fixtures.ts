// Where the shared, upstream-copied fixtures and the incident scenarios live: `../shared` beside
// the checkout, or AEGIS_SHARED_DIR (as test/helpers/paths.ts). Missing means a loud failure,
// never a vacuous pass over zero files.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED_DIR =
  process.env.AEGIS_SHARED_DIR ?? fileURLToPath(new URL('../../../shared/', import.meta.url));
if (!existsSync(join(SHARED_DIR, 'scenarios')) || !existsSync(join(SHARED_DIR, 'fixtures'))) {
  throw new Error(
    `shared fixtures not found at ${SHARED_DIR}; check out ../shared beside the project or set AEGIS_SHARED_DIR`,
  );
}
export const ALERT_FIXTURES_DIR = join(SHARED_DIR, 'fixtures', 'alertmanager');
export const KUBERNETES_FIXTURES_DIR = join(SHARED_DIR, 'fixtures', 'kubernetes');
export const SCENARIOS_DIR = join(SHARED_DIR, 'scenarios');

/** Every file of fixtures/alertmanager, as [file name, absolute path]. */
export function alertFixtureFiles(): [string, string][] {
  return readdirSync(ALERT_FIXTURES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, join(ALERT_FIXTURES_DIR, f)]);
}

/** Every scenario folder name. */
export function scenarioNames(): string[] {
  return readdirSync(SCENARIOS_DIR)
    .filter((d) => statSync(join(SCENARIOS_DIR, d)).isDirectory())
    .sort();
}

export function scenarioAlertText(name: string): string {
  return readFileSync(join(SCENARIOS_DIR, name, 'alert.json'), 'utf8');
}

export function scenarioSnapshotDir(name: string): string {
  return join(SCENARIOS_DIR, name, 'snapshot');
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
