// Field selectors (`metadata.name=x`, `involvedObject.kind=Pod`, `spec.nodeName!=n`), evaluated
// in memory. The API supports a per-kind list of fields; any dotted path works here, with a
// missing field reading as the empty string, as the API treats unset fields.

export interface FieldRequirement {
  path: string[];
  negate: boolean;
  value: string;
}

/** @throws Error naming the part that does not parse. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  return selector
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
      if (!match?.[1] || !match[2]) throw new Error(`invalid field selector requirement: ${part}`);
      return { path: match[1].split('.'), negate: match[2] === '!=', value: (match[3] ?? '').trim() };
    });
}

export function matchesFieldSelector(object: unknown, requirements: readonly FieldRequirement[]): boolean {
  return requirements.every((r) => (fieldValue(object, r.path) === r.value) !== r.negate);
}

function fieldValue(object: unknown, path: readonly string[]): string {
  let current: unknown = object;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[key];
  }
  if (current === undefined || current === null) return '';
  return typeof current === 'object' ? JSON.stringify(current) : String(current);
}
