// The hidden result block the Action writes into the report comment and the app reads back: one
// HTML comment that nothing in its values can end early, found again after redaction.
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/evidence/redact.js';
import {
  parseResultBlocks,
  renderResultBlock,
  type VerifyResult,
  withoutResultBlocks,
} from '../../src/verify/result-block.js';

const RESULT: VerifyResult = {
  verdict: 'fail',
  headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
  conclusion: 'failure',
  title: 'fail: p95 --> 2× control <!-- x --> & "quoted" \\ back',
  runId: 4242,
  runUrl: 'https://github.com/acme/gitops-repo/actions/runs/4242',
};

describe('result block', () => {
  it('is one HTML comment without `--` inside, and reads back equal', () => {
    const block = renderResultBlock(RESULT);
    expect(block).toMatch(/^<!-- aegis:verify-result \{.*\} -->$/);
    const inner = block.slice('<!--'.length, -'-->'.length);
    expect(inner).not.toContain('--');
    expect(inner).not.toMatch(/[<>]/);
    expect(parseResultBlocks(`report\n${block}\nmore`)).toEqual([RESULT]);
  });

  it('survives the redaction every comment goes through', () => {
    const body = `## report\n${renderResultBlock(RESULT)}`;
    expect(parseResultBlocks(redact(body))).toEqual([RESULT]);
  });

  it.each([
    ['not JSON', '<!-- aegis:verify-result {verdict: pass} -->'],
    [
      'an unknown verdict',
      '<!-- aegis:verify-result {"verdict":"great","headSha":"' +
        'a'.repeat(40) +
        '","conclusion":"success","title":"t"} -->',
    ],
    [
      'a short sha',
      '<!-- aegis:verify-result {"verdict":"pass","headSha":"abc","conclusion":"success","title":"t"} -->',
    ],
    ['no block at all', '<!-- aegis:verify-report -->\n## ✅ Shadow verification passed'],
  ])('%s gives no result', (_name, body) => {
    expect(parseResultBlocks(body)).toEqual([]);
  });

  it('is left out of the text shown elsewhere', () => {
    expect(withoutResultBlocks(`## report\n\nbody\n${renderResultBlock(RESULT)}\n`)).toBe(
      '## report\n\nbody',
    );
  });
});
