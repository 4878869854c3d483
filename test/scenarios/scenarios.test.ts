// Every public incident scenario (../shared/scenarios), end to end through the built CLI.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedDir } from '../helpers/paths.js';
import { expectScenarioPasses, listCases } from '../helpers/scenario-runner.js';

const scenariosDir = path.join(sharedDir(), 'scenarios');
const cases = listCases(scenariosDir);
const work = mkdtempSync(path.join(tmpdir(), 'aegis-scenarios-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('public scenarios (no LLM)', () => {
  it('finds the scenario set', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  it.each(cases)('%s passes the shared checker', async (name) => {
    await expectScenarioPasses(path.join(scenariosDir, name), path.join(work, name), ['--llm', 'none']);
  });
});
