// Where a field of a kustomize-built object really comes from: the most specific patch in the
// overlay chain that sets it (or, for JSON6902, an ancestor of it), else the base document. A base
// or patch shared with other roots is never edited for one environment: the change goes into a
// patch of the object's own root overlay instead.
import { getJs, isPlainObject, MISSING, pathToString } from './js-path.js';
import {
  jsonOpFor,
  loadPatchDocs,
  type ObjectNames,
  type PatchDoc,
  patchTargets,
  smpSets,
} from './kustomize-patches.js';
import {
  addOverlayPatch,
  checkExpected,
  editAt,
  exclusiveTo,
  kustomizationAt,
  type Resolution,
  type ResolveContext,
} from './resolve-context.js';
import { resolveKustomizeImage } from './resolve-kustomize-image.js';
import type { DocEdit, KustomizeSource, ObjectChange } from './types.js';

interface Hit {
  patch: PatchDoc;
  path: (string | number | { match: Record<string, string> })[];
  json: boolean;
  exact: boolean;
}

/** The names an object has at each level: kustomize matches patches by any of them. */
export function objectNames(ctx: ResolveContext, source: KustomizeSource, origin: unknown): ObjectNames {
  const names = [source.doc.name ?? ''];
  let name = names[0] as string;
  for (const dir of [...source.chain].reverse()) {
    const k = kustomizationAt(ctx, dir);
    name = `${k?.namePrefix ?? ''}${name}${k?.nameSuffix ?? ''}`;
    names.push(name);
  }
  const meta = isPlainObject(origin) && isPlainObject(origin.metadata) ? origin.metadata : {};
  const labels = isPlainObject(meta.labels) ? (meta.labels as Record<string, string>) : {};
  return { kind: source.doc.kind ?? '', names, labels };
}

async function findHit(
  ctx: ResolveContext,
  source: KustomizeSource,
  obj: ObjectNames,
  origin: unknown,
  change: ObjectChange,
) {
  let parentHit: PatchDoc | undefined;
  const rootPatches: PatchDoc[] = [];
  for (const dir of source.chain) {
    const k = kustomizationAt(ctx, dir);
    if (!k) continue;
    const docs = (await loadPatchDocs(k, ctx.files, ctx.notes)).filter((p) => patchTargets(p, obj));
    if (dir === source.root) rootPatches.push(...docs);
    // Later patches of one kustomization win over earlier ones.
    for (const p of [...docs].reverse()) {
      if (p.type === 'smp') {
        const s = smpSets(p, change.path);
        if (s === 'leaf')
          return {
            hit: { patch: p, path: change.path, json: false, exact: true } satisfies Hit,
            parentHit,
            rootPatches,
          };
        if (s === 'parent' && !parentHit) parentHit = p;
      } else {
        const h = jsonOpFor(p, origin, change.path);
        if (h && h.kind !== 'remove' && h.kind !== 'test')
          return {
            hit: { patch: p, path: h.path, json: true, exact: h.exact } satisfies Hit,
            parentHit,
            rootPatches,
          };
      }
    }
  }
  return { hit: undefined, parentHit, rootPatches };
}

function patchFile(p: PatchDoc): string {
  return p.embedded ? p.kustomization.file : p.file;
}

function editInPatch(p: PatchDoc, path: Hit['path'], change: ObjectChange): DocEdit {
  return editAt(p.file, p.doc, path, change, p.content, p.embedded);
}

/** A removal where the base also holds the key: in a strategic-merge patch `null` deletes it. */
function removalInPatch(ctx: ResolveContext, hit: Hit, change: ObjectChange, baseHas: boolean): Resolution {
  if (!baseHas) return { edits: [editInPatch(hit.patch, hit.path, change)] };
  if (hit.json) {
    if (!hit.exact) return { edits: [editInPatch(hit.patch, hit.path, change)] };
    const op = hit.path[0] as number;
    const asRemove = { ...change, remove: false, value: 'remove' };
    return {
      edits: [
        editInPatch(hit.patch, [op, 'op'], asRemove),
        editInPatch(hit.patch, [op, 'value'], { ...change, remove: true }),
      ],
    };
  }
  ctx.notes.push(
    `${patchFile(hit.patch)}: ${pathToString(change.path)} set to null, which deletes it in a strategic-merge patch`,
  );
  return { edits: [editInPatch(hit.patch, hit.path, { ...change, remove: false, value: null })] };
}

/** Puts the change into the root overlay: its own SMP for the object if it has one, else a new inline patch. */
function overrideInRoot(
  ctx: ResolveContext,
  source: KustomizeSource,
  rootPatches: PatchDoc[],
  change: ObjectChange,
  origin: unknown,
): Resolution {
  const root = kustomizationAt(ctx, source.root);
  if (!root) return { error: `no kustomization at ${source.root}` };
  const asOverride = change.remove ? { ...change, remove: false, value: null } : change;
  const own = rootPatches.find((p) => p.type === 'smp' && exclusiveTo(ctx, patchFile(p), source.root));
  if (own) return { edits: [editInPatch(own, change.path, asOverride)] };
  const originObj = isPlainObject(origin) ? origin : {};
  const head = {
    ...(typeof originObj.apiVersion === 'string' ? { apiVersion: originObj.apiVersion } : {}),
    kind: source.doc.kind ?? '',
    name: source.doc.name ?? '',
  };
  addOverlayPatch(ctx, root.file, head, change, getJs(origin, change.path));
  ctx.notes.push(
    `${source.doc.file} is shared with other overlays; the change goes into a patch in ${root.file}`,
  );
  return { edits: [] };
}

export async function resolveKustomize(
  ctx: ResolveContext,
  source: KustomizeSource,
  change: ObjectChange,
): Promise<Resolution> {
  const docs = await ctx.files.docs(source.doc.file);
  if (!Array.isArray(docs)) return docs;
  const origin = docs[source.doc.doc];
  if (change.image) return resolveKustomizeImage(ctx, source, change, origin);
  const obj = objectNames(ctx, source, origin);
  const { hit, parentHit, rootPatches } = await findHit(ctx, source, obj, origin, change);
  const baseHas = getJs(origin, change.path) !== MISSING;
  const where = (file: string) => `${file} ${pathToString(change.path)}`;
  if (hit) {
    if (!exclusiveTo(ctx, patchFile(hit.patch), source.root))
      return overrideInRoot(ctx, source, rootPatches, change, origin);
    if (hit.exact)
      checkExpected(ctx, change, where(patchFile(hit.patch)), getJs(hit.patch.content, hit.path));
    if (change.remove) return removalInPatch(ctx, hit, change, baseHas);
    return { edits: [editInPatch(hit.patch, hit.path, change)] };
  }
  if (!baseHas && !change.remove && parentHit && exclusiveTo(ctx, patchFile(parentHit), source.root)) {
    // A new key goes where its parent is defined.
    return { edits: [editInPatch(parentHit, change.path, change)] };
  }
  if (!baseHas && change.remove) {
    ctx.notes.push(
      `${pathToString(change.path)} is not set for ${obj.kind}/${obj.names[0]}; nothing to remove`,
    );
    return { edits: [] };
  }
  if (!exclusiveTo(ctx, source.doc.file, source.root))
    return overrideInRoot(ctx, source, rootPatches, change, origin);
  checkExpected(ctx, change, where(source.doc.file), getJs(origin, change.path));
  return { edits: [editAt(source.doc.file, source.doc.doc, change.path, change, origin)] };
}
