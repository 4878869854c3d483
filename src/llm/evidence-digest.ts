// The evidence as prompt lines with a claim on the token budget. What an SRE reads first is kept
// first: the focus container's state, warning events and failure log lines; then the workload's
// template, manifests, revisions, HPA and claims; then older log lines; other pods, other
// containers' logs and nodes last. Every line goes through promptLine (redacted, fenced, bounded).
import { eventTime, focusContainer, templateContainers } from '../analyzers/evidence-queries.js';
import { defaultRepoConfig } from '../config/repo-config.js';
import type { Container, ContainerStatus, KubeEvent, Pod } from '../core/k8s.js';
import type { Evidence, Incident } from '../core/types.js';
import { jsonLine, promptLine } from './prompt-text.js';
import type { BudgetItem } from './token-budget.js';

/** Priorities (lower claims the budget first); fractions order lines inside one tier. */
export const PRIORITY = {
  incident: 0,
  findings: 0,
  focusState: 1,
  focusWarnings: 1,
  focusFailureLogs: 1,
  template: 2,
  manifests: 2.5,
  history: 3,
  otherEvents: 3.5,
  focusLogs: 4,
  past: 4,
  cluster: 4.5,
  otherPods: 5,
  otherLogs: 6,
  nodes: 7,
} as const;

/** Sections of the `evidence` variable, in display order. */
export const EVIDENCE_SECTIONS = [
  { name: 'pods', title: 'Pods and container states', empty: '(no pods)' },
  { name: 'events', title: 'Events (newest last)', empty: '(no events)' },
  { name: 'logs', title: 'Logs', empty: '(no logs)' },
  { name: 'template', title: 'Workload pod template (live)', empty: '(no workload resolved)' },
  { name: 'history', title: 'Revisions, autoscaler, volume claims', empty: '(none)' },
  { name: 'cluster', title: 'Namespace: services, ConfigMaps, other workloads', empty: '(none)' },
  { name: 'nodes', title: 'Nodes', empty: '(no nodes)' },
  { name: 'notes', title: 'Evidence notes', empty: '(none)' },
] as const;

const FAILURE_LINE =
  /\b(panic|fatal|exception|error|traceback|segmentation fault|out of memory|oom|killed|cannot|could not|failed|refused|denied|timeout|timed out|exit(ed)? (code|status))\b/i;

export function focusOf(incident: Incident, evidence: Evidence): string | undefined {
  return focusContainer({ incident, evidence, config: defaultRepoConfig() });
}

export function evidenceItems(incident: Incident, evidence: Evidence): BudgetItem[] {
  const focus = focusOf(incident, evidence);
  const failingPods = new Set(evidence.pods.filter((p) => isFailing(p, focus)).map(podName));
  return [
    ...podItems(evidence, focus, failingPods),
    ...eventItems(evidence, failingPods),
    ...logItems(evidence, focus),
    ...templateItems(evidence, focus),
    ...historyItems(evidence),
    ...clusterItems(evidence),
    ...nodeItems(evidence, failingPods),
    ...evidence.notes.map((n) => item('notes', PRIORITY.history, `note: ${n}`)),
  ];
}

function item(section: string, priority: number, text: string, group?: string): BudgetItem {
  return { section, priority, text: promptLine(text), ...(group === undefined ? {} : { group }) };
}

/** A fraction in [0, 0.9) that orders `rank` among `count` lines inside one priority tier. */
const frac = (rank: number, count: number) => (count <= 1 ? 0 : (rank / count) * 0.9);

const podName = (pod: Pod) => pod.metadata?.name ?? '';

function isFailing(pod: Pod, focus: string | undefined): boolean {
  if (pod.status?.phase === 'Pending' || pod.status?.phase === 'Failed') return true;
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  return statuses.some(
    (s) =>
      (!focus || s.name === focus) &&
      (Boolean(s.state?.waiting) ||
        Boolean(s.lastState?.terminated) ||
        (s.restartCount ?? 0) > 0 ||
        !s.ready),
  );
}

// ------------------------------------------------------------------ pods

function podItems(evidence: Evidence, focus: string | undefined, failing: Set<string>): BudgetItem[] {
  const out: BudgetItem[] = [];
  evidence.pods.forEach((pod, i) => {
    const name = podName(pod);
    const isFocus = failing.has(name);
    const base = isFocus ? PRIORITY.focusState : PRIORITY.otherPods;
    const priority = base + frac(i, evidence.pods.length);
    const group = `pod ${name}: phase ${pod.status?.phase ?? '?'}${pod.spec?.nodeName ? `, node ${pod.spec.nodeName}` : ''}`;
    for (const condition of pod.status?.conditions ?? []) {
      if (condition.status === 'True' || !condition.reason) continue;
      out.push(
        item(
          'pods',
          priority,
          `  condition ${condition.type}=${condition.status} ${condition.reason}: ${condition.message ?? ''}`,
          group,
        ),
      );
    }
    const statuses: [ContainerStatus, boolean][] = [
      ...(pod.status?.initContainerStatuses ?? []).map((s): [ContainerStatus, boolean] => [s, true]),
      ...(pod.status?.containerStatuses ?? []).map((s): [ContainerStatus, boolean] => [s, false]),
    ];
    for (const [status, init] of statuses) {
      const mine = !focus || status.name === focus;
      out.push(item('pods', mine ? priority : priority + 0.05, `  ${containerState(status, init)}`, group));
    }
    if (statuses.length === 0) out.push(item('pods', priority, '  (no container statuses)', group));
  });
  return out;
}

function containerState(status: ContainerStatus, init: boolean): string {
  const parts = [
    `${init ? 'init container' : 'container'} ${status.name}`,
    `ready=${status.ready}`,
    `restarts=${status.restartCount ?? 0}`,
    `state=${stateText(status.state)}`,
  ];
  if (status.lastState && Object.keys(status.lastState).length)
    parts.push(`last=${stateText(status.lastState)}`);
  if (status.image) parts.push(`image=${status.image}`);
  return parts.join(' ');
}

function stateText(state: ContainerStatus['state']): string {
  if (!state) return '?';
  if (state.waiting)
    return `waiting ${state.waiting.reason ?? ''}${state.waiting.message ? ` (${state.waiting.message})` : ''}`;
  if (state.terminated) {
    const t = state.terminated;
    return `terminated ${t.reason ?? ''} exit ${t.exitCode}${t.signal ? ` signal ${t.signal}` : ''}${t.finishedAt ? ` at ${String(t.finishedAt)}` : ''}${t.message ? ` (${t.message})` : ''}`;
  }
  if (state.running)
    return `running${state.running.startedAt ? ` since ${String(state.running.startedAt)}` : ''}`;
  return '?';
}

// ------------------------------------------------------------------ events

function eventItems(evidence: Evidence, failing: Set<string>): BudgetItem[] {
  const events = evidence.events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => eventTime(a.e) - eventTime(b.e) || a.i - b.i);
  const n = events.length;
  return events.map(({ e }, i) => {
    const involved = e.involvedObject?.name ?? '';
    const aboutFocus =
      failing.has(involved) || involved === evidence.workload?.name || e.involvedObject?.kind !== 'Pod';
    const warning = e.type === 'Warning';
    // Newest first within a tier: the last event has rank 0.
    const rank = frac(n - 1 - i, n);
    const priority = warning && aboutFocus ? PRIORITY.focusWarnings + rank : PRIORITY.otherEvents + rank;
    return item('events', priority, eventLine(e));
  });
}

function eventLine(e: KubeEvent): string {
  const count = e.count && e.count > 1 ? ` (x${e.count})` : '';
  const when = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
  return `${e.type ?? ''} ${e.reason ?? ''} ${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}: ${e.message ?? ''}${count}${when ? ` [${String(when)}]` : ''}`;
}

// ------------------------------------------------------------------ logs

function logItems(evidence: Evidence, focus: string | undefined): BudgetItem[] {
  const out: BudgetItem[] = [];
  // Previous (crashed) runs of the focus container first, then its current run, then the rest.
  const excerpts = evidence.logs
    .map((log, i) => ({ log, i }))
    .sort((a, b) => rankLog(a.log, focus) - rankLog(b.log, focus) || a.i - b.i);
  excerpts.forEach(({ log }, excerptRank) => {
    const group = `--- logs of ${log.pod}/${log.container}${log.previous ? ' (previous run, crashed)' : ' (current run)'}`;
    const mine = !focus || log.container === focus;
    if (log.requestError) {
      out.push(
        item(
          'logs',
          (mine ? PRIORITY.focusFailureLogs : PRIORITY.otherLogs) + frac(excerptRank, excerpts.length),
          log.requestError,
          group,
        ),
      );
    }
    const n = log.lines.length;
    log.lines.forEach((line, i) => {
      // The tail holds the crash: rank lines by distance from the end.
      const fromEnd = frac(n - 1 - i, n) * 0.5 + frac(excerptRank, excerpts.length) * 0.1;
      let priority: number = PRIORITY.otherLogs + fromEnd;
      if (mine && FAILURE_LINE.test(line)) priority = PRIORITY.focusFailureLogs + fromEnd;
      else if (mine) priority = PRIORITY.focusLogs + fromEnd;
      out.push(item('logs', priority, line, group));
    });
  });
  return out;
}

function rankLog(log: Evidence['logs'][number], focus: string | undefined): number {
  const mine = !focus || log.container === focus;
  return (mine ? 0 : 2) + (log.previous ? 0 : 1);
}

// ------------------------------------------------------------------ template, history, cluster

function templateItems(evidence: Evidence, focus: string | undefined): BudgetItem[] {
  const workload = evidence.workload;
  if (!workload) return [];
  const spec = workload.object.spec as { replicas?: number } | undefined;
  const out = [
    item(
      'template',
      PRIORITY.template,
      `${workload.kind} ${evidence.namespace ?? ''}/${workload.name}${spec?.replicas === undefined ? '' : ` replicas=${spec.replicas}`}`,
    ),
  ];
  for (const c of templateContainers(evidence)) {
    const priority = PRIORITY.template + (c.name === focus ? 0 : 0.1);
    out.push(...containerLines(c).map((line) => item('template', priority, line)));
  }
  return out;
}

function containerLines(c: Container): string[] {
  const lines = [`container ${c.name}: image ${c.image ?? '?'}`];
  if (c.resources) lines.push(`  resources ${JSON.stringify(c.resources)}`);
  if (c.ports?.length)
    lines.push(`  ports ${c.ports.map((p) => `${p.containerPort}${p.name ? `/${p.name}` : ''}`).join(', ')}`);
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    if (c[probe]) lines.push(`  ${probe} ${JSON.stringify(c[probe])}`);
  }
  // Names only: values stay out of prompts (they are in the manifests, redacted, when needed).
  const env = (c.env ?? []).map((e) =>
    e.valueFrom ? `${e.name}(from ${Object.keys(e.valueFrom).join(',')})` : e.name,
  );
  if (env.length) lines.push(`  env names ${env.join(', ')}`);
  if (c.envFrom?.length) lines.push(`  envFrom ${JSON.stringify(c.envFrom)}`);
  if (c.volumeMounts?.length)
    lines.push(`  volumeMounts ${c.volumeMounts.map((m) => `${m.name}:${m.mountPath}`).join(', ')}`);
  return lines;
}

function historyItems(evidence: Evidence): BudgetItem[] {
  const out: BudgetItem[] = [];
  evidence.revisions.forEach((r, i) => {
    out.push(
      item(
        'history',
        PRIORITY.history + frac(i, evidence.revisions.length) * 0.5,
        `revision ${r.revision}${r.current ? ' (current)' : ''} ${r.name}: images ${Object.entries(r.images)
          .map(([c, img]) => `${c}=${img}`)
          .join(
            ', ',
          )}; ready ${r.readyReplicas}/${r.replicas}${r.createdAt ? `; created ${r.createdAt}` : ''}`,
      ),
    );
  });
  const hpa = evidence.hpa;
  if (hpa) {
    const s = hpa.spec;
    const st = hpa.status;
    out.push(
      item(
        'history',
        PRIORITY.history,
        `HPA ${hpa.metadata?.name ?? ''}: min ${s?.minReplicas ?? 1} max ${s?.maxReplicas ?? '?'} current ${st?.currentReplicas ?? '?'} desired ${st?.desiredReplicas ?? '?'}; metrics ${jsonLine(s?.metrics ?? [])}`,
      ),
    );
    for (const c of st?.conditions ?? [])
      out.push(
        item(
          'history',
          PRIORITY.history,
          `  HPA condition ${c.type}=${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`,
        ),
      );
  }
  for (const pvc of evidence.pvcs) {
    out.push(
      item(
        'history',
        PRIORITY.history,
        `PVC ${pvc.metadata?.name ?? ''}: phase ${pvc.status?.phase ?? '?'}, storageClassName ${pvc.spec?.storageClassName ?? '(default)'}, request ${pvc.spec?.resources?.requests?.storage ?? '?'}`,
      ),
    );
  }
  return out;
}

function clusterItems(evidence: Evidence): BudgetItem[] {
  const out: BudgetItem[] = [];
  for (const s of evidence.services) {
    const ports = (s.spec?.ports ?? []).map((p) => `${p.port}->${String(p.targetPort ?? p.port)}`).join(', ');
    out.push(
      item(
        'cluster',
        PRIORITY.cluster,
        `Service ${s.metadata?.name ?? ''}: selector ${JSON.stringify(s.spec?.selector ?? {})} ports ${ports}`,
      ),
    );
  }
  for (const cm of evidence.configMaps)
    out.push(
      item('cluster', PRIORITY.cluster, `ConfigMap ${cm.name}: keys ${cm.keys.join(', ') || '(none)'}`),
    );
  if (evidence.storageClasses.length)
    out.push(item('cluster', PRIORITY.cluster, `storage classes: ${evidence.storageClasses.join(', ')}`));
  for (const s of evidence.siblings)
    out.push(
      item(
        'cluster',
        PRIORITY.cluster + 0.2,
        `${s.kind} ${s.name}: ${Object.entries(s.images)
          .map(([c, img]) => `${c}=${img}`)
          .join(', ')}`,
      ),
    );
  for (const f of evidence.externalFindings)
    out.push(
      item('cluster', PRIORITY.cluster + 0.3, `${f.source} ${f.kind}/${f.name}: ${f.errors.join('; ')}`),
    );
  return out;
}

function nodeItems(evidence: Evidence, failing: Set<string>): BudgetItem[] {
  const hosting = new Set(
    evidence.pods.filter((p) => failing.has(podName(p))).map((p) => p.spec?.nodeName ?? ''),
  );
  return evidence.nodes.map((node) => {
    const name = node.metadata?.name ?? '';
    const conditions = (node.status?.conditions ?? [])
      .filter((c) => (c.type === 'Ready' ? true : c.status !== 'False'))
      .map(
        (c) =>
          `${c.type}=${c.status}${c.reason && c.type !== 'Ready' ? `(${c.reason})` : c.status !== 'True' ? `(${c.reason ?? ''}: ${c.message ?? ''})` : ''}`,
      );
    const alloc = node.status?.allocatable;
    const taints = (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
    return item(
      'nodes',
      hosting.has(name) ? PRIORITY.history : PRIORITY.nodes,
      `node ${name}: ${conditions.join(', ')}${alloc ? `; allocatable cpu ${alloc.cpu ?? '?'} memory ${alloc.memory ?? '?'}` : ''}${taints.length ? `; taints ${taints.join(', ')}` : ''}${node.spec?.unschedulable ? '; cordoned' : ''}`,
    );
  });
}
