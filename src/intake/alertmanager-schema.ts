// The Alertmanager webhook body (version "4"), as lenient as SOURCES.md says it has to be: the
// body has grown over the years (truncatedAlerts, alerts[].status, fingerprint, generatorURL,
// notification_reason, routeLabels) and some senders drop version/groupKey entirely. Only what
// intake cannot work without is required: `status`, `alerts[].labels`, `alerts[].startsAt`.
// Unknown keys are tolerated and dropped; optional fields may also be null (Go's nil maps).
import { z } from 'zod';

/** Missing fields say "required"; present but wrong ones say what was expected. */
function expected(what: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : `expected ${what}`);
}

const LabelSet = z.record(z.string(), z.string({ error: expected('a string') }), {
  error: expected('an object'),
});

// RFC 3339 as Go writes it: optional fractional seconds (nanoseconds), `Z` or a numeric offset.
// Go's zero time (`0001-01-01T00:00:00Z`) is valid and means "no end".
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

const Timestamp = z
  .string({ error: expected('an RFC 3339 timestamp string') })
  .regex(RFC3339, 'expected an RFC 3339 timestamp such as 2025-01-31T12:00:00Z');

const AlertStatus = z.enum(['firing', 'resolved'], { error: expected('"firing" or "resolved"') });

export const AlertmanagerAlert = z.object(
  {
    status: AlertStatus.optional(),
    labels: LabelSet,
    annotations: LabelSet.nullish(),
    startsAt: Timestamp,
    endsAt: Timestamp.nullish(),
    generatorURL: z.string().nullish(),
    fingerprint: z.string().nullish(),
  },
  { error: expected('an alert object') },
);
export type AlertmanagerAlert = z.infer<typeof AlertmanagerAlert>;

export const AlertmanagerPayload = z.object(
  {
    version: z.union([z.string(), z.number()]).nullish(),
    groupKey: z.string().nullish(),
    truncatedAlerts: z.number().int().min(0).nullish(),
    status: AlertStatus,
    receiver: z.string().nullish(),
    groupLabels: LabelSet.nullish(),
    commonLabels: LabelSet.nullish(),
    commonAnnotations: LabelSet.nullish(),
    externalURL: z.string().nullish(),
    alerts: z.array(AlertmanagerAlert, { error: expected('an array of alerts') }),
    // v0.32+ (snake_case upstream) and v0.34+; kept because they explain why a notification came.
    notification_reason: z.string().nullish(),
    routeLabels: LabelSet.nullish(),
  },
  { error: expected('a JSON object') },
);
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayload>;
