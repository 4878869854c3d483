import { readFile, rename, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { indexRepo } from '../../src/gitops/index-repo.js';
import { getJs, MISSING } from '../../src/gitops/js-path.js';
import { locateWorkload } from '../../src/gitops/locate.js';
import {
  type ProposeOptions,
  proposeChanges,
  warmRenderCheck,
  warmRenderers,
} from '../../src/gitops/propose.js';
import { execRenderer, type Renderer } from '../../src/gitops/renderer.js';
import type { GitopsProposal, ObjectChange, RepoIndex } from '../../src/gitops/types.js';
import { container, copyTree, FIXTURES, proposalOk, removeTree } from './helpers.js';

const ROOT = path.join(FIXTURES, 'kustomize');
let index: RepoIndex;

beforeAll(async () => {
  index = await indexRepo(ROOT);
});

async function propose(
  change: ObjectChange,
  opts: ProposeOptions = {},
): Promise<GitopsProposal | { error: string }> {
  const source = locateWorkload(index, change.target);
  if ('error' in source) return source;
  return proposeChanges(index, source, [change], opts);
}

const prod = { kind: 'Deployment', name: 'checkout', namespace: 'shop-prod' };

/** The real renderer, recording every directory it renders with kustomize. */
function countingRenderer(): { dirs: string[]; counting: Renderer } {
  const real = execRenderer();
  const dirs: string[] = [];
  const counting: Renderer = {
    ...real,
    kustomize: async (dir) => {
      dirs.push(dir);
      return real.kustomize(dir);
    },
  };
  return { dirs, counting };
}
const app = container('app');
const proxy = container('proxy');

describe('proposeChanges checks and notes', () => {
  it('reports a change that would also alter another object (shared images: entry)', async () => {
    const target = { kind: 'Deployment', name: 'storefront-web', namespace: 'web' };
    const p = await propose({
      target,
      path: [...container('web'), 'image'],
      value: 'ghcr.io/acme/storefront:v3.1.1',
      expected: 'ghcr.io/acme/storefront:v3.1.0',
      image: true,
    });
    expect(p).toEqual({
      error: expect.stringMatching(/blast-radius.*also change Deployment\/storefront-worker/),
    });
  });

  it('without rendering, the same change is proposed (the check is what catches it)', async () => {
    const target = { kind: 'Deployment', name: 'storefront-web', namespace: 'web' };
    const source = locateWorkload(index, target);
    if ('error' in source) throw new Error(source.error);
    const p = proposalOk(
      await proposeChanges(
        index,
        source,
        [
          {
            target,
            path: [...container('web'), 'image'],
            value: 'ghcr.io/acme/storefront:v3.1.1',
            image: true,
          },
        ],
        { render: false },
      ),
    );
    expect(p.files).toEqual(['apps/storefront/kustomization.yaml']);
  });

  it('says when the value is already there', async () => {
    const p = await propose({
      target: prod,
      path: [...app, 'resources', 'limits', 'memory'],
      value: '1Gi',
      expected: '1Gi',
    });
    expect(p).toEqual({ error: expect.stringMatching(/already holds/) });
  });

  it('notes drift between the repository and the live object', async () => {
    const p = proposalOk(
      await propose({
        target: prod,
        path: [...app, 'resources', 'limits', 'memory'],
        value: '2Gi',
        expected: '1536Mi',
      }),
    );
    expect(p.notes.join('\n')).toMatch(/repository has "1Gi" but the live object has "1536Mi"/);
  });

  it('removes a value that only a patch sets', async () => {
    const p = proposalOk(
      await propose({ target: prod, path: [...proxy, 'resources', 'limits', 'memory'], remove: true }),
    );
    // The JSON6902 op replaces a base value, so it becomes a remove op.
    const after = parse(p.edits[0]?.after ?? '') as unknown;
    expect(getJs(after, ['patches', 1, 'patch'])).toMatch(/op: remove/);
    expect(getJs(after, ['patches', 1, 'patch'])).not.toMatch(/value:/);
    expect(getJs(parse(String(getJs(after, ['patches', 1, 'patch']))), [0, 'value'])).toBe(MISSING);
  });

  it('skips the render check with a note when kubectl is missing', async () => {
    const noKubectl: Renderer = {
      hasKustomize: async () => false,
      hasHelm: async () => false,
      kustomize: async () => {
        throw new Error('not called');
      },
      helmTemplate: async () => {
        throw new Error('not called');
      },
    };
    const p = proposalOk(
      await propose(
        { target: prod, path: [...app, 'resources', 'limits', 'memory'], value: '2Gi' },
        { renderer: noKubectl },
      ),
    );
    expect(p.notes).toContain('kubectl not found: kustomize render check skipped');
    expect(p.renderedDiff).toBeUndefined();
  });

  it('renders the unchanged checkout once per index, and the edited copy every time', async () => {
    const { dirs, counting } = countingRenderer();
    const fresh = await indexRepo(ROOT);
    const change = { target: prod, path: [...app, 'resources', 'limits', 'memory'], value: '2Gi' };
    for (const value of ['2Gi', '3Gi']) {
      const source = locateWorkload(fresh, prod);
      if (!source || 'error' in source) throw new Error('not located');
      proposalOk(await proposeChanges(fresh, source, [{ ...change, value }], { renderer: counting }));
    }
    const ofCheckout = dirs.filter((d) => d.startsWith(ROOT));
    const ofCopies = dirs.filter((d) => !d.startsWith(ROOT));
    expect(ofCheckout).toHaveLength(1);
    expect(ofCopies).toHaveLength(2);
    // A new index (a new base commit) renders its checkout again.
    const next = await indexRepo(ROOT);
    const source = locateWorkload(next, prod);
    if (!source || 'error' in source) throw new Error('not located');
    proposalOk(await proposeChanges(next, source, [change], { renderer: counting }));
    expect(dirs.filter((d) => d.startsWith(ROOT))).toHaveLength(2);
  });

  it('a warmed render check renders the source root ahead, and the check then reuses it', async () => {
    const { dirs, counting } = countingRenderer();
    const fresh = await indexRepo(ROOT);
    const source = locateWorkload(fresh, prod);
    if (!source || 'error' in source || source.type !== 'kustomize')
      throw new Error('not a kustomize source');
    warmRenderCheck(fresh, source, { renderer: counting });
    await vi.waitFor(() => expect(dirs).toEqual([path.join(ROOT, source.root)]));
    const change = { target: prod, path: [...app, 'resources', 'limits', 'memory'], value: '2Gi' };
    proposalOk(await proposeChanges(fresh, source, [change], { renderer: counting }));
    expect(dirs.filter((d) => d.startsWith(ROOT))).toHaveLength(1);
    expect(dirs.filter((d) => !d.startsWith(ROOT))).toHaveLength(1);
    // Nothing is rendered ahead when the check is off.
    warmRenderCheck(await indexRepo(ROOT), source, { renderer: counting, render: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(dirs).toHaveLength(2);
  });

  it('renders the unchanged manifests at the lower priority, the edited copy at the server’s', async () => {
    const real = execRenderer();
    const asked: [string, boolean][] = [];
    const renderer: Renderer = {
      ...real,
      kustomize: async (dir, options) => {
        asked.push([dir.startsWith(ROOT) ? 'checkout' : 'copy', options?.background ?? false]);
        return real.kustomize(dir, options);
      },
    };
    const change = { target: prod, path: [...app, 'resources', 'limits', 'memory'], value: '2Gi' };
    proposalOk(await propose(change, { renderer }));
    expect(asked.sort()).toEqual([
      ['checkout', true],
      ['copy', false],
    ]);
  });

  it('tells the caller the edits once the render of the edited copy has started, and only once', async () => {
    const real = execRenderer();
    const told: string[][] = [];
    const toldWhenCopyRendered: number[] = [];
    const copies: string[] = [];
    const renderer: Renderer = {
      ...real,
      kustomize: async (dir) => {
        if (dir.startsWith(ROOT)) return real.kustomize(dir);
        copies.push(dir);
        toldWhenCopyRendered.push(told.length);
        const out = await real.kustomize(dir);
        toldWhenCopyRendered.push(told.length);
        return out;
      },
    };
    const change = { target: prod, path: [...app, 'resources', 'limits', 'memory'], value: '2Gi' };
    const p = proposalOk(
      await propose(change, { renderer, onEdits: (edits) => told.push(edits.map((e) => e.file)) }),
    );
    // Told after the edited copy's render started and before it ended: the caller's work overlaps it.
    expect(toldWhenCopyRendered).toEqual([0, 1]);
    expect(told).toEqual([p.files]);
    // The copy is removed after the proposal is made (not waited for: nothing needs it gone).
    await expect
      .poll(
        () =>
          stat(path.dirname(copies[0] as string)).then(
            () => 'there',
            () => 'gone',
          ),
        { timeout: 5_000 },
      )
      .toBe('gone');
  });

  it('tells the caller the edits also when nothing is rendered', async () => {
    const told: number[] = [];
    const change = { target: prod, path: [...app, 'resources', 'limits', 'memory'], value: '2Gi' };
    proposalOk(await propose(change, { render: false, onEdits: (edits) => told.push(edits.length) }));
    expect(told).toEqual([1]);
  });

  it('renders an edited file that is a symbolic link in the checkout without writing through the link', async () => {
    const dir = await copyTree(ROOT);
    try {
      const overlay = path.join(dir, 'apps', 'checkout', 'overlays', 'prod');
      const real = path.join(overlay, 'resources-patch.real.yaml');
      const original = await readFile(path.join(overlay, 'resources-patch.yaml'), 'utf8');
      await rename(path.join(overlay, 'resources-patch.yaml'), real);
      await symlink('resources-patch.real.yaml', path.join(overlay, 'resources-patch.yaml'));
      const linked = await indexRepo(dir);
      const source = locateWorkload(linked, prod);
      if ('error' in source) throw new Error(source.error);
      const p = proposalOk(
        await proposeChanges(linked, source, [
          { target: prod, path: [...app, 'resources', 'limits', 'memory'], value: '2Gi', expected: '1Gi' },
        ]),
      );
      expect(p.files).toEqual(['apps/checkout/overlays/prod/resources-patch.yaml']);
      expect(p.renderedDiff).toMatch(/\+\s+memory: 2Gi/);
      expect(await readFile(real, 'utf8')).toBe(original);
    } finally {
      await removeTree(dir);
    }
  });

  it('asks once whether the renderers a repository needs are installed, when it is indexed', async () => {
    const asked: string[] = [];
    const asking: Renderer = {
      ...execRenderer(),
      hasKustomize: async () => {
        asked.push('kubectl');
        return true;
      },
      hasHelm: async () => {
        asked.push('helm');
        return true;
      },
    };
    warmRenderers(index, { renderer: asking });
    expect(asked).toEqual(['kubectl']);
    warmRenderers(await indexRepo(path.join(FIXTURES, 'helm')), { renderer: asking });
    expect(asked).toEqual(['kubectl', 'helm']);
    warmRenderers(await indexRepo(path.join(FIXTURES, 'plain')), { renderer: asking });
    warmRenderers(index, { renderer: asking, render: false });
    expect(asked).toEqual(['kubectl', 'helm']);
  });

  it('finds a related object next to the located workload (HPA without a namespace)', async () => {
    const source = locateWorkload(index, prod);
    if ('error' in source) throw new Error(source.error);
    const hpa = { kind: 'HorizontalPodAutoscaler', name: 'checkout' };
    expect(locateWorkload(index, hpa)).toEqual({ error: expect.stringMatching(/2 places produce/) });
    const p = proposalOk(
      await proposeChanges(
        index,
        source,
        [{ target: hpa, path: ['spec', 'maxReplicas'], value: 11, expected: 10 }],
        { render: false },
      ),
    );
    expect(p.files).toEqual(['apps/checkout/overlays/prod/hpa-patch.yaml']);
  });
});
