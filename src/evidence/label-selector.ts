// Label selectors as the API server understands them, so that an in-memory reader filters the
// same way a live cluster would: equality (`a=b`, `a==b`, `a!=b`), set-based (`a in (x,y)`,
// `a notin (x)`), existence (`a`, `!a`). Also turns a workload's `spec.selector` into that string.

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'doesnotexist' };

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** @throws Error naming the part that does not parse. */
export function parseLabelSelector(selector: string): Requirement[] {
  const requirements: Requirement[] = [];
  for (const part of splitTopLevel(selector)) {
    const text = part.trim();
    if (!text) continue;
    requirements.push(parseRequirement(text));
  }
  return requirements;
}

export function matchesLabelSelector(
  labels: Readonly<Record<string, string>> | undefined,
  requirements: readonly Requirement[],
): boolean {
  const set = labels ?? {};
  return requirements.every((r) => matchesRequirement(set, r));
}

function matchesRequirement(labels: Readonly<Record<string, string>>, r: Requirement): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.op) {
    case 'exists':
      return has;
    case 'doesnotexist':
      return !has;
    case 'in':
      return has && r.values.includes(labels[r.key] ?? '');
    case 'notin':
      return !has || !r.values.includes(labels[r.key] ?? '');
  }
}

/**
 * `spec.selector` as a selector string. An empty selector matches everything in the API; a
 * missing one matches nothing, which callers see as undefined.
 */
export function selectorToString(selector: LabelSelectorObject | undefined): string | undefined {
  if (!selector) return undefined;
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
      default:
        throw new Error(`unsupported matchExpressions operator: ${e.operator}`);
    }
  }
  return parts.join(',');
}

/** Keys may carry a DNS prefix (`app.kubernetes.io/name`); values are at most `[A-Za-z0-9._-]`. */
const KEY = '[A-Za-z0-9][A-Za-z0-9._/-]*';
const VALUE = '[A-Za-z0-9._-]*';
const SET_RE = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^)]*)\\)$`);
const EQUALITY_RE = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const MISSING_RE = new RegExp(`^!\\s*(${KEY})$`);
const EXISTS_RE = new RegExp(`^${KEY}$`);
const VALUE_RE = new RegExp(`^${VALUE}$`);

function parseRequirement(text: string): Requirement {
  const set = SET_RE.exec(text);
  if (set?.[1] && set[2]) {
    const values = (set[3] ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    if (values.every((v) => VALUE_RE.test(v)))
      return { key: set[1], op: set[2] === 'in' ? 'in' : 'notin', values };
  }
  const equality = EQUALITY_RE.exec(text);
  if (equality?.[1] && equality[2]) {
    return { key: equality[1], op: equality[2] === '!=' ? 'notin' : 'in', values: [equality[3] ?? ''] };
  }
  const missing = MISSING_RE.exec(text);
  if (missing?.[1]) return { key: missing[1], op: 'doesnotexist' };
  if (EXISTS_RE.test(text)) return { key: text, op: 'exists' };
  throw new Error(`invalid label selector requirement: ${text}`);
}

/** Split on commas that are not inside `( … )`. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth = Math.max(0, depth - 1);
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}
