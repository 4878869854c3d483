// Just enough of Go's text/template to render the Argo CD notification bodies AEGIS ships: plain
// field chains such as {{.app.status.sync.status}}, and one level of {{range .chain}}…{{end}}
// whose body reads fields of each element. Anything else throws, so a template that needs more
// than this is noticed rather than rendered wrong.
const ACTION = /\{\{\s*(.*?)\s*\}\}/g;
const RANGE = /\{\{\s*range\s+([^\s}]+)\s*\}\}([\s\S]*?)\{\{\s*end\s*\}\}/g;
const FIELD_CHAIN = /^(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

function lookup(data: unknown, chain: string): unknown {
  let value: unknown = data;
  for (const key of chain.slice(1).split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

function renderFields(template: string, data: unknown): string {
  return template.replace(ACTION, (_match, action: string) => {
    if (!FIELD_CHAIN.test(action)) throw new Error(`unsupported template action {{${action}}}`);
    const value = lookup(data, action);
    // Go prints a missing map key as "<no value>".
    return value === undefined || value === null ? '<no value>' : String(value);
  });
}

export function renderFieldTemplate(template: string, data: Record<string, unknown>): string {
  const ranged = template.replace(RANGE, (_match, chain: string, body: string) => {
    if (!FIELD_CHAIN.test(chain)) throw new Error(`unsupported range {{range ${chain}}}`);
    const items = lookup(data, chain);
    // Go ranges over nothing (a missing key) without error and renders nothing.
    return Array.isArray(items) ? items.map((item) => renderFields(body, item)).join('') : '';
  });
  return renderFields(ranged, data);
}
