// Earlier images of a container from the git history of the file that sets them, newest first, for
// "roll back to the tag this workload ran before" when the cluster's ReplicaSet history is gone.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { catFileBatch } from '../git/cat-file.js';
import { gitPlumbing } from '../git/create-git.js';
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
  const history = await fileHistory(root, file, opts);
  return earlierImages(history, sel);
}

/** The file's text now and at each of its last commits (newest first); empty outside git. */
export interface FileHistory {
  file: string;
  current: string;
  versions: string[];
}

/** Two git processes whatever the length of the history: the log, then one batch read. */
export async function fileHistory(
  root: string,
  file: string,
  opts: { maxCommits?: number } = {},
): Promise<FileHistory> {
  const rel = file.split(path.sep).join('/');
  const current = await readFile(path.join(root, file), 'utf8').catch(() => '');
  let log: string;
  try {
    // Outside a git work tree this fails, and there is simply no history.
    log = await gitPlumbing(root, ['log', `-n${opts.maxCommits ?? 50}`, '--format=%H', '--', rel], {
      timeoutMs: 30_000,
    });
  } catch {
    return { file: rel, current, versions: [] };
  }
  const commits = log.split('\n').filter(Boolean);
  // `./` makes the path relative to `root`, which may be a subdirectory of the repository.
  const texts = await catFileBatch(
    root,
    commits.map((commit) => `${commit}:./${rel}`),
  ).catch((): (string | undefined)[] => []);
  return { file: rel, current, versions: texts.filter((t): t is string => t !== undefined) };
}

/** Images the history set that the file no longer sets, newest first, without repeats. */
export function earlierImages(history: FileHistory, sel: ImageSelector): string[] {
  const current = new Set(imagesInText(history.current, history.file, sel));
  const out: string[] = [];
  for (const text of history.versions) {
    for (const image of imagesInText(text, history.file, sel)) {
      if (!current.has(image) && !out.includes(image)) out.push(image);
    }
  }
  return out;
}
