// Small Markdown helpers for PR and issue bodies: table cells, inline code and fences that stay
// intact whatever the (untrusted) text inside contains.

export function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

export function code(text: string): string {
  const ticks = text.includes('`') ? '``' : '`';
  const pad = ticks === '``' ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

export function fenced(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text.trimEnd()}\n${fence}`;
}

export function details(summary: string, inner: string): string {
  return `<details><summary>${summary}</summary>\n\n${inner}\n\n</details>`;
}

export function value(v: unknown): string {
  if (v === undefined || v === null) return '(unset)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function link(label: string, url: string | undefined): string | undefined {
  if (!url || !/^https?:\/\//i.test(url)) return undefined;
  return `[${label}](${url.replace(/\)/g, '%29').replace(/\s/g, '%20')})`;
}
