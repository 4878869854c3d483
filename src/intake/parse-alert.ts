// Turns an untrusted webhook body into a typed payload or one line that says what is wrong and
// where. The line becomes an HTTP 400 body or a CLI error, so it never carries a zod dump.
import { formatIssues } from '../core/errors.js';
import { AlertmanagerPayload } from './alertmanager-schema.js';

export type ParseAlertResult = { ok: true; payload: AlertmanagerPayload } | { ok: false; error: string };

/** Bound on how much of a hostile value is echoed back in an error. */
const MAX_ERROR_LENGTH = 300;

export function parseAlertPayload(input: unknown): ParseAlertResult {
  const result = AlertmanagerPayload.safeParse(input);
  if (result.success) return { ok: true, payload: result.data };
  const lines = formatIssues(result.error.issues);
  const more = lines.length > 1 ? ` (and ${lines.length - 1} more)` : '';
  return { ok: false, error: oneLine(`${lines[0] ?? 'invalid alert payload'}${more}`) };
}

export function parseAlertJson(text: string): ParseAlertResult {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: oneLine(`(root): invalid JSON: ${reason}`) };
  }
  return parseAlertPayload(input);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_ERROR_LENGTH ? `${flat.slice(0, MAX_ERROR_LENGTH - 1)}…` : flat;
}
