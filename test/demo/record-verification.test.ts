// The demo records a verdict on its PR as the verify Action does: the one report comment and the
// verdict's own label, the other verify labels gone, for every verdict.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordVerification } from '../../src/demo/pull-request.js';
import { createLocalForge, type LocalForge } from '../../src/forge/local-forge.js';
import { LABELS } from '../../src/propose/naming.js';
import { REPORT_MARKER_NAME } from '../../src/verify/report-markdown.js';

let dir: string;
let forge: LocalForge;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'aegis-demo-verdict-'));
  forge = createLocalForge({ stateDir: dir });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('recordVerification', () => {
  it.each([
    ['pass', LABELS.verifyPassed],
    ['fail', LABELS.verifyFailed],
    ['inconclusive', LABELS.verifyInconclusive],
    ['error', LABELS.verifyError],
  ] as const)('labels a %s verdict %s and drops the running label', async (verdict, label) => {
    const pr = await forge.createPr({
      branch: 'aegis/demo/invoice-renderer/oom-killed-1234abcd',
      base: 'main',
      title: 'fix(invoice-renderer): raise the memory limit [aegis]',
      body: 'body',
      labels: ['aegis', LABELS.verifyRunning],
    });

    await recordVerification(forge, pr, verdict, `## Shadow verification: ${verdict}`);

    const after = await forge.findOpenPr(pr.branch);
    expect(after?.labels.sort()).toEqual(['aegis', label].sort());
    // The report is the one report comment: writing it again changes nothing.
    expect(
      await forge.upsertComment(pr.number, REPORT_MARKER_NAME, `## Shadow verification: ${verdict}`),
    ).toBe('unchanged');
  });
});
