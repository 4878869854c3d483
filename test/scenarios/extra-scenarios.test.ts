// The project's own incident scenarios (test/fixtures/scenarios), in exactly the public format and
// run exactly like the public set. They cover what the public cases do not: Kustomize overlay
// patches and `images:` entries, Helm values files, StatefulSets and DaemonSets, release
// regressions, "change nothing" answers and tricky alert labels.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/paths.js';
import { expectScenarioPasses, listCases } from '../helpers/scenario-runner.js';

const scenariosDir = path.join(PROJECT_ROOT, 'test', 'fixtures', 'scenarios');
const cases = listCases(scenariosDir);
const work = mkdtempSync(path.join(tmpdir(), 'aegis-extra-scenarios-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('extra scenarios (no LLM)', () => {
  it('finds the scenario set', () => {
    expect(cases.length).toBeGreaterThanOrEqual(16);
  });

  it.each(cases)('%s passes the shared checker', async (name) => {
    await expectScenarioPasses(path.join(scenariosDir, name), path.join(work, name), ['--llm', 'none']);
  });
});
