// CrashLoopBackOff: when the crashes began with a new image and the previous one ran stable,
// roll back; otherwise report what the logs say and change nothing.
import { type Analyzer, noneFinding, patchFinding } from './context.js';
import {
  containerStatuses,
  eventRef,
  eventsMatching,
  failureLines,
  focusContainer,
  podNames,
  terminations,
} from './evidence-queries.js';
import { findRollback, startedWithRelease } from './rollback.js';

export const crashLoop: Analyzer = {
  category: 'crash-loop',
  analyze(context) {
    const { evidence, incident } = context;
    const container = focusContainer(context);
    if (!container) return undefined;
    const looping = containerStatuses(evidence, container).filter(
      (s) => s.status.state?.waiting?.reason === 'CrashLoopBackOff' || (s.status.restartCount ?? 0) >= 3,
    );
    const backOff = eventsMatching(evidence, ['BackOff'], /restarting failed container/);
    const alertSays = /CrashLoop/i.test(incident.alertname) || incident.labels.reason === 'CrashLoopBackOff';
    if (looping.length === 0 && backOff.length === 0 && !alertSays) return undefined;

    const exits = terminations(evidence, container).filter((t) => t.reason !== 'OOMKilled');
    const exitText = exits[0]
      ? `exit code ${exits[0].exitCode} (${exits[0].reason ?? 'terminated'})`
      : 'repeated restarts';
    const logs = failureLines(evidence, container);
    const pods = podNames(looping);
    const refs = [
      ...looping
        .slice(0, 3)
        .map(
          (s) =>
            `pod ${s.pod.metadata?.name} container ${container}: ${s.status.state?.waiting?.reason ?? 'restarting'}, ${s.status.restartCount ?? 0} restarts`,
        ),
      ...backOff.slice(0, 1).map(eventRef),
      ...logs.slice(0, 3).map((l) => `log: ${l}`),
    ];

    const rollback = startedWithRelease(context, 24 * 7) ? findRollback(context, container) : undefined;
    if (rollback) {
      return patchFinding(
        'crash-loop',
        {
          summary: `${container} crash-loops (${exitText}) since ${rollback.currentLabel} rolled out ${rollback.from}; ${rollback.stability}. Rolling back to ${rollback.to}.`,
          rootCause: `The release ${rollback.from} fails at start-up${logs[0] ? `: ${logs[0]}` : ''}.`,
          confidence: 0.85,
          evidenceRefs: [
            ...refs,
            `${rollback.currentLabel}: ${rollback.from}`,
            `${rollback.previousLabel}: ${rollback.to}`,
          ],
          hypotheses: [
            `A defect in ${rollback.from}; fix it and release a new version rather than re-applying this one.`,
          ],
        },
        [rollback.operation],
        `Roll ${container} back from ${rollback.from} to ${rollback.to}, the previous revision's image.`,
      );
    }
    return noneFinding(
      'crash-loop',
      {
        summary: `${container} crash-loops (${exitText})${pods.length ? ` in ${pods.join(', ')}` : ''}, with no recent image change and no manifest cause AEGIS can identify.`,
        rootCause: logs[0]
          ? `The application exits: ${logs[0]}`
          : 'The application exits shortly after start; the logs give no clear cause.',
        confidence: 0.5,
        evidenceRefs: refs,
        hypotheses: [
          ...logs.map((l) => `The log line "${l}" points at the cause.`),
          'A dependency (database, queue, external API) is unavailable at start-up.',
          'A configuration value changed outside this repository (Secret, external config service).',
        ].slice(0, 5),
      },
      'No recent release to roll back and no manifest field that explains the crash; a human must look at the application.',
    );
  },
};
