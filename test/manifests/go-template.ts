// Just enough of Go's text/template to render the Argo CD notification bodies AEGIS ships: plain
// field chains such as {{.app.status.sync.status}}. Anything else throws, so a template that needs
// more than this is noticed rather than rendered wrong.
const ACTION = /\{\{\s*(.*?)\s*\}\}/g;
const FIELD_CHAIN = /^(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

export function renderFieldTemplate(template: string, data: Record<string, unknown>): string {
  return template.replace(ACTION, (_match, action: string) => {
    if (!FIELD_CHAIN.test(action)) throw new Error(`unsupported template action {{${action}}}`);
    let value: unknown = data;
    for (const key of action.slice(1).split('.')) {
      value =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    }
    // Go prints a missing map key as "<no value>".
    return value === undefined || value === null ? '<no value>' : String(value);
  });
}
