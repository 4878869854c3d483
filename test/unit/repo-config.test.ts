import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRepoConfig, loadRepoConfig, parseRepoConfig } from '../../src/config/repo-config.js';
import { UserError } from '../../src/core/errors.js';

describe('.github/aegis.yml', () => {
  it('has documented defaults', () => {
    const config = defaultRepoConfig();
    expect(config.memory).toEqual({ oomFactor: 1.5, maxFactor: 4, ceiling: '16Gi' });
    expect(config.cpu.ceiling).toBe('4');
    expect(config.namespaces.deny).toContain('kube-system');
    expect(config.images.allowNewTags).toBe(false);
    expect(config.minConfidence).toBe(0.6);
  });

  it('merges a partial file with the defaults', () => {
    const config = parseRepoConfig('memory:\n  ceiling: 8Gi\nreportOnly: [oom-killed]\n');
    expect(config.memory).toEqual({ oomFactor: 1.5, maxFactor: 4, ceiling: '8Gi' });
    expect(config.reportOnly).toEqual(['oom-killed']);
  });

  it.each([
    ['memory:\n  celing: 8Gi\n', /memory: Unrecognized key: "celing"/],
    ['memory:\n  ceiling: lots\n', /memory\.ceiling: a Kubernetes quantity/],
    ['reportOnly: [oom]\n', /reportOnly\.0/],
    ['memory: [1\n', /not valid YAML/],
  ])('rejects %j with a one-line error naming the key', (text, pattern) => {
    let error: unknown;
    try {
      parseRepoConfig(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(pattern);
    expect((error as Error).message).not.toContain('\n');
  });

  it('reads the file from a checkout and falls back to defaults when absent', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aegis-config-'));
    expect(await loadRepoConfig(dir)).toEqual(defaultRepoConfig());
    mkdirSync(path.join(dir, '.github'));
    writeFileSync(path.join(dir, '.github/aegis.yml'), 'minConfidence: 0.9\n');
    expect((await loadRepoConfig(dir)).minConfidence).toBe(0.9);
  });
});
