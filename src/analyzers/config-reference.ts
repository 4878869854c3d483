// CreateContainerConfigError and failed ConfigMap mounts: fix a misspelled ConfigMap name or key
// when exactly one existing ConfigMap (with the referenced keys) is a close match; else report.
import type { Container, PodSpec } from '../core/k8s.js';
import { uniqueClosest } from '../core/similarity.js';
import type { Evidence } from '../core/types.js';
import { type Analyzer, noneFinding, patchFinding } from './context.js';
import { containerStatuses, eventRef, eventsMatching, templateSpec } from './evidence-queries.js';

const MISSING_OBJECT = /(configmap|secret)s? "([^"]+)" not found/i;
const MISSING_KEY = /couldn't find key (\S+) in (ConfigMap|Secret) ([^/\s]+)\/(\S+)/i;

interface Missing {
  kind: 'configmap' | 'secret';
  name: string;
  key?: string;
  message: string;
}

function findMissing(evidence: Evidence): Missing | undefined {
  const messages = [
    ...containerStatuses(evidence).map((s) => s.status.state?.waiting?.message ?? ''),
    ...eventsMatching(evidence, ['Failed', 'FailedMount', 'FailedCreatePodContainer']).map(
      (e) => e.message ?? '',
    ),
  ];
  for (const message of messages) {
    const key = MISSING_KEY.exec(message);
    if (key?.[1] && key[2] && key[4]) {
      return { kind: key[2].toLowerCase() as Missing['kind'], name: key[4], key: key[1], message };
    }
    const object = MISSING_OBJECT.exec(message);
    if (object?.[1] && object[2])
      return { kind: object[1].toLowerCase() as Missing['kind'], name: object[2], message };
  }
  return undefined;
}

/** Keys that the pod template reads from ConfigMap `name` (configMapKeyRef and volume items). */
function referencedKeys(spec: PodSpec | undefined, name: string): string[] {
  const containers: Container[] = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  const keys = containers.flatMap((c) =>
    (c.env ?? [])
      .map((e) => e.valueFrom?.configMapKeyRef)
      .filter((r) => r?.name === name)
      .map((r) => r?.key ?? ''),
  );
  for (const volume of spec?.volumes ?? []) {
    if (volume.configMap?.name === name) keys.push(...(volume.configMap.items ?? []).map((i) => i.key));
  }
  return [...new Set(keys.filter(Boolean))];
}

function containersReferencing(spec: PodSpec | undefined, name: string): string[] {
  return (spec?.containers ?? [])
    .filter(
      (c) =>
        (c.env ?? []).some((e) => e.valueFrom?.configMapKeyRef?.name === name) ||
        (c.envFrom ?? []).some((e) => e.configMapRef?.name === name),
    )
    .map((c) => c.name);
}

export const configReference: Analyzer = {
  category: 'config-reference',
  analyze({ evidence }) {
    const missing = findMissing(evidence);
    if (!missing) return undefined;
    const spec = templateSpec(evidence.workload?.object) ?? evidence.pods[0]?.spec;
    const refs = [
      `"${missing.message.slice(0, 200)}"`,
      ...eventsMatching(evidence, ['Failed', 'FailedMount']).slice(0, 1).map(eventRef),
    ];
    const report = (summary: string, hypotheses: string[], reason: string) =>
      noneFinding(
        'config-reference',
        { summary, rootCause: missing.message, confidence: 0.7, evidenceRefs: refs, hypotheses },
        reason,
      );

    if (missing.kind === 'secret') {
      return report(
        `The pod template references Secret "${missing.name}"${missing.key ? ` key ${missing.key}` : ''}, which does not exist.`,
        [
          `Create the Secret "${missing.name}" (sealed/external secret) or correct the reference.`,
          'AEGIS never reads Secrets, so it cannot tell which name was meant.',
        ],
        'AEGIS does not read or propose changes around Secrets.',
      );
    }

    const configMaps = evidence.configMaps;
    if (missing.key) {
      const holder = configMaps.find((c) => c.name === missing.name);
      const to = holder ? uniqueClosest(missing.key, holder.keys) : undefined;
      if (!holder || !to) {
        return report(
          `ConfigMap "${missing.name}" has no key "${missing.key}" and no single key is a close match.`,
          [
            `Add the key "${missing.key}" to ConfigMap "${missing.name}", or correct the key in the pod template.`,
          ],
          'No unambiguous key to point at.',
        );
      }
      return patchFinding(
        'config-reference',
        {
          summary: `The pod template reads key "${missing.key}" from ConfigMap "${missing.name}", which has "${to}" instead; pointing the reference at "${to}".`,
          rootCause: `Misspelled configMapKeyRef key "${missing.key}".`,
          confidence: 0.8,
          evidenceRefs: [...refs, `ConfigMap ${missing.name} keys: ${holder.keys.join(', ')}`],
        },
        [{ type: 'fix-reference', ref: 'configMapKey', name: missing.name, from: missing.key, to }],
        `Correct the configMapKeyRef key "${missing.key}" → "${to}".`,
      );
    }

    const needed = referencedKeys(spec, missing.name);
    const candidates = configMaps.filter((c) => needed.every((k) => c.keys.includes(k))).map((c) => c.name);
    const to = uniqueClosest(missing.name, candidates);
    if (!to) {
      return report(
        `The pod template references ConfigMap "${missing.name}", which does not exist, and no existing ConfigMap${needed.length ? ` with the keys ${needed.join(', ')}` : ''} is an unambiguous match.`,
        [
          `Create ConfigMap "${missing.name}" in the GitOps repository, or correct the reference.`,
          'The ConfigMap may come from another Argo CD application that has not synced yet.',
        ],
        'No single existing ConfigMap is a confident match.',
      );
    }
    const containers = containersReferencing(spec, missing.name);
    return patchFinding(
      'config-reference',
      {
        summary: `The pod template references ConfigMap "${missing.name}", which does not exist; "${to}" exists in the namespace${needed.length ? ` and holds the referenced key(s) ${needed.join(', ')}` : ''}. Correcting the reference.`,
        rootCause: `Misspelled ConfigMap name "${missing.name}" (did you mean "${to}"?).`,
        confidence: 0.85,
        evidenceRefs: [
          ...refs,
          `ConfigMap ${to} keys: ${configMaps.find((c) => c.name === to)?.keys.join(', ') ?? ''}`,
        ],
      },
      [
        {
          type: 'fix-reference',
          ref: 'configMap',
          from: missing.name,
          to,
          ...(containers.length === 1 ? { container: containers[0] } : {}),
        },
      ],
      `Point the reference "${missing.name}" at the existing ConfigMap "${to}".`,
    );
  },
};
