// Which Argo CD Application manages a workload, from what Argo CD itself records: the tracking
// annotation it stamps on the objects it applies, the Application's status.resources, its
// instance label, and last the Application deploying into the workload's namespace (the source
// path breaking ties). The result is slimmed (status.resources and history can be thousands of
// entries) and redacted: Helm values and plugin env in the spec may hold secrets.
import type { KubeObject, WorkloadKind } from '../core/k8s.js';
import { sanitize } from './evidence-shapes.js';

const TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';
const INSTANCE_LABEL = 'app.kubernetes.io/instance';
const HISTORY_KEPT = 5;

export interface ArgoWorkload {
  kind: WorkloadKind;
  name: string;
  namespace?: string;
  object?: KubeObject;
}

interface AppSpec {
  destination?: { namespace?: string };
  source?: { path?: string };
  sources?: { path?: string }[];
}
interface AppResource {
  group?: string;
  kind?: string;
  namespace?: string;
  name?: string;
}

/** The managing Application, or a note saying why none could be picked. */
export function findArgoApplication(
  applications: readonly KubeObject[],
  workload: ArgoWorkload,
): { application?: KubeObject; note?: string } {
  const pick = (app: KubeObject | undefined) => (app ? { application: slimApplication(app, workload) } : {});

  const tracked = trackingApp(workload.object);
  if (tracked) {
    const app = applications.find(
      (a) =>
        a.metadata?.name === tracked.name &&
        (!tracked.namespace || a.metadata?.namespace === tracked.namespace),
    );
    if (app) return pick(app);
  }

  const listed = applications.filter((a) => statusResources(a).some((r) => sameWorkload(r, workload)));
  if (listed.length === 1) return pick(listed[0]);

  const deploying = applications.filter((a) => destinationNamespace(a) === workload.namespace);
  const instance = workload.object?.metadata?.labels?.[INSTANCE_LABEL];
  const byLabel = deploying.filter((a) => a.metadata?.name === instance);
  if (byLabel.length === 1) return pick(byLabel[0]);

  const candidates = listed.length > 1 ? listed : deploying;
  if (candidates.length === 1) return pick(candidates[0]);
  if (candidates.length > 1) {
    for (const segment of [workload.name, workload.namespace]) {
      const byPath = candidates.filter((a) =>
        sourcePaths(a).some((p) => p.split('/').includes(segment ?? '')),
      );
      if (byPath.length === 1) return pick(byPath[0]);
    }
    const names = candidates.map((a) => a.metadata?.name).join(', ');
    return {
      note: `argocd: ${candidates.length} Applications may manage ${workload.kind} ${workload.name} (${names}); none chosen`,
    };
  }
  return {};
}

/** `<app>:<group>/<kind>:<ns>/<name>`; the app is `<namespace>_<name>` with apps in any namespace. */
function trackingApp(object: KubeObject | undefined): { name: string; namespace?: string } | undefined {
  const id = object?.metadata?.annotations?.[TRACKING_ANNOTATION];
  const app = id?.split(':')[0];
  if (!app) return undefined;
  const [namespace, name] = app.includes('_') ? app.split('_', 2) : [undefined, app];
  return name ? { name, ...(namespace ? { namespace } : {}) } : undefined;
}

function statusResources(app: KubeObject): AppResource[] {
  const resources = (app.status as { resources?: unknown } | undefined)?.resources;
  return Array.isArray(resources) ? (resources as AppResource[]) : [];
}

function sameWorkload(resource: AppResource, workload: ArgoWorkload): boolean {
  return (
    resource.kind === workload.kind &&
    resource.name === workload.name &&
    (resource.namespace ?? workload.namespace) === workload.namespace
  );
}

function destinationNamespace(app: KubeObject): string | undefined {
  return (app.spec as AppSpec | undefined)?.destination?.namespace;
}

function sourcePaths(app: KubeObject): string[] {
  const spec = (app.spec ?? {}) as AppSpec;
  return [spec.source?.path, ...(spec.sources ?? []).map((s) => s.path)].filter(
    (p): p is string => typeof p === 'string',
  );
}

/** Spec, sync/health/operation state, the last few history entries and this workload's resource row. */
function slimApplication(app: KubeObject, workload: ArgoWorkload): KubeObject {
  const status = (app.status ?? {}) as Record<string, unknown>;
  const operation = status.operationState as
    | {
        phase?: string;
        message?: string;
        startedAt?: string;
        finishedAt?: string;
        syncResult?: { revision?: string; revisions?: string[] };
      }
    | undefined;
  const history = Array.isArray(status.history) ? status.history.slice(-HISTORY_KEPT) : undefined;
  const slim: KubeObject = {
    apiVersion: app.apiVersion ?? 'argoproj.io/v1alpha1',
    kind: app.kind ?? 'Application',
    metadata: {
      name: app.metadata?.name ?? '',
      ...(app.metadata?.namespace ? { namespace: app.metadata.namespace } : {}),
      ...(app.metadata?.labels ? { labels: app.metadata.labels } : {}),
      ...(app.metadata?.annotations ? { annotations: app.metadata.annotations } : {}),
    },
    spec: app.spec,
    status: {
      ...(status.sync ? { sync: status.sync } : {}),
      ...(status.health ? { health: status.health } : {}),
      ...(operation
        ? {
            operationState: {
              phase: operation.phase,
              message: operation.message,
              startedAt: operation.startedAt,
              finishedAt: operation.finishedAt,
              ...(operation.syncResult
                ? {
                    syncResult: {
                      revision: operation.syncResult.revision,
                      revisions: operation.syncResult.revisions,
                    },
                  }
                : {}),
            },
          }
        : {}),
      ...(history ? { history } : {}),
      ...(status.reconciledAt ? { reconciledAt: status.reconciledAt } : {}),
      resources: statusResources(app).filter((r) => sameWorkload(r, workload)),
    },
  };
  return sanitize(JSON.parse(JSON.stringify(slim)) as KubeObject);
}
