// The seam between the server and the remediation pipeline: the server groups alerts into
// incidents and queues them; what happens to one incident is this injected function.
import type { Logger } from 'pino';
import type { IncidentDraft } from '../intake/incidents.js';

export interface IncidentContext {
  /** Child logger bound to the incident (fingerprint, alertname, namespace). */
  log: Logger;
}

export type IncidentHandler = (draft: IncidentDraft, ctx: IncidentContext) => Promise<void>;

/** Placeholder until a proposer is wired in: records the incident and changes nothing. */
export const logOnlyIncidentHandler: IncidentHandler = async (draft, { log }) => {
  log.warn({ alertCount: draft.alertCount }, 'no proposer configured; incident not handled');
};
