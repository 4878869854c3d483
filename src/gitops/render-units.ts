// What to render for a blast-radius check: every deploy unit that reads an edited file — kustomize
// roots (through rootsByFile), plain directories, and Helm releases whose values or Application
// changed — with the namespace Argo CD would give namespace-less objects.
import type { FileEdit, HelmRelease, RepoIndex } from './types.js';

export type RenderUnit =
  | { type: 'kustomize'; dir: string; namespace?: string }
  | { type: 'plain'; file: string; namespace?: string }
  | { type: 'helm'; release: HelmRelease };

function appNamespace(index: RepoIndex, dir: string): string | undefined {
  const namespaces = new Set(
    index.applications
      .filter((a) => a.sources.some((s) => s.path === dir))
      .map((a) => a.destination.namespace),
  );
  return namespaces.size === 1 ? [...namespaces][0] : undefined;
}

/** The render unit of a kustomize root, exactly as renderUnits makes it (renders are cached by it). */
export function kustomizeUnit(index: RepoIndex, dir: string): RenderUnit {
  const namespace = appNamespace(index, dir);
  return { type: 'kustomize', dir, ...(namespace ? { namespace } : {}) };
}

export function renderUnits(index: RepoIndex, edits: FileEdit[]): RenderUnit[] {
  const units: RenderUnit[] = [];
  const seen = new Set<string>();
  const push = (key: string, unit: RenderUnit) => {
    if (seen.has(key)) return;
    seen.add(key);
    units.push(unit);
  };
  const kustomizeDirs = new Set(index.kustomizations.map((k) => k.dir));
  for (const { file } of edits) {
    const releases = index.releases.filter((r) => r.valueFiles.includes(file) || r.app.file === file);
    for (const r of releases)
      push(`helm:${r.app.file}:${r.app.doc}:${r.source.index}`, { type: 'helm', release: r });
    if (releases.length > 0) continue;
    for (const root of index.rootsByFile.get(file) ?? []) {
      const namespace = appNamespace(index, root);
      if (kustomizeDirs.has(root)) push(`k:${root}`, kustomizeUnit(index, root));
      else push(`p:${file}`, { type: 'plain', file, ...(namespace ? { namespace } : {}) });
    }
  }
  return units;
}
