// Runbook memory in a JSON-lines file: record, find the most similar, survive bad lines.
import { appendFile, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileRunbook, type PastIncident } from '../../src/llm/runbook.js';

const entry = (over: Partial<PastIncident>): PastIncident => ({
  category: 'oom-killed',
  workload: 'billing/invoice-renderer',
  alertname: 'KubeContainerOOMKilled',
  summary: 'renderer OOMKilled during month-end batch',
  fix: 'memory limit 384Mi → 512Mi',
  outcome: 'verified-in-prod',
  ...over,
});

async function tempFile(): Promise<string> {
  return path.join(await mkdtemp(path.join(os.tmpdir(), 'aegis-runbook-')), 'nested', 'runbook.jsonl');
}

describe('createFileRunbook', () => {
  it('a missing file is an empty memory; record creates it', async () => {
    const file = await tempFile();
    const runbook = createFileRunbook(file);
    expect(await runbook.similar({ alertname: 'KubeContainerOOMKilled' }, 3)).toEqual([]);
    await runbook.record(entry({ at: '2025-01-01T00:00:00Z' }));
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      category: 'oom-killed',
      at: '2025-01-01T00:00:00Z',
    });
  });

  it('ranks the same workload and category first, then alert and namespace; ties go to the newest', async () => {
    const file = await tempFile();
    const runbook = createFileRunbook(file);
    await runbook.record(
      entry({
        workload: 'search/search-api',
        category: 'hpa-maxed',
        alertname: 'KubeHpaMaxedOut',
        summary: 'unrelated',
      }),
    );
    await runbook.record(entry({ workload: 'shop/thumbnailer', summary: 'other workload, same category' }));
    await runbook.record(entry({ summary: 'same workload, reverted', outcome: 'reverted' }));
    await runbook.record(entry({ summary: 'same workload, verified' }));
    await runbook.record(
      entry({ workload: 'billing/api', category: 'crash-loop', summary: 'same alert only' }),
    );
    await runbook.record(entry({ workload: 'shop/cart', summary: 'newer, other workload' }));

    const found = await runbook.similar(
      {
        alertname: 'KubeContainerOOMKilled',
        category: 'oom-killed',
        namespace: 'billing',
        workload: 'invoice-renderer',
      },
      3,
    );
    expect(found.map((f) => f.summary)).toEqual([
      'same workload, verified',
      'same workload, reverted',
      'newer, other workload',
    ]);
    expect(await runbook.similar({ alertname: 'NoSuchAlert' }, 3)).toEqual([]);
    expect(await runbook.similar({ alertname: 'KubeContainerOOMKilled' }, 1)).toHaveLength(1);
  });

  it('skips malformed lines instead of failing', async () => {
    const file = await tempFile();
    const runbook = createFileRunbook(file);
    await runbook.record(entry({}));
    await appendFile(file, 'not json\n{"category":"no-such-category"}\n\n');
    await runbook.record(entry({ summary: 'second' }));
    expect(await runbook.similar({ alertname: 'KubeContainerOOMKilled' }, 5)).toHaveLength(2);
  });

  it('redacts what it stores', async () => {
    const file = await tempFile();
    await createFileRunbook(file).record(
      entry({ summary: 'failed: token=PLANTEDrunbookTok', fix: 'rotated password=PLANTEDrunbookPw' }),
    );
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('PLANTEDrunbookTok');
    expect(text).not.toContain('PLANTEDrunbookPw');
  });
});
