// KubeHpaMaxedOut: the autoscaler wants more replicas than maxReplicas allows. Raise the ceiling
// by a bounded step; the target utilisation stays, so cost grows only with real load.
import { type Analyzer, noneFinding, patchFinding } from './context.js';

interface MetricStatus {
  resource?: { name?: string; current?: { averageUtilization?: number } };
}
interface MetricSpec {
  resource?: { name?: string; target?: { averageUtilization?: number } };
}

export const hpaMaxed: Analyzer = {
  category: 'hpa-maxed',
  analyze({ incident, evidence, config }) {
    const hpa = evidence.hpa;
    const limited = hpa?.status?.conditions?.find((c) => c.type === 'ScalingLimited' && c.status === 'True');
    if (!/HpaMaxedOut/i.test(incident.alertname) && limited?.reason !== 'TooManyReplicas') return undefined;
    if (!hpa?.spec || !hpa.metadata?.name) return undefined;
    const name = hpa.metadata.name;
    const max = hpa.spec.maxReplicas;
    const current = hpa.status?.currentReplicas ?? max;
    const metric = (hpa.status?.currentMetrics as MetricStatus[] | undefined)?.find(
      (m) => m.resource?.current?.averageUtilization,
    );
    const target = (hpa.spec.metrics as MetricSpec[] | undefined)?.find(
      (m) => m.resource?.name === metric?.resource?.name,
    )?.resource?.target?.averageUtilization;
    const utilization = metric?.resource?.current?.averageUtilization;
    const wanted = utilization && target ? Math.ceil((current * utilization) / target) : undefined;
    const refs = [
      `HPA ${name}: ${current}/${max} replicas${utilization && target ? `, ${metric?.resource?.name} at ${utilization}% of requests (target ${target}%)` : ''}`,
      ...(limited ? [`HPA ${name}: ScalingLimited (${limited.reason}: ${limited.message ?? ''})`] : []),
    ];
    const bounded = Math.min(
      Math.ceil(max * config.replicas.hpaFactor),
      Math.floor(max * config.replicas.maxFactor),
      config.replicas.ceiling,
    );
    const next = Math.min(Math.max(wanted ?? bounded, max + 1), bounded);
    if (next <= max) {
      return noneFinding(
        'hpa-maxed',
        {
          summary: `HPA ${name} is pinned at ${max} replicas, already at the configured ceiling ${config.replicas.ceiling}.`,
          rootCause: 'Load above what the ceiling allows.',
          confidence: 0.6,
          evidenceRefs: refs,
          hypotheses: ['Raise the replica ceiling by policy, or make each replica cheaper.'],
        },
        'Replica ceiling reached; a human must decide.',
      );
    }
    return patchFinding(
      'hpa-maxed',
      {
        summary: `HPA ${name} has been pinned at maxReplicas ${max}${wanted ? ` while the metric asks for about ${wanted}` : ''}. Raising maxReplicas to ${next}; minReplicas and the target stay.`,
        rootCause: `Traffic needs more than ${max} replicas at the ${target ?? 'configured'}% target.`,
        confidence: utilization && target ? 0.85 : 0.7,
        evidenceRefs: refs,
        hypotheses: ['Check that nodes (or the cluster autoscaler) have room for the extra replicas.'],
      },
      [{ type: 'set-hpa', hpa: name, maxReplicas: next }],
      `Raise maxReplicas of HPA ${name} from ${max} to ${next} (bounded by x${config.replicas.maxFactor} and ${config.replicas.ceiling}).`,
    );
  },
};
