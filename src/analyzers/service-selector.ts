// A Service whose selector misses the workload's pods by exactly one label value: align the
// Service (pod labels feed the workload's immutable selector, so the Service is the side to change).
import type { Service } from '../core/k8s.js';
import { type Analyzer, patchFinding } from './context.js';

function templateLabels(object: Record<string, unknown> | undefined): Record<string, string> {
  const template = (
    object?.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined
  )?.template;
  return template?.metadata?.labels ?? {};
}

function mismatch(service: Service, labels: Record<string, string>) {
  const selector = service.spec?.selector ?? {};
  const keys = Object.keys(selector);
  if (keys.length === 0) return undefined;
  const wrong = keys.filter((k) => labels[k] !== selector[k]);
  if (wrong.length !== 1) return undefined;
  const key = wrong[0] as string;
  return labels[key] === undefined
    ? undefined
    : { key, from: selector[key] as string, to: labels[key] as string };
}

export const serviceSelector: Analyzer = {
  category: 'service-selector',
  analyze({ incident, evidence }) {
    const workload = evidence.workload;
    if (!workload) return undefined;
    const labels = templateLabels(workload.object);
    const named = incident.labels.service;
    const related = evidence.services.filter(
      (s) =>
        s.metadata?.name === named ||
        s.metadata?.name === workload.name ||
        s.metadata?.name?.startsWith(`${workload.name}-`),
    );
    for (const service of related) {
      const diff = mismatch(service, labels);
      if (!diff) continue;
      const name = service.metadata?.name ?? '';
      return patchFinding(
        'service-selector',
        {
          summary: `Service ${name} selects ${diff.key}=${diff.from}, but the pods of ${workload.kind} ${workload.name} carry ${diff.key}=${diff.to}; the Service has no endpoints. Aligning the selector.`,
          rootCause: `Service selector ${diff.key}=${diff.from} matches no pod.`,
          confidence: 0.8,
          evidenceRefs: [
            `Service ${name} selector: ${JSON.stringify(service.spec?.selector)}`,
            `${workload.kind} ${workload.name} pod labels: ${JSON.stringify(labels)}`,
          ],
        },
        [
          {
            type: 'fix-reference',
            ref: 'service-selector',
            service: name,
            key: diff.key,
            from: diff.from,
            to: diff.to,
          },
        ],
        `Set the selector ${diff.key} of Service ${name} to "${diff.to}".`,
      );
    }
    return undefined;
  },
};
