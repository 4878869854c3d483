import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { editFile } from '../../src/gitops/edit-file.js';
import { indexRepo } from '../../src/gitops/index-repo.js';
import { locateWorkload } from '../../src/gitops/locate.js';
import { proposeChanges } from '../../src/gitops/propose.js';
import type { DocEdit, PathSeg } from '../../src/gitops/types.js';
import { container, copyTree, FIXTURES, gitApply, proposalOk, removeTree } from './helpers.js';

const FILE = 'apps/misc/api.yaml';
let before: string;

beforeAll(async () => {
  before = await readFile(path.join(FIXTURES, 'plain', FILE), 'utf8');
});

const api = container('api');
function edit(pathSegs: PathSeg[], value: unknown, doc = 0, op: 'set' | 'remove' = 'set'): DocEdit {
  return {
    file: FILE,
    doc,
    path: pathSegs,
    op,
    value,
    resource: 'Deployment/api',
    field: '',
    from: undefined,
  };
}

/** Asserts that only the given lines changed (1-based line numbers of the original), returning the new lines. */
function onlyLinesChanged(after: string, changed: Record<number, string>): void {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  for (let i = 0; i < a.length; i++) {
    const expected = changed[i + 1];
    if (expected === undefined) expect(b[i], `line ${i + 1}`).toBe(a[i]);
    else expect(b[i], `line ${i + 1}`).toBe(expected);
  }
}

function ok(result: { after: string } | { error: string }): string {
  if ('error' in result) throw new Error(result.error);
  return result.after;
}

describe('byte-preserving edits', () => {
  const replacements: [string, DocEdit, Record<number, string>][] = [
    [
      'plain scalar with an inline comment',
      edit(['spec', 'replicas'], 5),
      { 14: '  replicas: 5 # keep in sync with the HPA' },
    ],
    [
      'double-quoted scalar keeps its quotes',
      edit([...api, 'image'], 'ghcr.io/acme/api:1.4.3'),
      { 23: '          image: "ghcr.io/acme/api:1.4.3"' },
    ],
    [
      'value inside a flow map with a trailing comment',
      edit([...api, 'resources', 'limits', 'memory'], '1Gi'),
      { 31: '            limits: {cpu: "1", memory: 1Gi} # flow map with a comment' },
    ],
    [
      'single-quoted scalar with an escaped quote',
      edit(['metadata', 'annotations', 'owner'], "team 'billing'"),
      { 12: "    owner: 'team ''billing'''" },
    ],
    [
      'quoted env value stays a quoted string',
      edit([...api, 'env', { match: { name: 'LIMIT' } }, 'value'], '64'),
      { 28: '              value: "64"' },
    ],
    [
      'flow-map list element',
      edit([...api, 'env', { match: { name: 'MODE' } }, 'value'], 'maintenance'),
      { 26: "            - {name: MODE, value: 'maintenance'}" },
    ],
    [
      'flow sequence item',
      edit([...api, 'args', 1], '9090'),
      { 24: `          args: [--port, "9090", '--verbose']` },
    ],
    [
      'add a key inside a flow map',
      edit([...api, 'resources', 'limits', 'ephemeral-storage'], '1Gi'),
      {
        31: '            limits: {cpu: "1", memory: 512Mi, ephemeral-storage: 1Gi} # flow map with a comment',
      },
    ],
    [
      'remove a key from a flow map',
      edit([...api, 'resources', 'limits', 'cpu'], undefined, 0, 'remove'),
      { 31: '            limits: {memory: 512Mi} # flow map with a comment' },
    ],
    [
      'second document only',
      edit(['spec', 'ports', 0, 'targetPort'], 9090, 1),
      { 45: '  ports: [{port: 80, targetPort: 9090}]' },
    ],
  ];

  it.each(replacements)('%s', (_name, e, changed) => {
    onlyLinesChanged(ok(editFile(before, [e])), changed);
  });

  it('inserts a new block with the siblings’ indentation and nothing else', () => {
    const after = ok(
      editFile(before, [
        edit([...api, 'readinessProbe'], { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 }),
      ]),
    );
    const b = after.split('\n');
    const a = before.split('\n');
    // Inserted right after the last key of the container (livenessProbe's flow map, line 33).
    expect(b.slice(0, 33)).toEqual(a.slice(0, 33));
    expect(b.slice(33, 38)).toEqual([
      '          readinessProbe:',
      '            httpGet:',
      '              path: /ready',
      '              port: 8080',
      '            periodSeconds: 5',
    ]);
    expect(b.slice(38)).toEqual(a.slice(33));
  });

  it('adds a list element in the block style of the list', () => {
    const after = ok(
      editFile(before, [edit([...api, 'env', { match: { name: 'DEBUG' } }, 'value'], 'false')]),
    );
    const b = after.split('\n');
    expect(b.slice(28, 30)).toEqual(['            - name: DEBUG', '              value: "false"']);
    expect(b.length).toBe(before.split('\n').length + 2);
  });

  it('keeps the leading --- and the head comments', () => {
    const after = ok(editFile(before, [edit(['spec', 'replicas'], 4)]));
    expect(
      after.startsWith('---\n# Head comment: the api deployment of team misc.\n# Second head line.\n'),
    ).toBe(true);
    expect(after.endsWith('# trailing comment at the end of the file\n')).toBe(true);
  });

  it('keeps CRLF line endings, also on inserted lines', () => {
    const crlf = before.replace(/\n/g, '\r\n');
    const after = ok(
      editFile(crlf, [edit([...api, 'readinessProbe', 'periodSeconds'], 5), edit(['spec', 'replicas'], 6)]),
    );
    expect(after.replace(/\r\n/g, '')).not.toContain('\n');
    expect(after).toContain('          readinessProbe:\r\n            periodSeconds: 5\r\n');
    expect(after).toContain('  replicas: 6 # keep in sync with the HPA\r\n');
  });

  const refused: [string, DocEdit, RegExp][] = [
    [
      'a node whose anchor is used elsewhere',
      edit(['metadata', 'labels', 'tier'], 'frontend'),
      /anchor &labels.*used elsewhere/,
    ],
    ['through an alias', edit(['spec', 'selector', 'matchLabels', 'app'], 'api2'), /alias \(\*labels\)/],
  ];
  it.each(refused)('refuses to edit %s', (_name, e, message) => {
    expect(editFile(before, [e])).toEqual({ error: expect.stringMatching(message) });
  });

  it('verifies the result against the expected object', () => {
    // A list index past the end cannot be set in place; the editor says so instead of guessing.
    expect(editFile(before, [edit([...api, 'args', 7], 'x')])).toEqual({
      error: expect.stringMatching(/out of range/),
    });
  });
});

describe('through proposeChanges on a plain multi-document file', () => {
  it('changes one line, produces a diff git accepts, and leaves the other document alone', async () => {
    const index = await indexRepo(path.join(FIXTURES, 'plain'));
    const target = { kind: 'Deployment', name: 'api', namespace: 'misc' };
    const source = locateWorkload(index, target);
    if ('error' in source) throw new Error(source.error);
    const p = proposalOk(
      await proposeChanges(index, source, [
        { target, path: [...api, 'resources', 'limits', 'memory'], value: '768Mi', expected: '512Mi' },
      ]),
    );
    expect(p.files).toEqual([FILE]);
    expect(p.diff).toContain('-            limits: {cpu: "1", memory: 512Mi} # flow map with a comment');
    expect(p.diff).toContain('+            limits: {cpu: "1", memory: 768Mi} # flow map with a comment');
    expect(p.diff.split('\n').filter((l) => /^[-+][^-+]/.test(l))).toHaveLength(2);
    expect(p.renderedDiff).toContain('+              memory: 768Mi');
    const dir = await copyTree(path.join(FIXTURES, 'plain'));
    try {
      await gitApply(dir, p.diff);
    } finally {
      await removeTree(dir);
    }
  });
});
