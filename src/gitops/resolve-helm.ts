// Helm releases: a change to the rendered object becomes a change of the values key that produces
// it — the key whose value equals the live value and whose path ends like the object path
// (`resources.limits.memory`, `image.tag`, `replicaCount`, `autoscaling.maxReplicas`), in the most
// specific values source first. Without a unique such key there is no confident patch.

import {
  editPathFor,
  pathTail,
  suffixScore,
  type ValuesLeaf,
  type ValuesLocation,
  valuesLeaves,
  valuesLocations,
} from './helm-values.js';
import { parseImage } from './image-ref.js';
import { getJs, isPlainObject, MISSING, pathToString, sameValue } from './js-path.js';
import { editAt, type Resolution, type ResolveContext } from './resolve-context.js';
import type { DocEdit, HelmSource, ObjectChange } from './types.js';

interface Found {
  loc: ValuesLocation;
  leaf: ValuesLeaf;
}

function containerName(change: ObjectChange): string | undefined {
  for (const seg of change.path)
    if (typeof seg === 'object' && typeof seg.match.name === 'string') return seg.match.name;
  return undefined;
}

/** The first location (by precedence) with matching leaves; several equally good ones are ambiguous. */
function pick(
  locs: ValuesLocation[],
  accept: (leaf: ValuesLeaf) => number,
  hint?: string,
): Found | { error: string } | undefined {
  for (const loc of locs) {
    const scored = valuesLeaves(loc)
      .map((leaf) => ({ leaf, score: accept(leaf) }))
      .filter((s) => s.score > 0);
    if (scored.length === 0) continue;
    const best = Math.max(...scored.map((s) => s.score));
    let top = scored.filter((s) => s.score === best);
    // Several equally good keys (two components with one tag): the container's name decides.
    const hinted = hint ? top.filter((s) => s.leaf.keyPath.includes(hint)) : [];
    if (top.length > 1 && hinted.length > 0) top = hinted;
    const [only] = top;
    if (top.length === 1 && only) return { loc, leaf: only.leaf };
    return {
      error: `several values keys in ${loc.file} could set this: ${top.map((s) => s.leaf.keyPath.join('.')).join(', ')}`,
    };
  }
  return undefined;
}

async function editFor(
  ctx: ResolveContext,
  source: HelmSource,
  found: Found,
  change: ObjectChange,
  value: unknown,
): Promise<Resolution> {
  const { loc, leaf } = found;
  if (loc.kind === 'values') {
    return { error: `the value is set in the inline helm.values string of ${loc.file}; edit it by hand` };
  }
  const shared =
    loc.chartDefault && ctx.index.releases.filter((r) => r.chart.dir === source.chartDir).length > 1;
  const envFile = source.valueFiles[source.valueFiles.length - 1];
  if (shared && envFile && envFile !== loc.file) {
    // The chart default feeds other releases: override in this release's own values file
    // (`null` deletes a default key in Helm's merge).
    ctx.notes.push(`${loc.file} is used by several releases; the value is overridden in ${envFile}`);
    const docs = await ctx.files.docs(envFile);
    if (!Array.isArray(docs)) return docs;
    const c = change.remove ? { ...change, remove: false, value: null } : { ...change, value };
    return { edits: [editAt(envFile, 0, leaf.keyPath, c, docs[0] ?? {})] };
  }
  const docs = loc.kind === 'file' ? [loc.values] : await ctx.files.docs(loc.file);
  if (!Array.isArray(docs)) return docs;
  const v = loc.kind === 'parameters' ? String(value) : value;
  const c: ObjectChange = change.remove ? { ...change } : { ...change, value: v };
  return { edits: [editAt(loc.file, loc.doc, editPathFor(loc, leaf.keyPath), c, docs[loc.doc])] };
}

async function resolveImage(
  ctx: ResolveContext,
  source: HelmSource,
  change: ObjectChange,
  locs: ValuesLocation[],
): Promise<Resolution> {
  if (typeof change.value !== 'string' || typeof change.expected !== 'string') {
    return { error: 'a Helm image change needs the new and the live image reference' };
  }
  const want = parseImage(change.value);
  const live = parseImage(change.expected);
  const hint = containerName(change);
  const full = pick(
    locs,
    (l) => (l.keyPath[l.keyPath.length - 1] === 'image' && l.value === change.expected ? 2 : 0),
    hint,
  );
  if (full && 'error' in full) return full;
  if (full) return editFor(ctx, source, full, change, change.value);
  const tag = pick(
    locs,
    (l) =>
      /^(tag|imageTag)$/.test(l.keyPath[l.keyPath.length - 1] ?? '') &&
      live.tag !== undefined &&
      sameValue(l.value, live.tag)
        ? 1
        : 0,
    hint,
  );
  if (!tag)
    return {
      error: `no values key holds the live tag ${live.tag ?? '(none)'}; it may come from the chart's appVersion`,
    };
  if ('error' in tag) return tag;
  const edits: DocEdit[] = [];
  if (want.tag !== live.tag) {
    const r = await editFor(ctx, source, tag, change, want.tag ?? '');
    if ('error' in r) return r;
    edits.push(...r.edits);
  }
  if (want.name !== live.name) {
    const parent = tag.leaf.keyPath.slice(0, -1).join('.');
    const repo = pick(locs, (l) =>
      l.keyPath.slice(0, -1).join('.') === parent &&
      l.keyPath[l.keyPath.length - 1] === 'repository' &&
      sameValue(l.value, live.name)
        ? 1
        : 0,
    );
    if (!repo || 'error' in repo)
      return { error: `cannot find the values key for the image repository ${live.name}` };
    const r = await editFor(ctx, source, repo, change, want.name);
    if ('error' in r) return r;
    edits.push(...r.edits);
  }
  if (want.digest !== undefined)
    return { error: 'image digests in Helm values are not supported; set a tag' };
  return { edits };
}

export async function resolveHelm(
  ctx: ResolveContext,
  source: HelmSource,
  change: ObjectChange,
): Promise<Resolution> {
  const locs = await valuesLocations(source, ctx.files, ctx.notes);
  if (change.image) return resolveImage(ctx, source, change, locs);
  const tail = pathTail(change.path);
  const minScore = change.expected === undefined ? Math.min(2, tail.length) : 1;
  const isLeaf = (l: ValuesLeaf) => !isPlainObject(l.value) && !Array.isArray(l.value);
  const hint = containerName(change);
  const found = pick(
    locs,
    (l) => {
      const score = suffixScore(l.keyPath, tail);
      if (!isLeaf(l) || score < minScore) return 0;
      return change.expected === undefined || sameValue(l.value, change.expected) ? score : 0;
    },
    hint,
  );
  if (found && 'error' in found) return found;
  if (found) return editFor(ctx, source, found, change, change.value);
  if (change.remove) {
    ctx.notes.push(`no values key sets ${pathToString(change.path)}; nothing to remove`);
    return { edits: [] };
  }
  // A new key: add it under the values map that holds its parent (e.g. `resources.limits`).
  const parentTail = tail.slice(0, -1);
  const leafKey = tail[tail.length - 1];
  if (!leafKey || parentTail.length === 0)
    return { error: `no values key of release ${source.releaseName} sets ${pathToString(change.path)}` };
  const parent = pick(
    locs.filter((l) => l.kind !== 'parameters'),
    (l) => (isPlainObject(l.value) && suffixScore(l.keyPath, parentTail) === parentTail.length ? 1 : 0),
    hint,
  );
  if (!parent || 'error' in parent) {
    return {
      error: `no values key of release ${source.releaseName} sets ${pathToString(change.path)} or its parent`,
    };
  }
  const leaf = {
    keyPath: [...parent.leaf.keyPath, leafKey],
    value: getJs(parent.loc.values, [...parent.leaf.keyPath, leafKey]),
  };
  if (leaf.value !== MISSING)
    return { error: `values key ${leaf.keyPath.join('.')} exists but does not hold the live value` };
  return editFor(ctx, source, { loc: parent.loc, leaf }, change, change.value);
}
