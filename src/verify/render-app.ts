// Renders one app path of one exported tree as the cluster would receive it: `kubectl kustomize`
// for a kustomize root, the directory's YAML as is for plain manifests, `helm template` for a Helm
// release. A renderer that is not installed is `unrenderable` (the run is inconclusive, with the
// reason), never a silent empty render.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseObjects, type RenderedObject } from '../gitops/object-diff.js';
import { renderHelm } from '../gitops/render-helm.js';
import type { Renderer } from '../gitops/renderer.js';
import type { RepoIndex } from '../gitops/types.js';
import { type AppPath, describeAppPath, plainFiles } from './app-paths.js';

export type Rendered = { objects: RenderedObject[] } | { unrenderable: string };

export async function renderAppPath(app: AppPath, index: RepoIndex, renderer: Renderer): Promise<Rendered> {
  const root = index.root;
  if (app.type === 'kustomize') {
    if (!(await renderer.hasKustomize())) {
      return {
        unrenderable: `kubectl not found: cannot render ${describeAppPath(app)}; install kubectl to verify kustomize apps`,
      };
    }
    return { objects: list(await renderer.kustomize(path.join(root, app.dir))) };
  }
  if (app.type === 'helm') {
    if (!(await renderer.hasHelm())) {
      return {
        unrenderable: `helm not found: cannot render ${describeAppPath(app)}; install helm to verify Helm releases`,
      };
    }
    return { objects: list(await renderHelm(app.release, root, renderer), app.release.namespace) };
  }
  const texts = await Promise.all(
    plainFiles(index, app.dir).map((file) => readFile(path.join(root, file), 'utf8')),
  );
  return { objects: list(texts.join('\n---\n')) };
}

function list(text: string, namespace?: string): RenderedObject[] {
  return [...parseObjects(text, namespace).values()];
}
