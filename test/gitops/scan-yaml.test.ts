import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { generateGitopsRepoTexts } from '../../src/bench/generate-gitops-repo.js';
import { headOf, loadHeads } from '../../src/gitops/load-yaml.js';
import { scanYaml, scanYamlValues } from '../../src/gitops/scan-yaml.js';
import { FIXTURES, SCENARIOS } from './helpers.js';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'templates' ? [] : yamlFiles(p);
    return /\.ya?ml$/.test(name) ? [p] : [];
  });
}

/** The reference: what the full parser says (undefined when it reports an error). */
function reference(text: string) {
  const docs = parseAllDocuments(text);
  if (docs.some((d) => d.errors.length > 0)) return undefined;
  return docs.map((d) => headOf(d.toJS()));
}

function referenceValues(text: string) {
  const docs = parseAllDocuments(text);
  if (docs.some((d) => d.errors.length > 0)) return undefined;
  return docs.map((d) => d.toJS() as unknown);
}

/** Checks both scanner modes against the parser; returns whether the heads scan took the fast path. */
function agrees(text: string): boolean {
  const fast = scanYaml(text);
  if (fast !== undefined) expect(fast, JSON.stringify(text)).toEqual(reference(text));
  const values = scanYamlValues(text);
  if (values !== undefined) expect(values, JSON.stringify(text)).toEqual(referenceValues(text));
  return fast !== undefined;
}

const snippets: string[] = [
  'a: |\n  x\n\n  y\n\n\nb: 1\n',
  'a: |-\n  x\n\n',
  'a: |+\n  x\n\n\nb: 2\n',
  'a: |\nb: 1\n',
  'a: |\n    x\n      y\n    z\n',
  'a: >\n  folded\n  text\n',
  'n: [1, 0x1F, 0o17, 1.50, .5, -3, +4, 1e3, .inf, -.Inf, .nan, ~, null, true, False, "1", \'2\']\n',
  'v: 010\nw: 1_000\nx: 1.2.3\ny: yes\nz: 0.0\n',
  'a:\n  -\n  - x\n  -\nb:\n',
  'a: 1\n---\n',
  '---\n---\n',
  '# only a comment\n',
  '',
  'kind: A\nmetadata:\n  name: x\n  namespace: y\n',
  'kind: A\nmetadata: {name: x, namespace: "y"}\n',
  'kind: \'A\'\nmetadata:\n  name: "x" # c\n',
  'kind: A\nspec:\n  containers:\n  - name: a\n    args:\n    - --port=80\n    - "-v"\n  - name: b\n',
  'kind: A\ndata:\n  script: |\n    #!/bin/sh\n    echo "a: b"\n\n    exit 0\n  other: x\n',
  'kind: A\nmetadata:\n  name: x\n  name: y\n',
  'kind: A\n  bad: indent\n',
  'kind: A\nlist: [1, 2\n',
  'kind: A\nvalue: "unterminated\n',
  'kind: A\nkey: a: b\n',
  'kind: A\nspec:\n  template:\n    metadata:\n      name: inner\nmetadata:\n  name: outer\n',
  'a:\n  - b\n   - c\n',
  'a: &x 1\nb: *x\n',
  '- a\n- b: 1\n  c: 2\n',
  'a: {b: [1, {c: d}], e: "f, g"}\n',
  'a: {b: 1, b: 2}\n',
  'a: |\n  x\n y\n',
  'a: |\n\n     x\n   y\n',
  'a:\tb\n',
  'key: value # comment: with colon\n',
  'url: http://example.com:8080/x\n',
  'a:\n- b\nc: d\n',
  'a: 1\n...\n',
];

describe('scanYaml agrees with the full parser', () => {
  const files = [...yamlFiles(FIXTURES), ...yamlFiles(SCENARIOS)];
  it.each(files.map((f) => [path.relative('/', f), f]))('%s', (_rel, file) => {
    const text = readFileSync(file, 'utf8');
    agrees(text);
    expect(loadHeads(text)).toEqual(
      reference(text) === undefined ? { error: expect.any(String) } : { heads: reference(text) },
    );
  });

  it.each(snippets.map((s) => [JSON.stringify(s), s]))('snippet %s', (_label, text) => {
    // The scanner may decline (undefined) but must never accept what the parser rejects or read other values.
    agrees(text);
  });

  it('takes the fast path for the generated benchmark repository', () => {
    const { files } = generateGitopsRepoTexts({ workloads: 200, seed: 7 });
    let valid = 0;
    for (const text of files.values()) {
      const ref = reference(text);
      if (ref === undefined) continue;
      valid++;
      expect(scanYaml(text)).toEqual(ref);
      expect(scanYamlValues(text)).toEqual(referenceValues(text));
    }
    expect(valid).toBe(files.size - 1);
  });

  it('never accepts a mutated file that the parser rejects (seeded fuzz)', () => {
    const sources = files.map((f) => readFileSync(f, 'utf8'));
    let seed = 1;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pieces = [
      ' ',
      '  ',
      ':',
      '-',
      '- ',
      '#',
      '"',
      "'",
      '{',
      '}',
      '[',
      ']',
      ',',
      '\n',
      'a',
      '|',
      '>',
      '&',
      '*',
      '---\n',
      'name: x\n',
    ];
    let accepted = 0;
    for (let n = 0; n < 3000; n++) {
      let t = sources[Math.floor(rnd() * sources.length)] as string;
      for (let e = 0; e < 1 + Math.floor(rnd() * 3); e++) {
        const pos = Math.floor(rnd() * t.length);
        t =
          rnd() < 0.4
            ? t.slice(0, pos) + t.slice(pos + 1 + Math.floor(rnd() * 3))
            : t.slice(0, pos) + pieces[Math.floor(rnd() * pieces.length)] + t.slice(pos);
      }
      if (agrees(t)) accepted++;
    }
    expect(accepted).toBeGreaterThan(500);
  });

  it('declines what it does not understand instead of guessing', () => {
    expect(scanYaml('a: &x 1\nb: *x\n')).toBeUndefined();
    expect(scanYaml('kind: A\n  bad: indent\n')).toBeUndefined();
    expect(scanYaml('kind: A\nmetadata:\n  name: x\n  name: y\n')).toBeUndefined();
  });
});
