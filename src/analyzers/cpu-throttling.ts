// CPUThrottlingHigh: the CPU limit starves the container. Raise the limit by a bounded factor.
import { formatCpu, parseQuantity, tidyCpu } from '../core/quantity.js';
import { type Analyzer, noneFinding, patchFinding } from './context.js';
import { focusContainer, templateContainers } from './evidence-queries.js';

const PERCENT = /([\d.]+)% throttling/;

export const cpuThrottling: Analyzer = {
  category: 'cpu-throttling',
  analyze(context) {
    const { incident, evidence, config } = context;
    if (!/CPUThrottling/i.test(incident.alertname)) return undefined;
    const name = focusContainer(context);
    const container = templateContainers(evidence).find((c) => c.name === name);
    if (!container || !name) return undefined;
    const throttled = PERCENT.exec(incident.annotations.description ?? '')?.[1];
    const limitText = container.resources?.limits?.cpu;
    const limit = parseQuantity(limitText);
    const refs = [
      `alert ${incident.alertname}: ${incident.annotations.description ?? incident.annotations.summary ?? ''}`.trim(),
      `container ${name} resources: requests.cpu=${container.resources?.requests?.cpu ?? 'unset'}, limits.cpu=${limitText ?? 'unset'}`,
    ];
    if (limit === undefined) {
      return noneFinding(
        'cpu-throttling',
        {
          summary: `${name} is throttled but has no CPU limit in its pod template; the throttling comes from elsewhere (LimitRange or node contention).`,
          rootCause: 'No container CPU limit to raise.',
          confidence: 0.5,
          evidenceRefs: refs,
          hypotheses: [
            'A namespace LimitRange injects a default CPU limit.',
            'Node CPU contention; check node utilisation.',
          ],
        },
        'No CPU limit in the manifest to change.',
      );
    }
    const ceiling = parseQuantity(config.cpu.ceiling) ?? 4;
    const target = Math.min(
      tidyCpu(limit * config.cpu.throttleFactor),
      limit * config.cpu.maxFactor,
      ceiling,
    );
    if (target <= limit) {
      return noneFinding(
        'cpu-throttling',
        {
          summary: `${name} is throttled at its ${limitText} CPU limit, which is already at the configured ceiling ${config.cpu.ceiling}.`,
          rootCause: 'CPU limit too low for the load.',
          confidence: 0.6,
          evidenceRefs: refs,
          hypotheses: ['Scale out (more replicas) or remove the CPU limit by policy.'],
        },
        'Ceiling reached; a human must decide.',
      );
    }
    const newLimit = formatCpu(target);
    return patchFinding(
      'cpu-throttling',
      {
        summary: `${name} is throttled in ${throttled ? `${throttled}% of` : 'most'} CFS periods by its ${limitText} CPU limit; latency suffers while nothing crashes. Raising the limit to ${newLimit}.`,
        rootCause: `The ${limitText} CPU limit is below what the container needs under current traffic.`,
        confidence: throttled ? 0.85 : 0.7,
        evidenceRefs: refs,
        hypotheses: [
          'Many teams drop CPU limits for latency-sensitive services and keep only requests; consider that policy.',
        ],
      },
      [{ type: 'set-resources', container: name, limits: { cpu: newLimit } }],
      `Raise the CPU limit of ${name} from ${limitText} to ${newLimit} (x${config.cpu.throttleFactor}, bounded by ${config.cpu.ceiling}).`,
    );
  },
};
