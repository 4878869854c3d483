// The render phase of a verification: export base and head, find the app paths the diff touches,
// render them in both trees and select what the two sandboxes run. Anything that makes the
// comparison impossible (no renderer, nothing runnable changed, no control to compare with) comes
// back as `unverifiable`, which the verdict reports as inconclusive with that reason.
import path from 'node:path';
import { indexRepo } from '../gitops/index-repo.js';
import type { RenderedObject } from '../gitops/object-diff.js';
import type { Renderer } from '../gitops/renderer.js';
import type { RepoIndex } from '../gitops/types.js';
import { type AppPath, appPathKey, describeAppPath, plainFiles, touchedAppPaths } from './app-paths.js';
import { changedFiles, exportTree, removeTree, repoPrefix, resolveCommit } from './git-refs.js';
import { renderAppPath } from './render-app.js';
import { type Selection, selectManifests } from './select-manifests.js';

export interface PrepareInput {
  repoDir: string;
  base: string;
  head: string;
  renderer: Renderer;
  progress: (message: string) => void;
}

export interface PreparedPr {
  commits: { base: string; head: string };
  /** The app paths the diff touches, described for people. */
  appPaths: string[];
  selection?: Selection;
  unverifiable?: string;
}

export async function preparePr(input: PrepareInput): Promise<PreparedPr> {
  const { repoDir, renderer, progress } = input;
  const commits = {
    base: await resolveCommit(repoDir, input.base),
    head: await resolveCommit(repoDir, input.head),
  };
  const prefix = await repoPrefix(repoDir);
  const files = (await changedFiles(repoDir, commits.base, commits.head))
    .filter((file) => prefix === '' || file.startsWith(`${prefix}/`))
    .map((file) => (prefix === '' ? file : file.slice(prefix.length + 1)));
  const trees: string[] = [];
  try {
    const [baseTree, headTree] = await Promise.all([
      exportTree(repoDir, commits.base, 'base'),
      exportTree(repoDir, commits.head, 'head'),
    ]);
    trees.push(baseTree, headTree);
    const [baseIndex, headIndex] = await Promise.all([
      indexRepo(path.join(baseTree, prefix)),
      indexRepo(path.join(headTree, prefix)),
    ]);
    const apps = new Map<string, AppPath>();
    for (const app of [...touchedAppPaths(baseIndex, files), ...touchedAppPaths(headIndex, files)]) {
      apps.set(appPathKey(app), app);
    }
    const appPaths = [...apps.values()].map(describeAppPath);
    if (apps.size === 0) {
      const shown = files.slice(0, 5).join(', ') + (files.length > 5 ? ', …' : '');
      return {
        commits,
        appPaths,
        unverifiable: `the diff changes no deployable manifests (${files.length ? shown : 'no files differ'})`,
      };
    }
    progress(`rendering ${appPaths.join(', ')} at base and head`);
    const rendered = await Promise.all([
      renderTree(baseIndex, apps, renderer),
      renderTree(headIndex, apps, renderer),
    ]);
    const [baseObjects, headObjects] = rendered;
    if ('unrenderable' in baseObjects) return { commits, appPaths, unverifiable: baseObjects.unrenderable };
    if ('unrenderable' in headObjects) return { commits, appPaths, unverifiable: headObjects.unrenderable };
    const selection = selectManifests(baseObjects.objects, headObjects.objects);
    return { commits, appPaths, selection, ...whyNotComparable(selection) };
  } finally {
    await Promise.all(trees.map(removeTree));
  }
}

/** Every touched app path as this tree has it; one absent from the tree contributes nothing. */
async function renderTree(
  index: RepoIndex,
  apps: Map<string, AppPath>,
  renderer: Renderer,
): Promise<{ objects: RenderedObject[] } | { unrenderable: string }> {
  const objects: RenderedObject[] = [];
  for (const wanted of apps.values()) {
    const app = inTree(index, wanted);
    if (!app) continue;
    const rendered = await renderAppPath(app, index, renderer);
    if ('unrenderable' in rendered) return rendered;
    objects.push(...rendered.objects);
  }
  return { objects };
}

function inTree(index: RepoIndex, app: AppPath): AppPath | undefined {
  if (app.type === 'kustomize') return index.kustomizations.some((k) => k.dir === app.dir) ? app : undefined;
  if (app.type === 'plain') return plainFiles(index, app.dir).length > 0 ? app : undefined;
  const key = appPathKey(app);
  const release = index.releases.find((r) => appPathKey({ type: 'helm', release: r }) === key);
  return release ? { type: 'helm', release } : undefined;
}

function whyNotComparable(selection: Selection): { unverifiable?: string } {
  if (selection.deployments.length === 0) {
    const changed = selection.notRun.length ? ` (it changes ${selection.notRun.join(', ')})` : '';
    return { unverifiable: `the PR changes no Deployment the sandbox can run${changed}` };
  }
  const runs = (docs: Record<string, unknown>[]) => docs.some((doc) => doc.kind === 'Deployment');
  if (!runs(selection.control)) {
    return {
      unverifiable: `the PR adds ${selection.deployments.join(', ')}: base has no control to compare with`,
    };
  }
  if (!runs(selection.candidate)) {
    return {
      unverifiable: `the PR removes ${selection.deployments.join(', ')}: there is no candidate to run`,
    };
  }
  return {};
}
