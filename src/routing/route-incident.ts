// From an incident to the repository that fixes it. The Argo CD Application managing the workload
// is the most precise answer (it is what actually deploys it); the configured routes are next.
import type { Evidence, Incident } from '../core/types.js';
import { globMatch } from '../plan/glob.js';
import type { Route, RoutesFile } from './routes-file.js';

export interface RepoRoute {
  owner: string;
  repo: string;
  /** Folder to index, relative to the repository root ('.' = all of it). */
  path: string;
  base: string;
  /** Why this repository: for logs and the PR body. */
  via: string;
}

interface ArgoSource {
  repoURL?: string;
  path?: string;
  targetRevision?: string;
}

export function routeIncident(
  incident: Pick<Incident, 'alertname' | 'namespace' | 'labels'>,
  evidence: Pick<Evidence, 'argoApplication'> | undefined,
  routes: RoutesFile,
): RepoRoute | undefined {
  const argo = routes.argocd.follow ? argoRoute(evidence, routes) : undefined;
  if (argo) return argo;
  const route = routes.routes.find((r) => matches(r, incident));
  if (!route) return undefined;
  const [owner, repo] = route.repo.split('/') as [string, string];
  return { owner, repo, path: route.path, base: route.base, via: `route ${route.repo}` };
}

function matches(route: Route, incident: Pick<Incident, 'alertname' | 'namespace' | 'labels'>): boolean {
  const { namespaces, alertnames, labels } = route.match;
  if (namespaces && !namespaces.some((g) => globMatch(g, incident.namespace ?? ''))) {
    // A cluster-scoped alert (no namespace) is matched by `*` only.
    if (incident.namespace !== undefined || !namespaces.includes('*')) return false;
  }
  if (alertnames && !alertnames.some((g) => globMatch(g, incident.alertname))) return false;
  for (const [key, glob] of Object.entries(labels ?? {}))
    if (!globMatch(glob, incident.labels[key] ?? '')) return false;
  return true;
}

function argoRoute(
  evidence: Pick<Evidence, 'argoApplication'> | undefined,
  routes: RoutesFile,
): RepoRoute | undefined {
  const app = evidence?.argoApplication;
  if (!app) return undefined;
  const spec = (app.spec ?? {}) as { source?: ArgoSource; sources?: ArgoSource[] };
  // Multi-source apps: the first source with a path holds the manifests (others are values refs).
  const source = spec.source ?? spec.sources?.find((s) => s.path) ?? spec.sources?.[0];
  const slug = source?.repoURL ? githubSlug(source.repoURL) : undefined;
  if (!slug) return undefined;
  const allowed = routes.argocd.repos;
  if (allowed && !allowed.some((r) => r.toLowerCase() === `${slug.owner}/${slug.repo}`.toLowerCase()))
    return undefined;
  const configured = routes.routes.find(
    (r) => r.repo.toLowerCase() === `${slug.owner}/${slug.repo}`.toLowerCase(),
  );
  return {
    ...slug,
    // The whole repository is indexed: an overlay's bases usually live outside its path, and the
    // locator already prefers the Application's path among the candidates.
    path: '.',
    base: branchOf(source?.targetRevision) ?? configured?.base ?? 'main',
    via: `Argo CD Application ${app.metadata?.namespace ? `${app.metadata.namespace}/` : ''}${app.metadata?.name ?? ''}`,
  };
}

/** `https://github.com/o/r(.git)`, `git@github.com:o/r.git`, `ssh://git@github.com/o/r` → o/r. */
export function githubSlug(url: string): { owner: string; repo: string } | undefined {
  const match =
    /^(?:https?:\/\/(?:[^@/]+@)?github\.com\/|git@github\.com:|ssh:\/\/git@github\.com\/)([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(
      url.trim(),
    );
  return match ? { owner: match[1]!, repo: match[2]! } : undefined;
}

/** A branch name, or undefined for HEAD, tags-like semver and commit shas (nothing to branch from). */
function branchOf(revision: string | undefined): string | undefined {
  if (!revision || revision === 'HEAD') return undefined;
  if (/^[0-9a-f]{40}$/.test(revision) || /^v?\d+\.\d+(\.\d+)?/.test(revision)) return undefined;
  return revision;
}
