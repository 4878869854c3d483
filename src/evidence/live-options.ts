// Command-line values for reading a live cluster, parsed once for every command that does.
import { UserError } from '../core/errors.js';

/** kubectl's `--request-timeout` forms: `10s`, `500ms`, `1m`, or a bare number of seconds. */
export function parseRequestTimeout(text: string, flag = '--request-timeout'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * ({ ms: 1, s: 1000, m: 60_000 }[match[2] ?? 's'] ?? 1000) : 0;
  if (!match || value <= 0) {
    throw new UserError(`invalid ${flag} ${text}`, 'use a duration such as 10s, 500ms or 1m');
  }
  return Math.round(value);
}

/** `-n a,b -n c` → [a, b, c], each a valid namespace name. */
export function parseNamespaces(values: readonly string[]): string[] {
  const names = [
    ...new Set(
      values
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
  for (const name of names) {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
      throw new UserError(
        `invalid namespace name: ${name}`,
        'namespaces are DNS labels such as billing or kube-system',
      );
    }
  }
  return names;
}
