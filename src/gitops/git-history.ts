// Earlier images of a container from the git history of the file that sets them, newest first, for
// "roll back to the tag this workload ran before" when the cluster's ReplicaSet history is gone.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createGit } from '../git/create-git.js';
import { formatImage, parseImage } from './image-ref.js';
import { isPlainObject } from './js-path.js';
import { isKustomizationFile } from './kustomization.js';
import { parseFull } from './load-yaml.js';

export interface ImageSelector {
  /** Container name (workload manifests). */
  container?: string;
  /** Image name without tag (kustomize `images:` entries, Helm `repository`). */
  image?: string;
  /** Restrict to one workload document. */
  kind?: string;
  name?: string;
}

const POD_SPECS = [
  ['spec', 'template', 'spec'],
  ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
];

function dig(value: unknown, keys: string[]): unknown {
  let cur = value;
  for (const k of keys) cur = isPlainObject(cur) ? cur[k] : undefined;
  return cur;
}

function imagesInDoc(doc: unknown, sel: ImageSelector, kustomization: boolean): string[] {
  if (!isPlainObject(doc)) return [];
  if (kustomization) {
    const images = Array.isArray(doc.images) ? doc.images.filter(isPlainObject) : [];
    return images
      .filter((e) => sel.image === undefined || e.name === sel.image)
      .map((e) => {
        const tag = e.newTag === undefined ? undefined : String(e.newTag);
        return formatImage({
          name: String(e.newName ?? e.name),
          ...(tag !== undefined ? { tag } : {}),
          ...(e.digest !== undefined ? { digest: String(e.digest) } : {}),
        });
      });
  }
  const meta = isPlainObject(doc.metadata) ? doc.metadata : {};
  if ((sel.kind && doc.kind !== sel.kind) || (sel.name && meta.name !== sel.name)) return [];
  const out: string[] = [];
  for (const p of POD_SPECS) {
    const spec = dig(doc, p);
    if (!isPlainObject(spec)) continue;
    for (const list of ['initContainers', 'containers']) {
      const containers = Array.isArray(spec[list]) ? (spec[list] as unknown[]) : [];
      for (const c of containers) {
        if (!isPlainObject(c) || typeof c.image !== 'string') continue;
        if (sel.container !== undefined && c.name !== sel.container) continue;
        if (sel.image !== undefined && parseImage(c.image).name !== sel.image) continue;
        out.push(c.image);
      }
    }
  }
  // Helm values: `repository` + `tag` maps.
  const walk = (v: unknown) => {
    if (!isPlainObject(v)) return;
    if (
      typeof v.repository === 'string' &&
      v.tag !== undefined &&
      (sel.image === undefined || v.repository === sel.image)
    ) {
      out.push(`${v.repository}:${String(v.tag)}`);
    }
    for (const child of Object.values(v)) walk(child);
  };
  if (doc.kind === undefined) walk(doc);
  return out;
}

function imagesInText(text: string, file: string, sel: ImageSelector): string[] {
  const parsed = parseFull(text);
  if ('error' in parsed) return [];
  return parsed.docs.flatMap((d) => imagesInDoc(d, sel, isKustomizationFile(file)));
}

export async function previousImagesFromGit(
  root: string,
  file: string,
  sel: ImageSelector,
  opts: { maxCommits?: number } = {},
): Promise<string[]> {
  const git = createGit(root, { timeoutMs: 30_000 });
  try {
    if ((await git.raw(['rev-parse', '--is-inside-work-tree'])).trim() !== 'true') return [];
  } catch {
    return [];
  }
  const rel = file.split(path.sep).join('/');
  let log: string;
  try {
    log = await git.raw(['log', `-n${opts.maxCommits ?? 50}`, '--format=%H', '--', rel]);
  } catch {
    return [];
  }
  const current = new Set(
    imagesInText(await readFile(path.join(root, file), 'utf8').catch(() => ''), rel, sel),
  );
  const out: string[] = [];
  for (const commit of log.split('\n').filter(Boolean)) {
    let text: string;
    try {
      // `./` makes the path relative to `root`, which may be a subdirectory of the repository.
      text = await git.show([`${commit}:./${rel}`]);
    } catch {
      continue;
    }
    for (const image of imagesInText(text, rel, sel)) {
      if (!current.has(image) && !out.includes(image)) out.push(image);
    }
  }
  return out;
}
