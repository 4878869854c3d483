// Probe failures that restart or block pods: a probe aimed at a port the container does not
// serve, a path that 404s while the sibling probe's path works, or a start-up slower than the
// liveness window. Timeouts under load are not a probe defect and are left to other analyzers.
import type { Container } from '../core/k8s.js';
import type { Operation } from '../core/types.js';
import { type Analyzer, type AnalyzerContext, noneFinding, patchFinding } from './context.js';
import {
  eventRef,
  eventsMatching,
  focusContainer,
  logLines,
  templateContainers,
} from './evidence-queries.js';

type ProbeKey = 'livenessProbe' | 'readinessProbe' | 'startupProbe';
const PROBE_OF: Record<string, ProbeKey> = {
  Liveness: 'livenessProbe',
  Readiness: 'readinessProbe',
  Startup: 'startupProbe',
};
const FAILED = /^(Liveness|Readiness|Startup) probe failed: (.*)$/s;
const TARGET = /(?:https?:\/\/[^:/\s"]+:(\d+)(\/[^"\s]*)?)|(?:dial tcp [^:\s]+:(\d+))/;
const STARTED_IN = /(?:started|ready|listening|up)\b.*?\bin\s+([\d.]+)\s*(ms|s|sec|seconds)\b/i;
const LISTENING = /(?:listening|started|ready|serving)\b[^\n]*?(?::|port\s+)(\d{2,5})\b/i;

interface ProbeFailure {
  probe: ProbeKey;
  port?: number;
  path?: string;
  refused: boolean;
  status404: boolean;
  timeout: boolean;
  message: string;
}

function parseFailures(context: AnalyzerContext): ProbeFailure[] {
  return eventsMatching(context.evidence, ['Unhealthy'], FAILED).map((event) => {
    const [, kind = '', detail = ''] = FAILED.exec(event.message ?? '') ?? [];
    const target = TARGET.exec(detail);
    const port = target?.[1] ?? target?.[3];
    return {
      probe: PROBE_OF[kind] ?? 'livenessProbe',
      ...(port ? { port: Number(port) } : {}),
      ...(target?.[2] ? { path: target[2] } : {}),
      refused: /connection refused|connect: connection reset/i.test(detail),
      status404: /statuscode: 404/i.test(detail),
      timeout: /deadline exceeded|timeout/i.test(detail),
      message: event.message ?? '',
    };
  });
}

function declaredPort(container: Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** The port the app really serves: declared ports, confirmed by the logs or the working probe. */
function servingPort(
  container: Container,
  workingPort: number | undefined,
  logs: string[],
): number | undefined {
  const declared = (container.ports ?? []).map((p) => p.containerPort);
  const logged = logs.map((l) => Number(LISTENING.exec(l)?.[1])).find((p) => p && declared.includes(p));
  if (logged) return logged;
  if (workingPort && declared.includes(workingPort)) return workingPort;
  return declared.length === 1 ? declared[0] : undefined;
}

export const probeFailure: Analyzer = {
  category: 'probe-failure',
  analyze(context) {
    const { evidence, config } = context;
    const failures = parseFailures(context).filter((f) => !f.timeout);
    if (failures.length === 0) return undefined;
    const name = focusContainer(context);
    const container = templateContainers(evidence).find((c) => c.name === name);
    if (!container || !name) return undefined;
    const order: ProbeKey[] = ['livenessProbe', 'startupProbe', 'readinessProbe'];
    const failure = order.map((p) => failures.find((f) => f.probe === p)).find(Boolean);
    if (!failure) return undefined;
    const probe = container[failure.probe];
    const handler = probe?.httpGet ?? probe?.tcpSocket;
    if (!probe || !handler) return undefined;

    const kills = eventsMatching(evidence, ['Killing'], /failed (liveness|startup) probe/);
    const refs = [
      ...eventsMatching(evidence, ['Unhealthy'], FAILED).slice(0, 2).map(eventRef),
      ...kills.slice(0, 1).map(eventRef),
    ];
    const probePort = declaredPort(container, handler.port as number | string);
    const failingPort = failure.port ?? probePort;
    const declared = (container.ports ?? []).map((p) => p.containerPort);
    const others = order.filter((p) => p !== failure.probe && container[p]);
    const working = others.find((p) => !failures.some((f) => f.probe === p));
    const workingHandler = working
      ? (container[working]?.httpGet ?? container[working]?.tcpSocket)
      : undefined;
    const workingPort = workingHandler
      ? declaredPort(container, workingHandler.port as number | string)
      : undefined;
    const logs = logLines(evidence, name);
    const label = failure.probe.replace('Probe', ' probe');

    // 1. Wrong port: refused on a port the container does not declare.
    if (
      failure.refused &&
      failingPort !== undefined &&
      declared.length > 0 &&
      !declared.includes(failingPort)
    ) {
      const port = servingPort(container, workingPort, logs);
      if (!port) {
        return noneFinding(
          'probe-failure',
          {
            summary: `The ${label} of ${name} targets port ${failingPort}, which the container does not declare, and the right port is ambiguous.`,
            rootCause: failure.message,
            confidence: 0.6,
            evidenceRefs: refs,
            hypotheses: [`Point the ${label} at one of the declared ports: ${declared.join(', ')}.`],
          },
          'More than one candidate port; a human must choose.',
        );
      }
      const named =
        typeof handler.port === 'string'
          ? container.ports?.find((p) => p.containerPort === port)?.name
          : undefined;
      const value = named ?? port;
      return patchFinding(
        'probe-failure',
        {
          summary: `The ${label} of ${name} checks port ${failingPort}, but the container serves on ${port}${working ? ` (its ${working.replace('Probe', ' probe')} on that port succeeds)` : ''}; every failed check ${kills.length ? 'kills and restarts the container' : 'marks it unhealthy'}. Pointing the probe at ${value}.`,
          rootCause: `Misconfigured ${label} port ${failingPort} (connection refused); the app listens on ${port}.`,
          confidence: 0.9,
          evidenceRefs: [...refs, `container ${name} ports: ${declared.join(', ')}`],
        },
        [{ type: 'set-probe', container: name, probe: failure.probe, port: value }],
        `Set ${failure.probe}.${probe.httpGet ? 'httpGet' : 'tcpSocket'}.port of ${name} to ${value}.`,
      );
    }

    // 2. Wrong path: 404 while the sibling HTTP probe's path works.
    if (failure.status404 && probe.httpGet && working && container[working]?.httpGet?.path) {
      const path = container[working]?.httpGet?.path as string;
      if (path !== probe.httpGet.path) {
        return patchFinding(
          'probe-failure',
          {
            summary: `The ${label} of ${name} requests ${probe.httpGet.path}, which answers 404, while ${path} (used by the ${working.replace('Probe', ' probe')}) succeeds. Pointing the probe at ${path}.`,
            rootCause: `Misconfigured ${label} path ${probe.httpGet.path}.`,
            confidence: 0.8,
            evidenceRefs: refs,
          },
          [{ type: 'set-probe', container: name, probe: failure.probe, path }],
          `Set ${failure.probe}.httpGet.path of ${name} to ${path}.`,
        );
      }
    }

    // 3. Slow start: liveness kills the container before it finishes starting.
    if (failure.probe === 'livenessProbe' && failure.refused && kills.length > 0) {
      const startup = logs.map((l) => STARTED_IN.exec(l)).find(Boolean);
      const seconds = startup?.[1] ? Number(startup[1]) / (startup[2] === 'ms' ? 1000 : 1) : undefined;
      const window =
        (probe.initialDelaySeconds ?? 0) + (probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3);
      if (seconds && seconds > window) {
        const delay = Math.min(Math.ceil((seconds * 1.5) / 5) * 5, config.probes.maxInitialDelaySeconds);
        const operation: Operation = {
          type: 'set-probe',
          container: name,
          probe: 'livenessProbe',
          initialDelaySeconds: delay,
        };
        return patchFinding(
          'probe-failure',
          {
            summary: `${name} needs about ${Math.round(seconds)} s to start, but its liveness probe gives up after ${window} s and restarts it. Delaying the first liveness check to ${delay} s.`,
            rootCause: 'Liveness probe window shorter than the application start-up time.',
            confidence: 0.75,
            evidenceRefs: [...refs, `log: ${startup?.[0] ?? ''}`],
            hypotheses: ['A startupProbe would express the same intent more precisely; consider adding one.'],
          },
          [operation],
          `Raise livenessProbe.initialDelaySeconds of ${name} to ${delay}.`,
        );
      }
    }
    // Liveness kills on the right port without a known start-up time: still a probe problem
    // (the window is too short or the app hangs), not an application crash to roll back.
    if (failure.probe === 'livenessProbe' && failure.refused && kills.length > 0) {
      return noneFinding(
        'probe-failure',
        {
          summary: `The liveness probe of ${name} kills the container (connection refused on port ${failingPort ?? '?'}) before it serves; the logs do not show how long start-up takes.`,
          rootCause: failure.message,
          confidence: 0.6,
          evidenceRefs: refs,
          hypotheses: [
            `Start-up takes longer than the liveness window (${(probe.initialDelaySeconds ?? 0) + (probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3)} s): add a startupProbe or raise initialDelaySeconds.`,
            'The application hangs during start-up (a dependency it waits for).',
          ],
        },
        'The start-up time is unknown, so AEGIS cannot size the probe window safely.',
      );
    }
    return undefined;
  },
};
