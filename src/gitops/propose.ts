// From located workload + ObjectChanges to a Proposal: resolve each change to the place that sets
// it, edit the files in memory (byte-preserving, verified), diff with git, and check the blast radius
// by rendering. Nothing is written here; writeProposal applies a proposal to the checkout.
import { chmod, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import type { FieldChange } from '../core/types.js';
import { editFile } from './edit-file.js';
import { gitDiff, gitPrefix } from './git-diff.js';
import { pathToString } from './js-path.js';
import { checkBlastRadius, prerenderBefore } from './render-check.js';
import { execRenderer, type Renderer } from './renderer.js';
import { repoFiles } from './repo-files.js';
import { overlayEdits, resolveChange } from './resolve.js';
import type { ResolveContext } from './resolve-context.js';
import type { DocEdit, FileEdit, GitopsProposal, ObjectChange, RepoIndex, WorkloadSource } from './types.js';

// The checkout's place in its git repository never changes for an index: asked of git once.
const prefixes = new WeakMap<RepoIndex, Promise<string>>();
function prefixOf(index: RepoIndex): Promise<string> {
  let prefix = prefixes.get(index);
  if (!prefix) {
    prefix = gitPrefix(index.root);
    prefixes.set(index, prefix);
  }
  return prefix;
}

// One exec renderer per process: it remembers whether kubectl and helm are installed, which a
// server would otherwise ask again (a process spawn each) on every incident.
let sharedRenderer: Renderer | undefined;
function defaultRenderer(): Renderer {
  sharedRenderer ??= execRenderer();
  return sharedRenderer;
}

/**
 * Asks once per process whether kubectl (and helm) are installed when this repository needs them:
 * a server calls it when it indexes a repository, so that no incident's render check waits for
 * `kubectl version` (~80 ms). The answer is kept by the shared renderer.
 */
export function warmRenderers(
  index: RepoIndex,
  opts: Pick<ProposeOptions, 'render' | 'renderer'> = {},
): void {
  if (opts.render === false) return;
  const renderer = opts.renderer ?? defaultRenderer();
  if (index.kustomizations.length > 0) renderer.hasKustomize().catch(() => {});
  if (index.releases.length > 0) renderer.hasHelm().catch(() => {});
}

/** Warms the render check of a fix to this source (see prerenderBefore); kustomize roots only. */
export function warmRenderCheck(index: RepoIndex, source: WorkloadSource, opts: ProposeOptions = {}): void {
  if (opts.render === false || source.type !== 'kustomize') return;
  const renderer = opts.renderer ?? defaultRenderer();
  renderer
    .hasKustomize()
    .then((ok) => ok && prerenderBefore(index, source.root, renderer))
    .catch(() => {});
}

export interface ProposeOptions {
  /** Render before/after to check the blast radius (default true). */
  render?: boolean;
  /** Renderer to use (default: kubectl/helm from PATH). */
  renderer?: Renderer;
  /**
   * Told the file edits once the render check's renders are running (right away without one): a
   * caller may start work that depends only on them (the server builds the fix's tree and commit).
   */
  onEdits?: (edits: FileEdit[]) => void;
}

function row(e: DocEdit): FieldChange {
  return {
    file: e.file,
    resource: e.resource,
    field: e.field,
    from: e.from,
    to: e.op === 'remove' ? '(removed)' : e.value,
  };
}

function byFile(edits: DocEdit[]): Map<string, DocEdit[]> {
  const out = new Map<string, DocEdit[]>();
  for (const e of edits) out.set(e.file, [...(out.get(e.file) ?? []), e]);
  return out;
}

export async function proposeChanges(
  index: RepoIndex,
  source: WorkloadSource,
  changes: ObjectChange[],
  opts: ProposeOptions = {},
): Promise<GitopsProposal | { error: string }> {
  if (changes.length === 0) return { error: 'no changes to propose' };
  const ctx: ResolveContext = {
    index,
    files: repoFiles(index.root),
    notes: [...source.notes],
    overlay: { patches: new Map() },
  };
  const edits: DocEdit[] = [];
  for (const change of changes) {
    const r = await resolveChange(ctx, source, change);
    if ('error' in r)
      return {
        error: `${change.target.kind}/${change.target.name} ${pathToString(change.path)}: ${r.error}`,
      };
    edits.push(...r.edits);
  }
  const overlay = await overlayEdits(ctx);
  if ('error' in overlay) return overlay;
  const fileEdits: FileEdit[] = [];
  for (const [file, group] of byFile([...edits, ...overlay.edits])) {
    const before = await ctx.files.text(file);
    if (before === undefined) return { error: `${file} cannot be read` };
    const result = editFile(before, group);
    if ('error' in result) return { error: `${file}: ${result.error}` };
    if (result.after !== before) fileEdits.push({ file, before, after: result.after });
  }
  if (fileEdits.length === 0)
    return { error: 'the repository already holds the requested values; nothing to change' };
  // The render check waits longest: it starts first, and the diff and the caller's work on the
  // edits start once its renders are running (see BlastRadiusOptions.onRendering).
  let diffing: Promise<string> | undefined;
  const startTheRest = (): Promise<string> => {
    if (!diffing) {
      diffing = gitDiff(fileEdits);
      diffing.catch(() => {}); // awaited below, unless the check throws first
      opts.onEdits?.(fileEdits);
    }
    return diffing;
  };
  const prefixing = prefixOf(index);
  prefixing.catch(() => {}); // awaited below, unless the check throws first
  const check =
    opts.render !== false
      ? await checkBlastRadius(index, changes, fileEdits, opts.renderer ?? defaultRenderer(), {
          onRendering: startTheRest,
        })
      : undefined;
  const [diff, prefix] = await Promise.all([startTheRest(), prefixing]);
  const notes = [...new Set(ctx.notes)];
  if (prefix)
    notes.push(
      `the checkout is the folder ${prefix} of a git repository: apply the diff there with git apply --directory=${prefix}`,
    );
  let renderedDiff: string | undefined;
  if (check) {
    notes.push(...check.notes);
    if (check.error) return { error: `blast-radius check failed: ${check.error}` };
    renderedDiff = check.renderedDiff;
  }
  return {
    files: fileEdits.map((e) => e.file),
    changes: [...edits.map(row), ...overlay.rows],
    diff,
    ...(renderedDiff ? { renderedDiff } : {}),
    notes,
    edits: fileEdits,
  };
}

/** Writes a proposal's files, refusing when a file changed since the proposal was made. */
export async function writeProposal(root: string, proposal: Pick<GitopsProposal, 'edits'>): Promise<void> {
  for (const e of proposal.edits) {
    const target = path.join(root, e.file);
    const current = await readFile(target, 'utf8').catch(() => undefined);
    if (current !== e.before)
      throw new UserError(`${e.file} changed since the patch was computed`, 'run the diagnosis again');
  }
  for (const e of proposal.edits) {
    const target = path.join(root, e.file);
    // Write-then-rename so a crash never leaves a half-written manifest.
    const tmp = `${target}.aegis-${process.pid}.tmp`;
    const mode = (await stat(target)).mode;
    await writeFile(tmp, e.after);
    await chmod(tmp, mode & 0o7777);
    await rename(tmp, target);
  }
}
