// Reading YAML files for the index: the fast scanner first, the full parser when the scanner does not
// vouch for the text. Parse errors become one line (`line N: message`) for the skipped list.
import { parseAllDocuments } from 'yaml';
import { type DocHead, scanYaml, scanYamlValues } from './scan-yaml.js';

export type Loaded = { heads: DocHead[] } | { error: string };

/** Document heads of a YAML stream, or the first parse error. */
export function loadHeads(text: string): Loaded {
  const fast = scanYaml(text);
  if (fast) return { heads: fast };
  const parsed = parseFull(text);
  if ('error' in parsed) return parsed;
  return { heads: parsed.docs.map(headOf) };
}

/** Every document as plain JS: the fast scanner when it vouches for the text, else the full parser. */
export function loadValues(text: string): { docs: unknown[] } | { error: string } {
  const fast = scanYamlValues(text);
  return fast ? { docs: fast } : parseFull(text);
}

/** Every document as plain JS, or the first parse error. */
export function parseFull(text: string): { docs: unknown[] } | { error: string } {
  const documents = parseAllDocuments(text);
  const docs: unknown[] = [];
  for (const doc of documents) {
    const first = doc.errors[0];
    // yaml's messages already end in "at line L, column C"; the first line is enough.
    if (first) return { error: first.message.split('\n')[0] ?? 'invalid YAML' };
    try {
      docs.push(doc.toJS({ maxAliasCount: 1000 }));
    } catch (error: unknown) {
      return {
        error: error instanceof Error ? (error.message.split('\n')[0] ?? 'invalid YAML') : String(error),
      };
    }
  }
  return { docs };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function headOf(doc: unknown): DocHead {
  if (!isRecord(doc)) return {};
  const meta = isRecord(doc.metadata) ? doc.metadata : {};
  const head: DocHead = {};
  const apiVersion = str(doc.apiVersion);
  const kind = str(doc.kind);
  const name = str(meta.name);
  const namespace = str(meta.namespace);
  if (apiVersion !== undefined) head.apiVersion = apiVersion;
  if (kind !== undefined) head.kind = kind;
  if (name !== undefined) head.name = name;
  if (namespace !== undefined) head.namespace = namespace;
  return head;
}
