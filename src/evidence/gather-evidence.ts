// Evidence for one incident: resolve the workload, then read everything a diagnosis may look
// at, bounded, redacted, and with a note for every kind that could not be read. The returned
// Incident carries the final fingerprint, computed from the resolved workload.
import type {
  HorizontalPodAutoscaler,
  KubeObject,
  PersistentVolumeClaim,
  Pod,
  Service,
} from '../core/k8s.js';
import type { Evidence, Incident, RevisionInfo } from '../core/types.js';
import { fingerprintOf, type IncidentDraft, incidentSubject } from '../intake/incidents.js';
import { findArgoApplication } from './argo-application.js';
import type { ClusterReader } from './cluster-reader.js';
import { collectLogs, type LogBudget } from './collect-logs.js';
import { COMPACT_DEFAULTS } from './compact-logs.js';
import { EvidenceSession, nameOf, WORKLOAD_LIST_KIND } from './evidence-session.js';
import { configMapSummary, sanitize, sibling, slimNode } from './evidence-shapes.js';
import { k8sgptFindings } from './k8sgpt-findings.js';
import { redact, redactObject } from './redact.js';
import {
  findClaims,
  findHpa,
  intermediates,
  podsWithoutWorkload,
  rankPods,
  relatedEvents,
  type WorkloadRefWithObject,
  workloadPods,
} from './related-objects.js';
import { resolveInSession } from './resolve-workload.js';
import { controllerRevisions, deploymentRevisions } from './revisions.js';

export interface GatherOptions {
  /** Pods kept in the evidence (alert pods and failing ones first). Default 30. */
  maxPods?: number;
  /** Newest events kept. Default 150. */
  maxEvents?: number;
  logs?: Partial<LogBudget>;
}

const DEFAULT_LOG_BUDGET: LogBudget = {
  maxPods: 4,
  maxExcerpts: 12,
  tailLines: 500,
  compact: COMPACT_DEFAULTS,
};

export async function gatherEvidence(
  reader: ClusterReader,
  draft: IncidentDraft,
  options: GatherOptions = {},
): Promise<{ incident: Incident; evidence: Evidence }> {
  const session = new EvidenceSession(reader);
  const ns = draft.namespace;
  const resolution = await resolveInSession(session, draft);
  const workload: WorkloadRefWithObject | undefined = resolution.workload;
  // A workload found from a name pattern rather than ownerReferences is worth saying.
  if (resolution.chain.some((step) => step.includes('(from the '))) {
    session.note(`workload: ${resolution.chain.join(' → ')}`);
  }

  const owners = workload ? await intermediates(session, ns, workload) : [];
  const allPods = workload
    ? await workloadPods(session, ns, workload, owners)
    : await podsWithoutWorkload(session, ns, draft.pods, draft.targets);
  const alertPods = await podsWithoutWorkload(session, ns, draft.pods, []);
  const ranked = rankPods([...alertPods, ...allPods], draft.pods, options.maxPods ?? 30);
  if (ranked.dropped > 0) session.note(`pods: ${ranked.dropped} more pods not included`);
  const pods = ranked.kept;

  const hpa = resolution.hpa ?? (workload ? await findHpa(session, ns, workload) : undefined);
  const pvcs = await findClaims(session, ns, workload, pods, draft.targets);
  const events = await relatedEvents(session, ns, [
    ...pods.map((p) => ({ kind: 'Pod', name: nameOf(p) })),
    ...draft.pods.map((name) => ({ kind: 'Pod', name })),
    ...(workload ? [workload] : []),
    ...owners.map((o) => ({ kind: workload?.kind === 'CronJob' ? 'Job' : 'ReplicaSet', name: nameOf(o) })),
    ...(hpa ? [{ kind: 'HorizontalPodAutoscaler', name: nameOf(hpa) }] : []),
    ...pvcs.map((p) => ({ kind: 'PersistentVolumeClaim', name: nameOf(p) })),
    ...draft.targets.filter((t) => t.kind !== 'Namespace' && t.kind !== 'Cluster'),
  ]);
  const maxEvents = options.maxEvents ?? 150;
  if (events.length > maxEvents)
    session.note(`events: ${events.length - maxEvents} older events not included`);

  const budget = { ...DEFAULT_LOG_BUDGET, ...options.logs };
  const logs = await collectLogs(session, ns, pods, { pods: draft.pods, container: draft.container }, budget);
  const revisions = await revisionsOf(session, ns, workload, owners, pods);
  const nodes = (await session.list('nodes')).map(slimNode);
  const namespaced = ns ? await namespaceContext(session, ns, workload) : undefined;
  // The dump has no StorageClass list; classes that bound claims in the namespace use are
  // known to exist, which is what a "which class was meant" decision needs.
  const boundClasses = ns
    ? (await session.list('persistentvolumeclaims', ns))
        .filter((p) => (p as PersistentVolumeClaim).status?.phase === 'Bound')
        .map((p) => (p as PersistentVolumeClaim).spec?.storageClassName ?? '')
    : [];
  const storageClasses = [
    ...new Set([...(await session.list('storageclasses')).map(nameOf), ...boundClasses].filter(Boolean)),
  ];
  const argoApplication = workload ? await argoApplicationOf(session, ns, workload) : undefined;
  const externalFindings = k8sgptFindings(await session.list('k8sgptresults'), {
    ...(ns ? { namespace: ns } : {}),
    ...(workload ? { workload: { kind: workload.kind, name: workload.name } } : {}),
    owners: owners.map((o) => ({
      kind: workload?.kind === 'CronJob' ? 'Job' : 'ReplicaSet',
      name: nameOf(o),
    })),
    pods: [...new Set([...allPods.map(nameOf), ...draft.pods])],
  });

  const evidence: Evidence = {
    ...(ns ? { namespace: ns } : {}),
    ...(workload?.object
      ? { workload: { kind: workload.kind, name: workload.name, object: sanitize(workload.object) } }
      : {}),
    pods: pods.map((p) => sanitize(p)),
    events: events.slice(-maxEvents).map((e) => sanitize(e)),
    logs,
    revisions: redactObject(revisions),
    ...(hpa ? { hpa: sanitize(hpa) as HorizontalPodAutoscaler } : {}),
    pvcs: pvcs.map((p) => sanitize(p) as PersistentVolumeClaim),
    nodes,
    services: namespaced?.services ?? [],
    configMaps: namespaced?.configMaps ?? [],
    siblings: namespaced?.siblings ?? [],
    storageClasses,
    ...(argoApplication ? { argoApplication } : {}),
    externalFindings,
    notes: session.notes.map(redact),
  };
  return { incident: finalIncident(draft, workload), evidence };
}

async function revisionsOf(
  session: EvidenceSession,
  ns: string | undefined,
  workload: WorkloadRefWithObject | undefined,
  owners: readonly KubeObject[],
  pods: readonly Pod[],
): Promise<RevisionInfo[]> {
  if (workload?.kind === 'Deployment') return deploymentRevisions(workload.name, owners);
  if (workload?.kind === 'StatefulSet' || workload?.kind === 'DaemonSet') {
    return controllerRevisions(workload, await session.list('controllerrevisions', ns), pods);
  }
  return [];
}

/** The Argo CD Application managing the workload (Applications live in Argo CD's namespace). */
async function argoApplicationOf(
  session: EvidenceSession,
  ns: string | undefined,
  workload: WorkloadRefWithObject,
) {
  const applications = await session.list('applications');
  if (applications.length === 0) return undefined;
  const found = findArgoApplication(applications, {
    kind: workload.kind,
    name: workload.name,
    ...(ns ? { namespace: ns } : {}),
    ...(workload.object ? { object: workload.object } : {}),
  });
  if (found.note) session.note(found.note);
  return found.application;
}

/** Services, ConfigMap keys and the other workloads of the namespace. */
async function namespaceContext(
  session: EvidenceSession,
  ns: string,
  workload: WorkloadRefWithObject | undefined,
) {
  const services = (await session.list('services', ns)).map((s) => sanitize(s) as Service);
  const configMaps = (await session.list('configmaps', ns)).map(configMapSummary);
  const siblings = [];
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet'] as const) {
    for (const object of await session.list(WORKLOAD_LIST_KIND[kind], ns)) {
      if (kind === workload?.kind && nameOf(object) === workload.name) continue;
      siblings.push(redactObject(sibling(kind, object)));
    }
  }
  return { services, configMaps, siblings };
}

function finalIncident(draft: IncidentDraft, workload: WorkloadRefWithObject | undefined): Incident {
  const ref = workload ? { kind: workload.kind, name: workload.name } : undefined;
  const subject = incidentSubject(ref, draft.targets);
  return {
    fingerprint: fingerprintOf(draft.alertname, draft.namespace, subject.kind, subject.name),
    alertname: draft.alertname,
    severity: draft.severity,
    status: draft.status,
    ...(draft.namespace ? { namespace: draft.namespace } : {}),
    ...(ref ? { workload: ref } : {}),
    targets: draft.targets,
    ...(draft.container ? { container: draft.container } : {}),
    startsAt: draft.startsAt,
    labels: redactObject(draft.labels),
    annotations: redactObject(draft.annotations),
    alertCount: draft.alertCount,
    source: draft.source,
    ...(draft.externalURL ? { externalURL: draft.externalURL } : {}),
    ...(draft.generatorURL ? { generatorURL: draft.generatorURL } : {}),
  };
}
