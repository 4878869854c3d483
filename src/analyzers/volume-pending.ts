// A PersistentVolumeClaim stuck Pending because its storage class does not exist: point it at the
// existing class that was evidently meant (one close, unambiguous match), else report.
import type { PersistentVolumeClaim } from '../core/k8s.js';
import { uniqueClosest } from '../core/similarity.js';
import { type Analyzer, noneFinding, patchFinding } from './context.js';
import { eventRef, eventsMatching } from './evidence-queries.js';

const MISSING_CLASS = /storageclass(?:\.storage\.k8s\.io)? "([^"]+)" not found/i;

/** The claim name in the manifests: a StatefulSet's volumeClaimTemplate, or the PVC itself. */
function claimSource(claim: string, workload: { kind: string; name: string } | undefined): string {
  if (workload?.kind !== 'StatefulSet') return claim;
  const match = new RegExp(`^(.+)-${workload.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d+$`).exec(claim);
  return match?.[1] ?? claim;
}

export const volumePending: Analyzer = {
  category: 'volume-pending',
  analyze({ evidence }) {
    const pending = evidence.pvcs.filter((p) => p.status?.phase === 'Pending');
    const events = eventsMatching(
      evidence,
      ['ProvisioningFailed', 'FailedBinding', 'FailedScheduling'],
      /storageclass|unbound|PersistentVolumeClaim/i,
    );
    if (pending.length === 0 && events.length === 0) return undefined;
    const missing = events.map((e) => MISSING_CLASS.exec(e.message ?? '')?.[1]).find(Boolean);
    const claim: PersistentVolumeClaim | undefined =
      pending.find((p) => missing && p.spec?.storageClassName === missing) ?? pending[0];
    const claimName = claim?.metadata?.name ?? '';
    const wanted = missing ?? claim?.spec?.storageClassName;
    const refs = [
      ...events.slice(0, 2).map(eventRef),
      ...(claim ? [`PVC ${claimName}: Pending, storageClassName=${wanted ?? 'default'}`] : []),
    ];
    const known = [
      ...evidence.storageClasses,
      ...evidence.pvcs.filter((p) => p.status?.phase === 'Bound').map((p) => p.spec?.storageClassName ?? ''),
    ].filter(Boolean);
    const to = wanted && missing ? uniqueClosest(wanted, known) : undefined;
    if (!claim || !wanted || !missing || !to) {
      return noneFinding(
        'volume-pending',
        {
          summary: `PersistentVolumeClaim ${claimName || '(unknown)'} is Pending${missing ? `: storage class "${missing}" does not exist and no existing class is an unambiguous match` : ''}.`,
          rootCause: events[0]?.message ?? 'The claim cannot be bound.',
          confidence: 0.5,
          evidenceRefs: refs,
          hypotheses: [
            'The storage class is not installed on this cluster, or its provisioner is failing.',
            'No PersistentVolume matches the claim (static provisioning).',
          ],
        },
        'No confident storage class to use.',
      );
    }
    const source = claimSource(claimName, evidence.workload);
    return patchFinding(
      'volume-pending',
      {
        summary: `PersistentVolumeClaim ${claimName} is Pending because storage class "${missing}" does not exist; "${to}" exists and is used by bound claims. Pointing the claim at "${to}".`,
        rootCause: `Misspelled or missing storage class "${missing}".`,
        confidence: 0.8,
        evidenceRefs: [...refs, `known storage classes: ${[...new Set(known)].join(', ')}`],
        hypotheses: [
          'storageClassName is immutable on an existing claim: the Pending claim (it holds no data) must be deleted for the new one to be created, or synced with Replace=true.',
        ],
      },
      [{ type: 'set-storage-class', claim: source, storageClassName: to }],
      `Set storageClassName of ${source} to "${to}".`,
    );
  },
};
