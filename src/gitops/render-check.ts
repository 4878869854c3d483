// Blast-radius check: render every unit that reads an edited file before and after the edit and
// accept only differences in the intended objects at the intended paths, with the intended values.
// No kubectl/helm → the render is skipped with a note (plain YAML is still compared directly).
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { gitDiff } from './git-diff.js';
import { concretePath } from './kustomize-patches.js';
import { deepEqual, getJs, isPlainObject, MISSING, pathToString, sameValue } from './js-path.js';
import { diffPaths, isPrefix, objectId, parseObjects, type RenderedObject } from './object-diff.js';
import { renderHelm } from './render-helm.js';
import type { Renderer } from './renderer.js';
import { type RenderUnit, renderUnits } from './render-units.js';
import type { FileEdit, ObjectChange, RepoIndex } from './types.js';

export interface RenderCheck {
  notes: string[];
  renderedDiff?: string;
  error?: string;
}

type Objects = Map<string, RenderedObject>;

function isTarget(o: RenderedObject, c: ObjectChange): boolean {
  const ns = c.target.namespace;
  return o.kind === c.target.kind && o.name === c.target.name && (ns === undefined || o.namespace === undefined || o.namespace === ns);
}

/** Problems with one changed target object, or undefined when only the intended paths changed as intended. */
function checkTarget(before: RenderedObject, after: RenderedObject, changes: ObjectChange[]): string | undefined {
  const allowed = changes.map((c) => concretePath(c.remove ? before.object : after.object, c.path) ?? concretePath(before.object, c.path) ?? []);
  for (const d of diffPaths(before.object, after.object)) {
    if (!allowed.some((a) => a.length > 0 && (isPrefix(a, d) || isPrefix(d, a)))) return `it would also change ${d.join('.')}`;
  }
  for (const c of changes) {
    const got = getJs(after.object, c.path);
    if (c.remove ? got !== MISSING : !(isPlainObject(c.value) ? deepEqual(got, c.value) : sameValue(got, c.value))) {
      return `the rendered ${pathToString(c.path)} is ${got === MISSING ? 'absent' : JSON.stringify(got)}, not ${c.remove ? 'absent' : JSON.stringify(c.value)}`;
    }
  }
  return undefined;
}

function compare(label: string, before: Objects, after: Objects, changes: ObjectChange[], changed: [RenderedObject, RenderedObject][]): string | undefined {
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(id);
    const a = after.get(id);
    if (!b || !a) return `${label}: the edit would ${b ? 'remove' : 'add'} ${id}`;
    if (deepEqual(b.object, a.object)) continue;
    const mine = changes.filter((c) => isTarget(a, c));
    if (mine.length === 0) return `${label}: the edit would also change ${a.kind}/${a.name}${a.namespace ? ` in ${a.namespace}` : ''}`;
    const problem = checkTarget(b, a, mine);
    if (problem) return `${label}: ${a.kind}/${a.name}: ${problem}`;
    changed.push([b, a]);
  }
  return undefined;
}

async function renderUnit(unit: RenderUnit, root: string, renderer: Renderer): Promise<Objects> {
  if (unit.type === 'kustomize') return parseObjects(await renderer.kustomize(path.join(root, unit.dir)), unit.namespace);
  if (unit.type === 'helm') return parseObjects(await renderHelm(unit.release, root, renderer), unit.release.namespace);
  return parseObjects(await readFile(path.join(root, unit.file), 'utf8'), unit.namespace);
}

async function copyCheckout(root: string, edits: FileEdit[]): Promise<string> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'aegis-render-'));
  const copy = path.join(tmp, 'repo');
  await cp(root, copy, { recursive: true, filter: (src) => !['.git', 'node_modules'].includes(path.basename(src)) });
  for (const e of edits) await writeFile(path.join(copy, e.file), e.after);
  return copy;
}

export async function checkBlastRadius(index: RepoIndex, changes: ObjectChange[], edits: FileEdit[], renderer: Renderer): Promise<RenderCheck> {
  const notes: string[] = [];
  const units = renderUnits(index, edits);
  const hasKubectl = units.some((u) => u.type === 'kustomize') && (await renderer.hasKustomize());
  const hasHelm = units.some((u) => u.type === 'helm') && (await renderer.hasHelm());
  const runnable = units.filter((u) => u.type === 'plain' || (u.type === 'kustomize' ? hasKubectl : hasHelm));
  if (units.some((u) => u.type === 'kustomize') && !hasKubectl) notes.push('kubectl not found: kustomize render check skipped');
  if (units.some((u) => u.type === 'helm') && !hasHelm) notes.push('helm not found: Helm render check skipped');
  if (runnable.length === 0) return { notes };
  const copy = await copyCheckout(index.root, edits);
  const changed: [RenderedObject, RenderedObject][] = [];
  let checkedAll = runnable.length === units.length;
  try {
    for (const unit of runnable) {
      const label = unit.type === 'kustomize' ? `kustomize ${unit.dir || '.'}` : unit.type === 'helm' ? `helm ${unit.release.releaseName}` : unit.file;
      let before: Objects;
      try {
        before = await renderUnit(unit, index.root, renderer);
      } catch (error: unknown) {
        notes.push(`${label}: render before the change failed, check skipped (${error instanceof Error ? error.message : String(error)})`);
        checkedAll = false;
        continue;
      }
      let after: Objects;
      try {
        after = await renderUnit(unit, copy, renderer);
      } catch (error: unknown) {
        return { notes, error: `${label}: the edited manifests do not render (${error instanceof Error ? error.message : String(error)})` };
      }
      const problem = compare(label, before, after, changes, changed);
      if (problem) return { notes, error: problem };
      const how = unit.type === 'plain' ? 'documents compared' : 'rendered';
      notes.push(`${label}: ${how} before and after; only the intended fields changed`);
    }
  } finally {
    await rm(path.dirname(copy), { recursive: true, force: true });
  }
  const missing = changes.filter((c) => !changed.some(([, a]) => isTarget(a, c)));
  if (missing.length > 0 && checkedAll) {
    const c = missing[0] as ObjectChange;
    return { notes, error: `the rendered ${c.target.kind}/${c.target.name} did not change; the edit does not reach the live object` };
  }
  const pairs = changed.map(([b, a]) => ({ file: `rendered/${objectId(a)}.yaml`, before: stringify(b.object), after: stringify(a.object) }));
  const renderedDiff = await gitDiff(pairs, 2);
  return { notes, ...(renderedDiff ? { renderedDiff } : {}) };
}
