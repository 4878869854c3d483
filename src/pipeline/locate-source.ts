// Where the failing workload comes from in the GitOps repo, and which images it ran before
// according to the git history of that file (the rollback fallback when ReplicaSets are gone).
import { templateContainers } from '../analyzers/evidence-queries.js';
import type { Evidence, Incident } from '../core/types.js';
import { earlierImages, fileHistory } from '../gitops/git-history.js';
import { locateWorkload } from '../gitops/locate.js';
import type { RepoIndex, WorkloadSource } from '../gitops/types.js';

export type Located = ReturnType<typeof locate>;

export function locate(index: RepoIndex, incident: Incident, evidence: Evidence) {
  const workload = evidence.workload;
  if (!workload) return undefined;
  const namespace = incident.namespace ?? evidence.namespace;
  const target = { kind: workload.kind, name: workload.name, ...(namespace ? { namespace } : {}) };
  const hints = incident.labels.cluster ? { cluster: incident.labels.cluster } : undefined;
  return locateWorkload(index, target, hints);
}

/** Earlier images per container from the git history of the file that defines the workload. */
export async function imagesFromGit(root: string, source: WorkloadSource, evidence: Evidence) {
  if (source.type === 'helm') return undefined;
  const containers = templateContainers(evidence);
  if (containers.length === 0) return undefined;
  // The file's history is read once for all its containers.
  const history = await fileHistory(root, source.doc.file);
  const out: Record<string, string[]> = {};
  for (const container of containers) {
    const images = earlierImages(history, {
      container: container.name,
      kind: source.target.kind,
      name: source.doc.name ?? source.target.name,
    });
    if (images.length) out[container.name] = images;
  }
  return Object.keys(out).length ? out : undefined;
}
