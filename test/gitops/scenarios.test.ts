// Runs the gitops engine on every shared scenario's GitOps tree (on a copy): every workload of the
// snapshot must be located, and each patch scenario gets one realistic change that must pass the
// scenario's own checker (checks, may_change, max_changed_lines) and apply with git.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { indexRepo } from '../../src/gitops/index-repo.js';
import { getJs, isPlainObject } from '../../src/gitops/js-path.js';
import { locateWorkload } from '../../src/gitops/locate.js';
import { proposeChanges, writeProposal } from '../../src/gitops/propose.js';
import type { ObjectChange, PathSeg } from '../../src/gitops/types.js';
import { changedLines, container, copyTree, gitApply, proposalOk, removeTree, SCENARIOS } from './helpers.js';

const run = promisify(execFile);
const ids = readdirSync(SCENARIOS).filter((d) => existsSync(path.join(SCENARIOS, d, 'gitops')));

interface Expect {
  category: string | string[];
  action: 'patch' | 'none';
  may_change: string[];
  max_changed_lines?: Record<string, number>;
}

function caseOf(id: string): Expect {
  const doc = parse(readFileSync(path.join(SCENARIOS, id, 'case.yaml'), 'utf8')) as { expect: Expect };
  return doc.expect;
}

interface LiveObject {
  kind: string;
  name: string;
  namespace: string;
  object: unknown;
}

function snapshotObjects(id: string): LiveObject[] {
  const dir = path.join(SCENARIOS, id, 'snapshot');
  const out: LiveObject[] = [];
  for (const ns of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    for (const [file, kind] of [
      ['deployments.json', 'Deployment'],
      ['statefulsets.json', 'StatefulSet'],
      ['horizontalpodautoscalers.json', 'HorizontalPodAutoscaler'],
    ] as const) {
      const p = path.join(dir, ns.name, file);
      if (!existsSync(p)) continue;
      const list = JSON.parse(readFileSync(p, 'utf8')) as { items: unknown[] };
      for (const item of list.items) {
        const name = getJs(item, ['metadata', 'name']);
        if (typeof name === 'string') out.push({ kind, name, namespace: ns.name, object: item });
      }
    }
  }
  return out;
}

/** One realistic fix per patch scenario: [kind, name, path, new value | 'remove', image?]. */
const FIXES: Record<string, [string, string, PathSeg[], unknown, boolean?]> = {
  'config-orders-worker-configmap-typo': [
    'Deployment',
    'orders-worker',
    [
      ...container('worker'),
      'env',
      { match: { name: 'RETRY_BACKOFF' } },
      'valueFrom',
      'configMapKeyRef',
      'name',
    ],
    'orders-worker-config',
  ],
  'cpu-throttling-pricing-api': [
    'Deployment',
    'pricing-api',
    [...container('pricing-api'), 'resources', 'limits', 'cpu'],
    'remove',
  ],
  'crashloop-checkout-bad-release': [
    'Deployment',
    'checkout',
    [...container('checkout'), 'image'],
    'ghcr.io/acme-corp/checkout:2.7.3',
    true,
  ],
  'hpa-maxed-search-api': ['HorizontalPodAutoscaler', 'search-api', ['spec', 'maxReplicas'], 12],
  'image-pull-storefront-tag-typo': [
    'Deployment',
    'storefront-web',
    [...container('web'), 'image'],
    'europe-west1-docker.pkg.dev/acme-prod/web/storefront:v3.12.0',
    true,
  ],
  'oom-invoice-renderer': [
    'Deployment',
    'invoice-renderer',
    [...container('renderer'), 'resources', 'limits', 'memory'],
    '1Gi',
  ],
  'probe-notifier-liveness-port': [
    'Deployment',
    'notifier',
    [...container('notifier'), 'livenessProbe', 'httpGet', 'port'],
    3000,
  ],
};

describe.each(ids)('scenario %s', (id) => {
  const expectation = caseOf(id);

  it('indexes the tree without skipping files and locates every workload of the snapshot', async () => {
    const index = await indexRepo(path.join(SCENARIOS, id, 'gitops'));
    expect(index.skipped).toEqual([]);
    const live = snapshotObjects(id);
    expect(live.length).toBeGreaterThan(0);
    for (const o of live) {
      const source = locateWorkload(index, { kind: o.kind, name: o.name, namespace: o.namespace });
      expect(source, `${o.kind}/${o.name}`).not.toHaveProperty('error');
    }
  });

  const fix = FIXES[id];
  it.runIf(expectation.action === 'patch' && fix !== undefined)(
    'applies one realistic change that passes the scenario checker',
    async () => {
      const [kind, name, p, value, image] = fix!;
      const live = snapshotObjects(id).find((o) => o.kind === kind && o.name === name);
      if (!live) throw new Error(`${kind}/${name} not in the snapshot`);
      const target = { kind, name, namespace: live.namespace };
      const change: ObjectChange = {
        target,
        path: p,
        expected: getJs(live.object, p),
        ...(value === 'remove' ? { remove: true } : { value }),
        ...(image ? { image } : {}),
      };
      const repo = await copyTree(path.join(SCENARIOS, id, 'gitops'));
      const check = await copyTree(path.join(SCENARIOS, id, 'gitops'));
      try {
        const index = await indexRepo(repo);
        const source = locateWorkload(index, target);
        if ('error' in source) throw new Error(source.error);
        const proposal = proposalOk(await proposeChanges(index, source, [change]));
        // Only files the scenario allows may change (the checker also enforces it on the written tree).
        expect(expectation.may_change).toEqual(expect.arrayContaining(proposal.files));
        expect(proposal.files.length).toBeGreaterThan(0);
        for (const [file, max] of Object.entries(expectation.max_changed_lines ?? {})) {
          expect(changedLines(proposal)[file] ?? 0).toBeLessThanOrEqual(max);
        }
        await gitApply(check, proposal.diff);
        await writeProposal(repo, proposal);
        const category = Array.isArray(expectation.category) ? expectation.category[0] : expectation.category;
        const result = `${repo}.json`;
        await writeFile(
          result,
          JSON.stringify({ diagnosis: { category }, remediation: { action: 'patch', diff: proposal.diff } }),
        );
        const out = await run('node', [
          path.join(SCENARIOS, 'check.mjs'),
          path.join(SCENARIOS, id),
          repo,
          result,
        ]).catch((error: unknown) =>
          isPlainObject(error)
            ? { stdout: String(error.stdout), stderr: String(error.stderr) }
            : { stdout: '', stderr: String(error) },
        );
        expect(out.stdout).toContain(`PASS ${id}`);
      } finally {
        await removeTree(repo);
        await removeTree(check);
      }
    },
  );
});
