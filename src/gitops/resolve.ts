// Turns ObjectChanges into DocEdits: picks the source of each change's target (the located workload,
// or a related object such as its HPA or Service, preferring the same deploy root), dispatches to
// the plain/kustomize/Helm resolver, and finally emits the overlay patches collected on the way.
import { stringify } from 'yaml';
import type { FieldChange } from '../core/types.js';
import { getJs } from './js-path.js';
import { locateWorkload } from './locate.js';
import { checkExpected, editAt, type Resolution, type ResolveContext } from './resolve-context.js';
import { resolveHelm } from './resolve-helm.js';
import { resolveKustomize } from './resolve-kustomize.js';
import type { DocEdit, ObjectChange, ObjectRef, PathSeg, WorkloadSource } from './types.js';

function sameTarget(a: ObjectRef, b: ObjectRef): boolean {
  return (
    a.kind === b.kind && a.name === b.name && (a.namespace ?? b.namespace) === (b.namespace ?? a.namespace)
  );
}

function rootOf(source: WorkloadSource): string {
  return source.type === 'helm' ? source.chartDir : source.root;
}

/** The source of a change's target; related objects are looked for next to the workload first. */
export function sourceFor(
  ctx: ResolveContext,
  workload: WorkloadSource,
  target: ObjectRef,
): WorkloadSource | { error: string } {
  if (sameTarget(workload.target, target)) return workload;
  const located = locateWorkload(ctx.index, target, { preferRoot: rootOf(workload) });
  if ('error' in located) return located;
  return located;
}

async function resolvePlain(
  ctx: ResolveContext,
  source: Extract<WorkloadSource, { type: 'plain' }>,
  change: ObjectChange,
): Promise<Resolution> {
  const docs = await ctx.files.docs(source.doc.file);
  if (!Array.isArray(docs)) return docs;
  const current = docs[source.doc.doc];
  checkExpected(ctx, change, source.doc.file, getJs(current, change.path));
  return { edits: [editAt(source.doc.file, source.doc.doc, change.path, change, current)] };
}

export async function resolveChange(
  ctx: ResolveContext,
  workload: WorkloadSource,
  change: ObjectChange,
): Promise<Resolution> {
  const source = sourceFor(ctx, workload, change.target);
  if ('error' in source) return source;
  switch (source.type) {
    case 'plain':
      return resolvePlain(ctx, source, change);
    case 'kustomize':
      return resolveKustomize(ctx, source, change);
    case 'helm':
      return resolveHelm(ctx, source, change);
  }
}

/** New inline patches for the overlays, appended to each kustomization's `patches:` list. */
export async function overlayEdits(
  ctx: ResolveContext,
): Promise<{ edits: DocEdit[]; rows: FieldChange[] } | { error: string }> {
  const edits: DocEdit[] = [];
  const rows: FieldChange[] = [];
  for (const [file, byObject] of ctx.overlay.patches) {
    const docs = await ctx.files.docs(file);
    if (!Array.isArray(docs)) return docs;
    const existing = getJs(docs[0], ['patches']);
    let next = Array.isArray(existing) ? existing.length : 0;
    for (const patch of byObject.values()) {
      const path: PathSeg[] = ['patches', next++];
      const body = getJs(patch.body, []);
      edits.push({
        file,
        doc: 0,
        path,
        op: 'set',
        value: { patch: stringify(body, { lineWidth: 0 }) },
        resource: patch.resource,
        field: `patches[${path[1]}]`,
        from: undefined,
      });
      for (const f of patch.fields) {
        rows.push({
          file,
          resource: patch.resource,
          field: `patches[${path[1]}]: ${f.field}`,
          from: f.from,
          to: f.to,
        });
      }
    }
  }
  return { edits, rows };
}
