// Finds the documents that produce one live object. Several candidates (staging and prod overlays of
// one base, two clusters) are narrowed by namespace, then by Argo CD Application destination, then by
// a cluster hint matching a path segment or destination; what is still ambiguous is an error that
// names the candidates, because guessing the wrong environment is worse than no patch.

import { helmSourceOf, releaseMatches } from './helm-releases.js';
import { objectKey } from './produce.js';
import type { ObjectRef, ProducedObject, RepoIndex, WorkloadSource } from './types.js';

export interface LocateHints {
  /** Cluster name: matches a path segment (clusters/<cluster>/...) or an Application's destination. */
  cluster?: string;
  /** Prefer candidates deployed from this root (related objects of an already located workload). */
  preferRoot?: string;
}

interface Candidate {
  source: WorkloadSource;
  namespace?: string;
  hasApp: boolean;
  paths: string[];
  destinations: string[];
  label: string;
}

function fromProduced(p: ProducedObject, target: ObjectRef): Candidate | undefined {
  if (!p.origin) return undefined;
  const notes: string[] = [];
  const app = p.apps.length === 1 ? p.apps[0] : undefined;
  if (p.apps.length > 1)
    notes.push(
      `${p.root || '.'} is deployed by ${p.apps.length} Applications: ${p.apps.map((a) => a.name).join(', ')}`,
    );
  const base = { target, notes, doc: p.origin, root: p.root, ...(app ? { app } : {}) };
  const source: WorkloadSource =
    p.via === 'kustomize' ? { ...base, type: 'kustomize', chain: p.chain } : { ...base, type: 'plain' };
  const where = p.via === 'kustomize' ? `kustomize ${p.root || '.'} (${p.origin.file})` : `${p.origin.file}`;
  const candidate: Candidate = {
    source,
    hasApp: p.apps.length > 0,
    paths: [p.root, p.origin.file],
    destinations: p.apps.flatMap((a) => [a.destination.name ?? '', a.destination.server ?? '', a.name]),
    label: `${where} in namespace ${p.namespace ?? '(unset)'}`,
  };
  if (p.namespace !== undefined) candidate.namespace = p.namespace;
  return candidate;
}

function helmCandidates(index: RepoIndex, target: ObjectRef): Candidate[] {
  return index.releases
    .filter((r) => releaseMatches(r, target))
    .map((r) => {
      const c: Candidate = {
        source: helmSourceOf(r, target),
        hasApp: true,
        paths: [r.chart.dir, ...r.valueFiles],
        destinations: [r.app.destination.name ?? '', r.app.destination.server ?? '', r.app.name],
        label: `helm release ${r.releaseName} (Application ${r.app.name}) in namespace ${r.namespace ?? '(unset)'}`,
      };
      if (r.namespace !== undefined) c.namespace = r.namespace;
      return c;
    });
}

function segmentsMatch(paths: string[], cluster: string): boolean {
  return paths.some((p) => p.split('/').includes(cluster));
}

function narrow(cands: Candidate[], keep: (c: Candidate) => boolean): Candidate[] {
  const kept = cands.filter(keep);
  return kept.length > 0 ? kept : cands;
}

function dedupe(cands: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return cands.filter((c) => {
    const s = c.source;
    const key =
      s.type === 'helm'
        ? `helm:${s.app.file}:${s.app.doc}:${s.source}`
        : `${s.type}:${s.root}:${s.doc.file}:${s.doc.doc}:${c.namespace}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describe(target: ObjectRef): string {
  return `${target.kind}/${target.name}${target.namespace ? ` in namespace ${target.namespace}` : ''}`;
}

export function locateWorkload(
  index: RepoIndex,
  target: ObjectRef,
  hints: LocateHints = {},
): WorkloadSource | { error: string } {
  const produced = index.produced.get(objectKey(target.kind, target.name)) ?? [];
  let cands = produced.map((p) => fromProduced(p, target)).filter((c): c is Candidate => c !== undefined);
  if (cands.length === 0) cands = helmCandidates(index, target);
  if (cands.length === 0) {
    const skipped = index.skipped.length
      ? ` (${index.skipped.length} unparseable file(s) skipped: ${index.skipped
          .slice(0, 5)
          .map((s) => s.file)
          .join(', ')}${index.skipped.length > 5 ? ', ...' : ''})`
      : '';
    return { error: `no document in the repository produces ${describe(target)}${skipped}` };
  }
  if (target.namespace !== undefined) {
    const exact = cands.filter((c) => c.namespace === target.namespace);
    const unset = cands.filter((c) => c.namespace === undefined);
    if (exact.length > 0) cands = exact;
    else if (unset.length > 0) {
      cands = unset;
      for (const c of cands)
        c.source.notes.push(
          `the repository sets no namespace for ${target.kind}/${target.name}; assumed ${target.namespace}`,
        );
    } else {
      const seen = [...new Set(cands.map((c) => c.namespace))].join(', ');
      return {
        error: `${target.kind}/${target.name} is in the repository only for namespace(s) ${seen}, not ${target.namespace}`,
      };
    }
  }
  cands = dedupe(cands);
  if (cands.length > 1) cands = narrow(cands, (c) => c.hasApp);
  const preferRoot = hints.preferRoot;
  if (cands.length > 1 && preferRoot !== undefined) cands = narrow(cands, (c) => c.paths[0] === preferRoot);
  const cluster = hints.cluster;
  if (cands.length > 1 && cluster) {
    cands = narrow(
      cands,
      (c) =>
        segmentsMatch(c.paths, cluster) ||
        c.destinations.some((d) => d === cluster || d.includes(`//${cluster}`)),
    );
  }
  const [only] = cands;
  if (cands.length === 1 && only) return only.source;
  return {
    error: `${cands.length} places produce ${describe(target)}: ${cands.map((c) => c.label).join('; ')}; pass the cluster to choose`,
  };
}
