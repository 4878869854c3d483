// OOMKilled: raise the memory limit by a bounded factor, unless the kills began with a new image
// while the previous one ran stable: then the release is the cause and the image rolls back.
import { formatMemory, parseQuantity, tidyMemory } from '../core/quantity.js';
import type { Operation } from '../core/types.js';
import { type Analyzer, noneFinding, patchFinding } from './context.js';
import {
  containerStatuses,
  eventRef,
  eventsMatching,
  focusContainer,
  podNames,
  templateContainers,
  terminations,
} from './evidence-queries.js';
import { findRollback, startedWithRelease } from './rollback.js';

/** Every raise adds at least this much, so that a 64Mi limit does not become a useless 96Mi. */
const MIN_STEP_BYTES = 128 * 2 ** 20;

export const oomKilled: Analyzer = {
  category: 'oom-killed',
  analyze(context) {
    const { evidence, config, incident } = context;
    const container = focusContainer(context);
    if (!container) return undefined;
    const kills = terminations(evidence, container).filter((t) => t.reason === 'OOMKilled');
    const oomEvents = eventsMatching(evidence, ['OOMKilling', 'OOMKilled'], undefined);
    const alertSaysOom = /oom/i.test(incident.alertname) || /OOMKilled/.test(incident.labels.reason ?? '');
    if (kills.length === 0 && oomEvents.length === 0 && !alertSaysOom) return undefined;

    const refs = [
      ...kills
        .slice(0, 3)
        .map(
          (k) =>
            `pod ${k.pod} container ${k.container}: terminated OOMKilled (exit ${k.exitCode}) at ${k.finishedAt ?? '?'}`,
        ),
      ...oomEvents.slice(0, 2).map(eventRef),
    ];
    const pods = podNames(kills.map((k) => ({ pod: { metadata: { name: k.pod } } })));
    const restarts = containerStatuses(evidence, container)
      .filter((s) => pods.includes(s.pod.metadata?.name ?? ''))
      .reduce((sum, s) => sum + (s.status.restartCount ?? 0), 0);
    const spec = templateContainers(evidence).find((c) => c.name === container);
    const limitText = spec?.resources?.limits?.memory;
    const limit = parseQuantity(limitText);

    if (startedWithRelease(context)) {
      const rollback = findRollback(context, container);
      if (rollback) {
        return patchFinding(
          'oom-killed',
          {
            summary: `${container} is OOMKilled since ${rollback.currentLabel} rolled out ${rollback.from}; ${rollback.stability}, so the new release (not the limit) is the likely cause. Rolling back to ${rollback.to}.`,
            rootCause: `Memory use grew with the release of ${rollback.from}; the ${limitText ?? 'configured'} limit that held for ${rollback.to} is exceeded.`,
            confidence: 0.75,
            evidenceRefs: [
              ...refs,
              `${rollback.currentLabel}: ${rollback.from}`,
              `${rollback.previousLabel}: ${rollback.to}`,
            ],
            hypotheses: [
              `A memory leak or regression in ${rollback.from}; compare heap profiles of both versions before re-releasing.`,
            ],
          },
          [rollback.operation],
          `Roll ${container} back to ${rollback.to}, the last image that ran within its memory limit.`,
        );
      }
    }

    if (limit === undefined) {
      return noneFinding(
        'oom-killed',
        {
          summary: `${container} was OOMKilled but has no memory limit: the node, not the container limit, ran out of memory.`,
          rootCause: 'Node-level memory pressure killed the process; no per-container limit to raise.',
          confidence: 0.6,
          evidenceRefs: refs,
          hypotheses: [
            'Set requests that match real usage so the scheduler does not overcommit the node.',
            'Look for other memory-hungry pods on the same node (kubectl top pods --sort-by=memory).',
          ],
        },
        'No memory limit to raise; the fix needs a human decision on requests and limits.',
      );
    }

    const ceiling = parseQuantity(config.memory.ceiling) ?? Number.POSITIVE_INFINITY;
    const factor = Math.min(config.memory.oomFactor, config.memory.maxFactor);
    const raised = tidyMemory(Math.max(limit * factor, limit + MIN_STEP_BYTES));
    const newLimit = Math.min(raised, ceiling, limit * config.memory.maxFactor);
    const biggestNode = Math.max(
      0,
      ...evidence.nodes.map((n) => parseQuantity(n.status?.allocatable?.memory) ?? 0),
    );
    if (newLimit <= limit || (biggestNode > 0 && newLimit > biggestNode)) {
      return noneFinding(
        'oom-killed',
        {
          summary: `${container} is OOMKilled at its ${limitText} limit, and a bounded raise is not possible (ceiling ${config.memory.ceiling}${biggestNode ? `, largest node ${formatMemory(biggestNode)}` : ''}).`,
          rootCause: `The working set of ${container} exceeds ${limitText}.`,
          confidence: 0.7,
          evidenceRefs: refs,
          hypotheses: [
            'Reduce memory use (batch size, concurrency, caches) or move the workload to larger nodes.',
          ],
        },
        'The memory limit is already at the configured ceiling; a human must decide.',
      );
    }

    const newLimitText = formatMemory(newLimit);
    const request = parseQuantity(spec?.resources?.requests?.memory);
    const operation: Operation = { type: 'set-resources', container, limits: { memory: newLimitText } };
    // Guaranteed QoS (request == limit) is a deliberate choice: keep it by raising both.
    const keepsGuaranteed = request !== undefined && request === limit;
    if (keepsGuaranteed) operation.requests = { memory: newLimitText };
    const ratio = Math.round((newLimit / limit) * 100) / 100;
    return patchFinding(
      'oom-killed',
      {
        summary: `${container} keeps being OOMKilled at its ${limitText} memory limit${pods.length ? ` (${pods.length} pod(s), ${restarts} restart(s))` : ''}; the image has not changed recently, so the working set has outgrown the limit. Raising it ${ratio}x to ${newLimitText}.`,
        rootCause: `The container's memory use exceeds the ${limitText} limit (exit code 137, reason OOMKilled).`,
        confidence: kills.length > 0 ? 0.85 : 0.65,
        evidenceRefs: refs,
        hypotheses: [
          'If usage keeps growing after the raise, suspect a leak rather than load; compare memory over time.',
          ...(keepsGuaranteed ? ['The request is raised with the limit to keep Guaranteed QoS.'] : []),
        ],
      },
      [operation],
      `Raise the memory limit of ${container} from ${limitText} to ${newLimitText} (x${ratio}, bounded by x${config.memory.maxFactor} and ${config.memory.ceiling}).`,
    );
  },
};
