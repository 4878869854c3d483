// Container image references: `registry:5000/team/app:1.2@sha256:...` → name, tag, digest.

export interface ImageRef {
  name: string;
  tag?: string;
  digest?: string;
}

export function parseImage(ref: string): ImageRef {
  let rest = ref.trim();
  const out: ImageRef = { name: '' };
  const at = rest.indexOf('@');
  if (at >= 0) {
    out.digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  // A colon after the last slash is a tag; one before it is a registry port.
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    out.tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  out.name = rest;
  return out;
}

export function formatImage(ref: ImageRef): string {
  return `${ref.name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}
