// Outputs, summary and workflow commands in the formats the runner reads.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withLoadInputs } from '../../src/action/action-config.js';
import { readInputs } from '../../src/action/inputs.js';
import { annotate, appendSummary, setOutput } from '../../src/action/runner-files.js';
import { defaultVerificationConfig } from '../../src/verify/verify-config.js';
import { parseOutputs } from './helpers/action-world.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('runner files', () => {
  it('writes name=value, and the heredoc form for a multi-line value', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aegis-runner-'));
    dirs.push(dir);
    const files = { outputFile: path.join(dir, 'out'), summaryFile: path.join(dir, 'sum'), write: () => {} };
    await setOutput(files, 'verdict', 'pass');
    await setOutput(files, 'notes', 'line one\nline two');
    await appendSummary(files, '## one');
    await appendSummary(files, '## two');
    const text = await readFile(files.outputFile, 'utf8');
    expect(text).toMatch(
      /^verdict=pass\nnotes<<ghadelimiter_[0-9a-f-]{36}\nline one\nline two\nghadelimiter_/,
    );
    expect(parseOutputs(text)).toEqual({ verdict: 'pass', notes: 'line one\nline two' });
    expect(await readFile(files.summaryFile, 'utf8')).toBe('## one\n## two\n');
  });

  it('outside a runner (no files) writes nothing and does not fail', async () => {
    await expect(setOutput({ write: () => {} }, 'verdict', 'pass')).resolves.toBeUndefined();
  });

  it('keeps an annotation on one line', () => {
    const lines: string[] = [];
    annotate({ write: (line) => lines.push(line) }, 'error', '100% broken\nsecond line\r');
    expect(lines).toEqual(['::error::100%25 broken%0Asecond line%0D']);
  });
});

describe('load inputs over the repo config', () => {
  const inputs = (values: Record<string, string>) =>
    readInputs(
      Object.fromEntries(
        Object.entries({ 'github-token': 't', ...values }).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
      ),
    );

  it('overrides only what is set', () => {
    const base = defaultVerificationConfig();
    const config = withLoadInputs(base, inputs({ 'load-duration': '7', 'load-rate': '30' }));
    expect(config.load).toEqual({ ...base.load, durationSeconds: 7, rate: 30 });
    expect(config.rules).toEqual(base.rules);
  });

  it('names the input when the repo config’s limit refuses it', () => {
    expect(() => withLoadInputs(defaultVerificationConfig(), inputs({ 'load-duration': '601' }))).toThrow(
      /^input load-duration: /,
    );
    expect(() => withLoadInputs(defaultVerificationConfig(), inputs({ 'load-connections': '5000' }))).toThrow(
      /^input load-connections: /,
    );
  });
});
