// What the rollout guard reacts to (DESIGN.md §8): one Argo CD observation of an Application after
// a sync. The notifications webhook sends it as the JSON body of manifests/argocd/
// notifications-snippet.yaml (every field a string, a missing one rendered by Go as "<no value>");
// the watch of applications.argoproj.io builds the same shape from the Application itself.
import { z } from 'zod';
import { formatIssues } from '../core/errors.js';

export const TRIGGERS = ['on-deployed', 'on-health-degraded', 'on-sync-failed'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** Go's text/template prints a missing map key as this; it means "absent". */
const NO_VALUE = '<no value>';

const absentable = z
  .string()
  .transform((value) => (value === NO_VALUE || value.trim() === '' ? undefined : value))
  .optional();

function present(what: string) {
  return z
    .string({ error: `expected ${what}` })
    .refine((value) => value !== NO_VALUE && value.trim() !== '', `expected ${what}, got "<no value>"`);
}

export const NotificationBody = z.object({
  trigger: z.enum(TRIGGERS, { error: `expected one of ${TRIGGERS.join(', ')}` }),
  application: present('the Application name'),
  applicationNamespace: absentable,
  /** status.operationState.syncResult.revision: the commit Argo CD synced. */
  revision: present('the synced revision (status.operationState.syncResult.revision)'),
  operationPhase: absentable,
  finishedAt: absentable,
  syncStatus: absentable,
  healthStatus: absentable,
  /** spec.source.repoURL: which repository the revision belongs to. */
  repoURL: absentable,
  /** status.history[].revision, oldest first, space-separated (Go's range over the history). */
  history: absentable,
});

export interface RolloutEvent {
  trigger: Trigger;
  application: string;
  applicationNamespace?: string;
  revision: string;
  /** Running, Succeeded, Failed, Error, Terminating (operationState.phase). */
  operationPhase?: string;
  /** When the sync operation finished (ISO time). */
  finishedAt?: string;
  syncStatus?: string;
  healthStatus?: string;
  repoURL?: string;
  /** Revisions Argo CD deployed, oldest first (status.history). */
  history: string[];
}

export type ParsedEvent = { ok: true; event: RolloutEvent } | { ok: false; error: string };

/** Parses a notification body; the error is one `field: what was expected` line. */
export function parseNotification(text: string): ParsedEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: '(body): not JSON; send the aegis template of notifications-snippet.yaml' };
  }
  const parsed = NotificationBody.safeParse(raw);
  if (!parsed.success) return { ok: false, error: formatIssues(parsed.error.issues).join('; ') };
  const { history, ...rest } = parsed.data;
  const event: RolloutEvent = {
    ...(Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Omit<
      RolloutEvent,
      'history'
    >),
    history: (history ?? '').split(/\s+/).filter(Boolean),
  };
  return { ok: true, event };
}

interface ApplicationShape {
  metadata?: { name?: string; namespace?: string };
  spec?: { source?: { repoURL?: string }; sources?: { repoURL?: string }[] };
  status?: {
    health?: { status?: string };
    sync?: { status?: string };
    history?: { revision?: string }[];
    operationState?: { phase?: string; finishedAt?: string; syncResult?: { revision?: string } };
  };
}

/**
 * The event a watched Application stands for, as the snippet's triggers would name it: sync
 * failed, degraded, deployed (synced and healthy); undefined while nothing is decided (no sync
 * result yet, Progressing, Missing).
 */
export function eventFromApplication(app: ApplicationShape): RolloutEvent | undefined {
  const status = app.status ?? {};
  const operation = status.operationState;
  const revision = operation?.syncResult?.revision;
  const name = app.metadata?.name;
  if (!revision || !name || !operation) return undefined;
  const phase = operation.phase;
  const health = status.health?.status;
  let trigger: Trigger | undefined;
  if (phase === 'Error' || phase === 'Failed') trigger = 'on-sync-failed';
  else if (health === 'Degraded') trigger = 'on-health-degraded';
  else if (phase === 'Succeeded' && health === 'Healthy') trigger = 'on-deployed';
  if (!trigger) return undefined;
  const repoURL = app.spec?.source?.repoURL ?? app.spec?.sources?.[0]?.repoURL;
  return {
    trigger,
    application: name,
    ...(app.metadata?.namespace ? { applicationNamespace: app.metadata.namespace } : {}),
    revision,
    ...(phase ? { operationPhase: phase } : {}),
    ...(operation.finishedAt ? { finishedAt: operation.finishedAt } : {}),
    ...(status.sync?.status ? { syncStatus: status.sync.status } : {}),
    ...(health ? { healthStatus: health } : {}),
    ...(repoURL ? { repoURL } : {}),
    history: (status.history ?? []).map((h) => h.revision ?? '').filter(Boolean),
  };
}
