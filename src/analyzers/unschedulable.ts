// Pods that cannot be scheduled: capacity, affinity or taints. The fix is a capacity or placement
// decision, so AEGIS reports what the scheduler said and changes nothing.
import { type Analyzer, noneFinding } from './context.js';
import { eventRef, eventsMatching } from './evidence-queries.js';

export const unschedulable: Analyzer = {
  category: 'unschedulable',
  analyze({ evidence }) {
    const pending = evidence.pods.filter(
      (p) =>
        p.status?.phase === 'Pending' &&
        p.status.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable'),
    );
    const events = eventsMatching(
      evidence,
      ['FailedScheduling'],
      /nodes are available|Insufficient|didn't match|untolerated taint/i,
    );
    if (pending.length === 0 && events.length === 0) return undefined;
    const message =
      events.at(-1)?.message ??
      pending[0]?.status?.conditions?.find((c) => c.reason === 'Unschedulable')?.message ??
      '';
    const hypotheses: string[] = [];
    if (/Insufficient (cpu|memory)/i.test(message))
      hypotheses.push(
        'The cluster lacks free capacity: add nodes or let the cluster autoscaler scale up; or lower requests if they exceed real use.',
      );
    if (/affinity|selector/i.test(message))
      hypotheses.push('Node affinity or nodeSelector matches no available node.');
    if (/taint/i.test(message)) hypotheses.push('Nodes carry taints the pods do not tolerate.');
    if (hypotheses.length === 0)
      hypotheses.push('Check the scheduler message for the constraint that fails.');
    return noneFinding(
      'unschedulable',
      {
        summary: `${pending.length || 'Some'} pod(s) cannot be scheduled: ${message.slice(0, 200)}`,
        rootCause: message || 'The scheduler finds no node for the pods.',
        confidence: 0.7,
        evidenceRefs: events.slice(-2).map(eventRef),
        hypotheses,
      },
      'Scheduling failures are capacity or placement decisions; AEGIS does not change them automatically.',
    );
  },
};
