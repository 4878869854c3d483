// A resolved alert (DESIGN.md §6): every open AEGIS PR or issue of the incident gets one comment
// saying so; a PR that nobody verified or reviewed yet is closed, since the fix may no longer be
// needed; a verified or reviewed one stays open for the people already looking at it.
import type { Forge } from '../forge/forge.js';
import type { IncidentDraft } from '../intake/incidents.js';
import { LABELS } from './naming.js';
import { parsePrMeta } from './pr-meta.js';

export const RESOLVED_MARKER = 'aegis:resolved';

export interface ResolvedItem {
  type: 'pull' | 'issue';
  number: number;
  url: string;
  action: 'closed' | 'commented';
}

export async function resolveIncident(draft: IncidentDraft, forge: Forge): Promise<ResolvedItem[]> {
  const items = (await forge.listItems()).filter(
    (i) => i.state === 'open' && parsePrMeta(i.body)?.fingerprint === draft.fingerprint,
  );
  const done: ResolvedItem[] = [];
  for (const item of items) {
    const verified = item.labels.includes(LABELS.verifyPassed) || item.labels.includes(LABELS.verifiedInProd);
    const reviewed = item.type === 'pull' && (await forge.reviewCount(item.number)) > 0;
    const close = item.type === 'issue' || (!verified && !reviewed && !item.labels.includes(LABELS.hold));
    const why = verified ? 'it has been verified' : reviewed ? 'it has reviews' : 'it is on hold';
    const text =
      item.type === 'issue'
        ? `The alert \`${draft.alertname}\` resolved. Closing this report; AEGIS opens it again if the alert fires again.`
        : close
          ? `The alert \`${draft.alertname}\` resolved and this fix was neither verified nor reviewed, so AEGIS closed it. If the problem comes back, AEGIS proposes the fix again.`
          : `The alert \`${draft.alertname}\` resolved. This PR stays open because ${why}; merge it if the fix is still wanted, or close it.`;
    await forge.upsertComment(item.number, RESOLVED_MARKER, text);
    if (close) await forge.close(item.number);
    done.push({
      type: item.type,
      number: item.number,
      url: item.url,
      action: close ? 'closed' : 'commented',
    });
  }
  return done;
}
