// Blast-radius check: render every unit that reads an edited file before and after the edit and
// accept only differences in the intended objects at the intended paths, with the intended values.
// No kubectl/helm → the render is skipped with a note (plain YAML is still compared directly).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { copyTree } from './copy-tree.js';
import { gitDiff } from './git-diff.js';
import { deepEqual, getJs, isPlainObject, MISSING, pathToString, sameValue } from './js-path.js';
import { concretePath } from './kustomize-patches.js';
import { diffPaths, isPrefix, objectId, parseObjects, type RenderedObject } from './object-diff.js';
import { renderHelm } from './render-helm.js';
import { kustomizeUnit, type RenderUnit, renderUnits } from './render-units.js';
import type { Renderer, RenderOptions } from './renderer.js';
import type { FileEdit, ObjectChange, RepoIndex } from './types.js';

export interface RenderCheck {
  notes: string[];
  renderedDiff?: string;
  error?: string;
}

type Objects = Map<string, RenderedObject>;

function isTarget(o: RenderedObject, c: ObjectChange): boolean {
  const ns = c.target.namespace;
  return (
    o.kind === c.target.kind &&
    o.name === c.target.name &&
    (ns === undefined || o.namespace === undefined || o.namespace === ns)
  );
}

/** Problems with one changed target object, or undefined when only the intended paths changed as intended. */
function checkTarget(
  before: RenderedObject,
  after: RenderedObject,
  changes: ObjectChange[],
): string | undefined {
  const allowed = changes.map(
    (c) =>
      concretePath(c.remove ? before.object : after.object, c.path) ??
      concretePath(before.object, c.path) ??
      [],
  );
  for (const d of diffPaths(before.object, after.object)) {
    if (!allowed.some((a) => a.length > 0 && (isPrefix(a, d) || isPrefix(d, a))))
      return `it would also change ${d.join('.')}`;
  }
  for (const c of changes) {
    const got = getJs(after.object, c.path);
    if (
      c.remove
        ? got !== MISSING
        : !(isPlainObject(c.value) ? deepEqual(got, c.value) : sameValue(got, c.value))
    ) {
      return `the rendered ${pathToString(c.path)} is ${got === MISSING ? 'absent' : JSON.stringify(got)}, not ${c.remove ? 'absent' : JSON.stringify(c.value)}`;
    }
  }
  return undefined;
}

function compare(
  label: string,
  before: Objects,
  after: Objects,
  changes: ObjectChange[],
  changed: [RenderedObject, RenderedObject][],
): string | undefined {
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(id);
    const a = after.get(id);
    if (!b || !a) return `${label}: the edit would ${b ? 'remove' : 'add'} ${id}`;
    if (deepEqual(b.object, a.object)) continue;
    const mine = changes.filter((c) => isTarget(a, c));
    if (mine.length === 0)
      return `${label}: the edit would also change ${a.kind}/${a.name}${a.namespace ? ` in ${a.namespace}` : ''}`;
    const problem = checkTarget(b, a, mine);
    if (problem) return `${label}: ${a.kind}/${a.name}: ${problem}`;
    changed.push([b, a]);
  }
  return undefined;
}

async function renderUnit(
  unit: RenderUnit,
  root: string,
  renderer: Renderer,
  options: RenderOptions = {},
): Promise<Objects> {
  if (unit.type === 'kustomize')
    return parseObjects(await renderer.kustomize(path.join(root, unit.dir), options), unit.namespace);
  if (unit.type === 'helm')
    return parseObjects(await renderHelm(unit.release, root, renderer), unit.release.namespace);
  return parseObjects(await readFile(path.join(root, unit.file), 'utf8'), unit.namespace);
}

/**
 * The directories the units read, outermost only. Copying the whole checkout for every proposal
 * costs seconds on a large monorepo; a kustomize root reads its own tree plus the files it pulls
 * in (bases, patches), which the index already knows through rootsByFile.
 */
function unitDirs(index: RepoIndex, units: RenderUnit[], edits: FileEdit[]): string[] | undefined {
  const dirs = new Set<string>(edits.map((e) => path.posix.dirname(e.file)));
  for (const unit of units) {
    if (unit.type === 'helm') return undefined;
    if (unit.type === 'plain') continue;
    dirs.add(unit.dir);
    for (const [file, roots] of index.rootsByFile) {
      if (roots.includes(unit.dir)) dirs.add(path.posix.dirname(file));
    }
  }
  const sorted = [...dirs].map((d) => (d === '.' ? '' : d)).sort();
  if (sorted.includes('')) return undefined;
  return sorted.filter((d, i) => !sorted.slice(0, i).some((outer) => d.startsWith(`${outer}/`)));
}

async function copyCheckout(index: RepoIndex, units: RenderUnit[], edits: FileEdit[]): Promise<string> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'aegis-render-'));
  const copy = path.join(tmp, 'repo');
  try {
    const dirs = unitDirs(index, units, edits) ?? [''];
    // The folders are disjoint (unitDirs keeps the outermost): copied side by side.
    await Promise.all(dirs.map((dir) => copyTree(path.join(index.root, dir), path.join(copy, dir))));
    await Promise.all(
      edits.map(async (e) => {
        const file = path.join(copy, e.file);
        await mkdir(path.dirname(file), { recursive: true });
        // An edited file that is a symbolic link in the checkout must not be written through.
        await rm(file, { force: true });
        await writeFile(file, e.after);
      }),
    );
    return copy;
  } catch (error: unknown) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

// Renders of the unchanged checkout, per index: an index stands for one commit of the repository,
// so while the server reuses it (the base did not move) the "before" side never changes. Keyed
// weakly, so a dropped index takes its renders with it.
const beforeRenders = new WeakMap<RepoIndex, WeakMap<Renderer, Map<string, Promise<Objects>>>>();

function renderBefore(index: RepoIndex, unit: RenderUnit, renderer: Renderer): Promise<Objects> {
  // The whole unit is the key: two Helm releases may share a name (prod and staging).
  const key = JSON.stringify(unit);
  let byRenderer = beforeRenders.get(index);
  if (!byRenderer) {
    byRenderer = new WeakMap();
    beforeRenders.set(index, byRenderer);
  }
  let renders = byRenderer.get(renderer);
  if (!renders) {
    renders = new Map();
    byRenderer.set(renderer, renders);
  }
  const cached = renders.get(key);
  if (cached) return cached;
  // It starts first (during the diagnosis) and costs less than the render of the edited copy,
  // which a strategic-merge patch makes kubectl's slowest: while both run, that one goes first.
  const render = renderUnit(unit, index.root, renderer, { background: true });
  renders.set(key, render);
  // A failed render is not kept: the next incident tries again.
  render.catch(() => renders.delete(key));
  return render;
}

/**
 * Starts the "before" render of the kustomize root that produces a workload, ahead of the check:
 * a fix of an overlay is checked by rendering that root, and kubectl's start-up (~0.1 s of CPU)
 * then overlaps the diagnosis instead of adding to it. Cached like any before-render; a root the
 * check does not need costs one render and nothing else.
 */
export function prerenderBefore(index: RepoIndex, root: string, renderer: Renderer): void {
  renderBefore(index, kustomizeUnit(index, root), renderer).catch(() => {}); // the check reports it
}

export interface BlastRadiusOptions {
  /**
   * Told once the check has started its renders (or found none to run). Work a caller starts
   * only then does not hold up the copy and the kubectl start on this small machine's event loop
   * and cores: the render is what the proposal waits for longest.
   */
  onRendering?: () => void;
}

export async function checkBlastRadius(
  index: RepoIndex,
  changes: ObjectChange[],
  edits: FileEdit[],
  renderer: Renderer,
  opts: BlastRadiusOptions = {},
): Promise<RenderCheck> {
  const notes: string[] = [];
  const units = renderUnits(index, edits);
  const hasKubectl = units.some((u) => u.type === 'kustomize') && (await renderer.hasKustomize());
  const hasHelm = units.some((u) => u.type === 'helm') && (await renderer.hasHelm());
  const runnable = units.filter((u) => u.type === 'plain' || (u.type === 'kustomize' ? hasKubectl : hasHelm));
  if (units.some((u) => u.type === 'kustomize') && !hasKubectl)
    notes.push('kubectl not found: kustomize render check skipped');
  if (units.some((u) => u.type === 'helm') && !hasHelm)
    notes.push('helm not found: Helm render check skipped');
  if (runnable.length === 0) {
    opts.onRendering?.();
    return { notes };
  }
  const copy = await copyCheckout(index, runnable, edits);
  const removeCopy = () => rm(path.dirname(copy), { recursive: true, force: true });
  let outcome: UnitsOutcome;
  try {
    outcome = await compareUnits(index, runnable, copy, changes, renderer, notes, opts.onRendering);
  } catch (error: unknown) {
    await removeCopy();
    throw error;
  }
  try {
    if ('error' in outcome) return { notes, error: outcome.error };
    const { changed } = outcome;
    const missing = changes.filter((c) => !changed.some(([, a]) => isTarget(a, c)));
    if (missing.length > 0 && outcome.checkedAll && runnable.length === units.length) {
      const c = missing[0] as ObjectChange;
      return {
        notes,
        error: `the rendered ${c.target.kind}/${c.target.name} did not change; the edit does not reach the live object`,
      };
    }
    const pairs = changed.map(([b, a]) => ({
      file: `rendered/${objectId(a)}.yaml`,
      before: stringify(b.object),
      after: stringify(a.object),
    }));
    const renderedDiff = await gitDiff(pairs, 2);
    return { notes, ...(renderedDiff ? { renderedDiff } : {}) };
  } finally {
    // Nothing reads the copy any more. Removed once the rendered diff is written (its many file
    // operations would queue the diff's own in libuv's pool) and not waited for: the proposal
    // does not need it gone.
    removeCopy().catch(() => {});
  }
}

type UnitsOutcome = { error: string } | { changed: [RenderedObject, RenderedObject][]; checkedAll: boolean };

/** Renders each unit before (cached) and after (in the copy) the edit and compares them. */
async function compareUnits(
  index: RepoIndex,
  runnable: RenderUnit[],
  copy: string,
  changes: ObjectChange[],
  renderer: Renderer,
  notes: string[],
  onRendering?: () => void,
): Promise<UnitsOutcome> {
  const changed: [RenderedObject, RenderedObject][] = [];
  let checkedAll = true;
  for (const unit of runnable) {
    const label =
      unit.type === 'kustomize'
        ? `kustomize ${unit.dir || '.'}`
        : unit.type === 'helm'
          ? `helm ${unit.release.releaseName}`
          : unit.file;
    // Both renders are independent processes: run them side by side.
    const renders = Promise.allSettled([
      renderBefore(index, unit, renderer),
      renderUnit(unit, copy, renderer),
    ]);
    onRendering?.(); // the caller's tell-once guard makes later units' calls no-ops
    const [rendered, renderedAfter] = await renders;
    if (rendered.status === 'rejected') {
      const error: unknown = rendered.reason;
      notes.push(
        `${label}: render before the change failed, check skipped (${error instanceof Error ? error.message : String(error)})`,
      );
      checkedAll = false;
      continue;
    }
    if (renderedAfter.status === 'rejected') {
      const error: unknown = renderedAfter.reason;
      return {
        error: `${label}: the edited manifests do not render (${error instanceof Error ? error.message : String(error)})`,
      };
    }
    const problem = compare(label, rendered.value, renderedAfter.value, changes, changed);
    if (problem) return { error: problem };
    const how = unit.type === 'plain' ? 'documents compared' : 'rendered';
    notes.push(`${label}: ${how} before and after; only the intended fields changed`);
  }
  return { changed, checkedAll };
}
