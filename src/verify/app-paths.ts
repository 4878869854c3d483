// Which deploy units (app paths) a diff touches: the kustomize roots that read a changed file,
// the plain-YAML directory a changed manifest lives in (Argo CD deploys the whole directory), and
// the Helm releases whose chart, values or Application changed. Files no unit reads (README,
// .github/…) are ignored.
import path from 'node:path';
import type { HelmRelease, RepoIndex } from '../gitops/types.js';

export type AppPath =
  | { type: 'kustomize'; dir: string }
  | { type: 'plain'; dir: string }
  | { type: 'helm'; release: HelmRelease };

export function appPathKey(app: AppPath): string {
  return app.type === 'helm'
    ? `helm:${app.release.app.file}#${app.release.source.index}`
    : `${app.type}:${app.dir}`;
}

export function describeAppPath(app: AppPath): string {
  if (app.type === 'helm') return `Helm release ${app.release.releaseName} (${app.release.chart.dir})`;
  return `${app.type === 'kustomize' ? 'kustomize' : 'plain YAML'} ${app.dir || '.'}`;
}

function inside(dir: string, file: string): boolean {
  return dir === '' || file.startsWith(`${dir}/`);
}

/** The app paths of one tree that read any of `files` (repo-relative, `/`-separated). */
export function touchedAppPaths(index: RepoIndex, files: readonly string[]): AppPath[] {
  const found = new Map<string, AppPath>();
  const add = (app: AppPath) => found.set(appPathKey(app), app);
  const kustomizeDirs = new Set(index.kustomizations.map((k) => k.dir));
  for (const file of files) {
    const releases = index.releases.filter(
      (r) => r.valueFiles.includes(file) || r.app.file === file || inside(r.chart.dir, file),
    );
    for (const release of releases) add({ type: 'helm', release });
    if (releases.length > 0) continue;
    for (const root of index.rootsByFile.get(file) ?? []) {
      add(kustomizeDirs.has(root) ? { type: 'kustomize', dir: root } : { type: 'plain', dir: root });
    }
  }
  return [...found.values()];
}

/** Plain-YAML files of one directory, as Argo CD's directory source reads them (not recursive). */
export function plainFiles(index: RepoIndex, dir: string): string[] {
  const files = new Set(
    index.docs
      .map((doc) => doc.file)
      .filter((file) => (path.posix.dirname(file) === '.' ? '' : path.posix.dirname(file)) === dir),
  );
  return [...files].sort();
}
