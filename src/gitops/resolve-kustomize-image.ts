// Image changes of kustomize-built objects: the most specific `images:` entry that rewrites the
// container's image wins; without one the base document's `image:` is edited, or, when that base
// is shared, a new `images:` entry is added to the object's root overlay.
import { formatImage, parseImage } from './image-ref.js';
import { getJs } from './js-path.js';
import {
  checkExpected,
  editAt,
  exclusiveTo,
  kustomizationAt,
  type Resolution,
  type ResolveContext,
  resourceOf,
} from './resolve-context.js';
import type {
  DocEdit,
  ImageOverride,
  Kustomization,
  KustomizeSource,
  ObjectChange,
  PathSeg,
} from './types.js';

interface ImageMatch {
  k: Kustomization;
  entry: ImageOverride;
}

/** `images:` entries that apply to `image`, innermost level first, following newName renames. */
function matchingEntries(ctx: ResolveContext, source: KustomizeSource, image: string): ImageMatch[] {
  let name = parseImage(image).name;
  const out: ImageMatch[] = [];
  for (const dir of [...source.chain].reverse()) {
    const k = kustomizationAt(ctx, dir);
    const entry = k?.images.find((e) => e.name === name);
    if (!k || !entry) continue;
    out.push({ k, entry });
    if (entry.newName) name = entry.newName;
  }
  return out;
}

function entryEdit(
  file: string,
  entry: ImageOverride,
  key: string,
  value: string | undefined,
  change: ObjectChange,
  current: unknown,
): DocEdit {
  const path: PathSeg[] = ['images', { match: { name: entry.name } }, key];
  return editAt(
    file,
    0,
    path,
    value === undefined ? { ...change, remove: true } : { ...change, value },
    current,
  );
}

/** Edits to one `images:` entry so that it yields `desired`. */
function editEntry(
  m: ImageMatch,
  desired: ReturnType<typeof parseImage>,
  change: ObjectChange,
  current: unknown,
): DocEdit[] {
  const { entry } = m;
  const edits: DocEdit[] = [];
  const file = m.k.file;
  const nameNow = entry.newName ?? entry.name;
  if (desired.name !== nameNow) {
    edits.push(
      entryEdit(
        file,
        entry,
        'newName',
        desired.name === entry.name ? undefined : desired.name,
        change,
        current,
      ),
    );
  }
  if (desired.digest !== undefined) {
    if (desired.digest !== entry.digest)
      edits.push(entryEdit(file, entry, 'digest', desired.digest, change, current));
    if (entry.newTag !== undefined && desired.tag === undefined)
      edits.push(entryEdit(file, entry, 'newTag', undefined, change, current));
  } else if (entry.digest !== undefined) {
    edits.push(entryEdit(file, entry, 'digest', undefined, change, current));
  }
  if (desired.tag !== undefined && desired.tag !== entry.newTag)
    edits.push(entryEdit(file, entry, 'newTag', desired.tag, change, current));
  return edits;
}

export async function resolveKustomizeImage(
  ctx: ResolveContext,
  source: KustomizeSource,
  change: ObjectChange,
  origin: unknown,
): Promise<Resolution> {
  if (typeof change.value !== 'string')
    return { error: 'an image change needs the new image reference as a string' };
  const baseImage = getJs(origin, change.path);
  if (typeof baseImage !== 'string')
    return { error: `${resourceOf(change)} has no image at the given path in ${source.doc.file}` };
  const desired = parseImage(change.value);
  const matches = matchingEntries(ctx, source, baseImage);
  const last = matches[matches.length - 1];
  if (last && exclusiveTo(ctx, last.k.file, source.root)) {
    const kDocs = await ctx.files.docs(last.k.file);
    if (!Array.isArray(kDocs)) return kDocs;
    const effective = formatImage({
      name: last.entry.newName ?? last.entry.name,
      ...(last.entry.newTag !== undefined ? { tag: last.entry.newTag } : {}),
      ...(last.entry.digest !== undefined ? { digest: last.entry.digest } : {}),
    });
    checkExpected(ctx, change, `${last.k.file} images[name=${last.entry.name}]`, effective);
    return { edits: editEntry(last, desired, change, kDocs[0]) };
  }
  if (!last && exclusiveTo(ctx, source.doc.file, source.root)) {
    checkExpected(ctx, change, `${source.doc.file} image`, baseImage);
    return { edits: [editAt(source.doc.file, source.doc.doc, change.path, change, origin)] };
  }
  // Shared base or shared `images:` entry: add (or extend) an entry in the root overlay.
  const root = kustomizationAt(ctx, source.root);
  if (!root) return { error: `no kustomization at ${source.root}` };
  const rootDocs = await ctx.files.docs(root.file);
  if (!Array.isArray(rootDocs)) return rootDocs;
  const seenName = last ? (last.entry.newName ?? last.entry.name) : parseImage(baseImage).name;
  const existing = root.images.find((e) => e.name === seenName);
  if (existing) return { edits: editEntry({ k: root, entry: existing }, desired, change, rootDocs[0]) };
  const value: Record<string, string> = {};
  if (desired.name !== seenName) value.newName = desired.name;
  if (desired.tag !== undefined) value.newTag = desired.tag;
  if (desired.digest !== undefined) value.digest = desired.digest;
  ctx.notes.push(
    `${source.doc.file} is shared with other overlays; the image is set with an images: entry in ${root.file}`,
  );
  const path: PathSeg[] = ['images', { match: { name: seenName } }];
  return { edits: [editAt(root.file, 0, path, { ...change, value }, rootDocs[0])] };
}
