// The local forge's state folder: PRs and issues as Markdown plus JSON, labels, one marker
// comment, issues found again by marker, and the list that `aegis incident list` reads.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalForge, type LocalForge } from '../../src/forge/local-forge.js';
import { derivePhase } from '../../src/propose/phase.js';

let dir: string;
let forge: LocalForge;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'aegis-local-forge-'));
  forge = createLocalForge({ stateDir: dir, clock: () => new Date('2025-03-03T09:00:00Z') });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const pr = {
  branch: 'aegis/billing/api/oom-killed-1234abcd',
  base: 'main',
  title: 'fix(api): x [aegis]',
  body: 'body',
  labels: ['aegis'],
};

describe('local forge', () => {
  it('writes a PR as <n>-<branch-slug>.md and .json and finds it by branch', async () => {
    const created = await forge.createPr(pr);

    expect(created).toMatchObject({ number: 1, state: 'open', labels: ['aegis'] });
    expect(created.url).toBe(path.join(dir, '1-aegis-billing-api-oom-killed-1234abcd.md'));
    expect(readFileSync(created.url, 'utf8')).toContain('# fix(api): x [aegis]');
    expect(existsSync(path.join(dir, '1-aegis-billing-api-oom-killed-1234abcd.json'))).toBe(true);
    expect(await forge.findOpenPr(pr.branch)).toEqual(created);
    expect(await forge.findOpenPr('aegis/other')).toBeUndefined();
  });

  it('adds and removes labels, updates the body and closes', async () => {
    const { number } = await forge.createPr(pr);
    await forge.addLabels(number, ['aegis', 'aegis/verify:pending']);
    await forge.removeLabel(number, 'aegis/verify:pending');
    await forge.removeLabel(number, 'not-there');
    const updated = await forge.updatePr(number, { title: 'new title', body: 'new body' });
    await forge.close(number);

    expect(updated).toMatchObject({ title: 'new title', body: 'new body', labels: ['aegis'] });
    expect(await forge.listItems()).toEqual([]);
    expect((await forge.listItems({ all: true }))[0]).toMatchObject({ number, state: 'closed' });
  });

  it('keeps one comment per marker', async () => {
    const { number } = await forge.createPr(pr);

    const outcomes = [
      await forge.upsertComment(number, 'aegis:report', 'v1'),
      await forge.upsertComment(number, 'aegis:report', 'v1'),
      await forge.upsertComment(number, 'aegis:report', 'v2'),
      await forge.upsertComment(number, 'aegis:other', 'x'),
    ];

    expect(outcomes).toEqual(['created', 'unchanged', 'updated', 'created']);
    const json = JSON.parse(
      readFileSync(path.join(dir, '1-aegis-billing-api-oom-killed-1234abcd.json'), 'utf8'),
    );
    expect(json.comments.map((c: { body: string }) => c.body)).toEqual([
      '<!-- aegis:report -->\nv2',
      '<!-- aegis:other -->\nx',
    ]);
  });

  it('numbers issues and PRs together and finds an issue again by its marker', async () => {
    await forge.createPr(pr);
    const input = { marker: 'aegis:incident:ff', title: 'Node down', body: 'b1', labels: ['aegis'] };

    const first = await forge.upsertIssue(input);
    const again = await forge.upsertIssue(input);
    const changed = await forge.upsertIssue({ ...input, body: 'b2' });

    expect(first).toMatchObject({ outcome: 'created', issue: { number: 2 } });
    expect(again).toMatchObject({ outcome: 'unchanged', issue: { number: 2 } });
    expect(changed).toMatchObject({
      outcome: 'updated',
      issue: { number: 2, body: '<!-- aegis:incident:ff -->\nb2' },
    });
    expect((await forge.listItems()).map((i) => [i.type, i.number])).toEqual([
      ['issue', 2],
      ['pull', 1],
    ]);
  });

  it('marks a PR merged with its merge commit, which makes the incident phase merged', async () => {
    const { number } = await forge.createPr(pr);
    const sha = '0123456789abcdef0123456789abcdef01234567';

    const merged = await forge.markMerged(number, sha);

    expect(merged).toMatchObject({ number, state: 'merged', branch: pr.branch });
    const json = JSON.parse(readFileSync(merged.url.replace(/\.md$/, '.json'), 'utf8'));
    expect(json).toMatchObject({ state: 'merged', mergeCommit: sha });
    expect(readFileSync(merged.url, 'utf8')).toContain('> pull request #1 · merged as `0123456789ab`');
    const [item] = await forge.listItems();
    expect(item && derivePhase(item)).toBe('merged');
    // Closing a merged PR keeps it merged.
    await forge.close(number);
    expect((await forge.listItems())[0]?.state).toBe('merged');
  });

  it('merges only open or merged pull requests, never issues or closed PRs', async () => {
    const { number } = await forge.createPr(pr);
    const { issue } = await forge.upsertIssue({ marker: 'm', title: 't', body: 'b', labels: ['aegis'] });
    await forge.close(number);

    await expect(forge.markMerged(number, 'a'.repeat(40))).rejects.toThrow(/#1 is closed/);
    await expect(forge.markMerged(issue.number, 'a'.repeat(40))).rejects.toThrow(/is an issue/);
    await expect(forge.markMerged(99, 'a'.repeat(40))).rejects.toThrow(/no pull request or issue #99/);
  });

  it('refuses to push without a remote', async () => {
    await expect(
      forge.pushBranch({ repoDir: dir, branch: 'b', sha: 'a'.repeat(40), expected: null }),
    ).rejects.toThrow(/no remote/);
  });
});
