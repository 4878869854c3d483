// State shared by the resolvers of one proposal: the index, the file cache, notes, and the overlay
// additions (new `images:` entries and new inline patches) collected across changes so that each
// kustomization gets one coherent addition instead of one per change.
import { getJs, MISSING, pathToString, sameValue, setJs } from './js-path.js';
import type { RepoFiles } from './repo-files.js';
import type { DocEdit, Kustomization, ObjectChange, PathSeg, RepoIndex } from './types.js';

export interface NewPatch {
  /** The live object, for the change table. */
  resource: string;
  /** The SMP document built so far (apiVersion, kind, metadata.name and the changed fields). */
  body: unknown;
  fields: { field: string; from: unknown; to: unknown }[];
}

export interface OverlayAdditions {
  /** kustomization file → object key → new SMP patch. */
  patches: Map<string, Map<string, NewPatch>>;
}

export interface ResolveContext {
  index: RepoIndex;
  files: RepoFiles;
  notes: string[];
  overlay: OverlayAdditions;
}

export type Resolution = { edits: DocEdit[] } | { error: string };

export function kustomizationAt(ctx: ResolveContext, dir: string): Kustomization | undefined {
  return ctx.index.kustomizations.find((k) => k.dir === dir);
}

/** True when only `root` depends on `file` (editing it cannot affect another environment). */
export function exclusiveTo(ctx: ResolveContext, file: string, root: string): boolean {
  return (ctx.index.rootsByFile.get(file) ?? [root]).every((r) => r === root);
}

export function resourceOf(change: ObjectChange): string {
  return `${change.target.kind}/${change.target.name}`;
}

/** A DocEdit for `change` at `path` in one document; `current` is that document as JS. */
export function editAt(
  file: string,
  doc: number,
  path: PathSeg[],
  change: ObjectChange,
  current: unknown,
  embedded?: PathSeg[],
): DocEdit {
  const from = getJs(current, path);
  const edit: DocEdit = {
    file,
    doc,
    path,
    op: change.remove ? 'remove' : 'set',
    resource: resourceOf(change),
    field: embedded ? `${pathToString(embedded)}: ${pathToString(path)}` : pathToString(path),
    // A key the edit adds has no old value in the file; the live value is what reviewers compare.
    from: from === MISSING ? change.expected : from,
  };
  if (!change.remove) edit.value = change.value;
  if (embedded) edit.embedded = embedded;
  return edit;
}

/** Notes (never blocks) when the repository value differs from what the cluster runs. */
export function checkExpected(
  ctx: ResolveContext,
  change: ObjectChange,
  where: string,
  repoValue: unknown,
): void {
  if (change.expected === undefined || repoValue === MISSING || repoValue === undefined) return;
  if (!sameValue(change.expected, repoValue)) {
    ctx.notes.push(
      `${where}: the repository has ${JSON.stringify(repoValue)} but the live object has ${JSON.stringify(change.expected)} (drift or an unsynced change)`,
    );
  }
}

/** Records a field for a new overlay SMP patch of `objKey` in `kustomizationFile`. */
export function addOverlayPatch(
  ctx: ResolveContext,
  kustomizationFile: string,
  head: { apiVersion?: string; kind: string; name: string },
  change: ObjectChange,
  from: unknown,
): void {
  const byObject = ctx.overlay.patches.get(kustomizationFile) ?? new Map<string, NewPatch>();
  const key = `${head.kind}/${head.name}`;
  const entry = byObject.get(key) ?? {
    resource: resourceOf(change),
    body: {
      ...(head.apiVersion ? { apiVersion: head.apiVersion } : {}),
      kind: head.kind,
      metadata: { name: head.name },
    },
    fields: [],
  };
  // `null` in a strategic-merge patch deletes the key.
  entry.body = setJs(entry.body, change.path, change.remove ? null : change.value);
  entry.fields.push({
    field: pathToString(change.path),
    from: from === MISSING ? undefined : from,
    to: change.remove ? '(removed)' : change.value,
  });
  byObject.set(key, entry);
  ctx.overlay.patches.set(kustomizationFile, byObject);
}
