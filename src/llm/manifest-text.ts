// The located workload's manifests as prompt lines. Only the documents that produce the workload
// go in (never the whole repository), and YAML is redacted as data, not only as text: an env entry
// `{name: DB_PASSWORD, value: hunter2}` looks like nothing line by line, so each document is parsed,
// passed through redactObject (which knows that the name decides about the value), Secret payloads
// are reduced to their key names, and the result is printed again. Comments do not survive; a
// document that does not parse is kept as redacted text with values under secret-ish lines masked.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { redactObject } from '../evidence/redact.js';
import type { RepoIndex, WorkloadSource } from '../gitops/types.js';
import { PRIORITY } from './evidence-digest.js';
import { promptLine } from './prompt-text.js';
import type { BudgetItem } from './token-budget.js';

export interface ManifestText {
  /** Repo-relative path, shown to the model so its reasoning can name the file. */
  file: string;
  text: string;
}

/** Per manifest, at most this many characters are read (a huge values file cannot crowd out evidence). */
const MAX_MANIFEST_CHARS = 20_000;

export function manifestItems(manifests: readonly ManifestText[]): BudgetItem[] {
  const out: BudgetItem[] = [];
  manifests.forEach((manifest, m) => {
    const group = `--- file ${manifest.file}`;
    const lines = redactManifest(manifest.text.slice(0, MAX_MANIFEST_CHARS)).split('\n');
    while (lines.length && lines[lines.length - 1]?.trim() === '') lines.pop();
    // Top of each file first (kind, name, containers), trimmed from the end.
    lines.forEach((line, i) => {
      out.push({
        section: 'manifests',
        group,
        priority: PRIORITY.manifests + m * 0.05 + (i / Math.max(1, lines.length)) * 0.04,
        text: promptLine(line),
      });
    });
  });
  return out;
}

export function redactManifest(text: string): string {
  const documents = parseAllDocuments(text);
  if (documents.some((d) => d.errors.length > 0)) return redactLines(text);
  const printed: string[] = [];
  for (const doc of documents) {
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch {
      return redactLines(text);
    }
    if (value === null || value === undefined) continue;
    printed.push(stringify(redactObject(withoutSecretPayload(value)), { lineWidth: 0 }).trimEnd());
  }
  return printed.join('\n---\n');
}

function withoutSecretPayload(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const doc = value as Record<string, unknown>;
  if (doc.kind !== 'Secret') return doc;
  const keys = (field: string) =>
    typeof doc[field] === 'object' && doc[field] !== null ? Object.keys(doc[field] as object) : [];
  const { data: _data, stringData: _stringData, ...rest } = doc;
  return { ...rest, dataKeys: [...keys('data'), ...keys('stringData')] };
}

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE|CREDENTIAL|AUTH)/i;

/** Fallback for text that is not YAML: the value after a secret-ish `name:` line is masked too. */
function redactLines(text: string): string {
  const lines = text.split('\n');
  return lines
    .map((line, i) => {
      const previous = lines[i - 1] ?? '';
      if (/^\s*-?\s*name:\s*\S/.test(previous) && SECRET_NAME.test(previous) && /^\s*value:/.test(line))
        return line.replace(/value:.*/, 'value: "[REDACTED:secret]"');
      return line;
    })
    .join('\n');
}

/** Files beyond the workload's own document: enough for a Kustomize chain, bounded. */
const MAX_EXTRA_FILES = 4;

/**
 * The documents that produce a located workload, read-only from the checkout: the one document for
 * plain YAML; for Kustomize also the overlays' kustomization files and the patch files that target
 * the workload (they hold `images:` and the values that win); for a Helm release its values files.
 * A file that cannot be read is left out: the LLM path never fails on a manifest.
 */
export async function workloadManifests(index: RepoIndex, source: WorkloadSource): Promise<ManifestText[]> {
  const read = async (file: string): Promise<ManifestText | undefined> => {
    try {
      return { file, text: await readFile(path.join(index.root, file), 'utf8') };
    } catch {
      return undefined;
    }
  };
  const present = (list: (ManifestText | undefined)[]) =>
    list.filter((m): m is ManifestText => m !== undefined);
  if (source.type === 'helm') return present(await Promise.all(source.valueFiles.slice(-3).map(read)));

  const own = await read(source.doc.file);
  if (!own) return [];
  const doc = parseAllDocuments(own.text)[source.doc.doc];
  const out: ManifestText[] = [
    { file: own.file, text: doc?.range ? own.text.slice(doc.range[0], doc.range[2]) : own.text },
  ];
  if (source.type === 'kustomize') {
    const extra: string[] = [];
    for (const dir of source.chain) {
      const k = index.kustomizations.find((candidate) => candidate.dir === dir);
      if (!k) continue;
      extra.push(k.file);
      for (const patch of k.patches) {
        const name = patch.target?.name;
        if (patch.file && (!name || name === source.target.name || name === source.doc.name))
          extra.push(patch.file);
      }
    }
    const files = [...new Set(extra)].filter((f) => f !== own.file).slice(0, MAX_EXTRA_FILES);
    out.push(...present(await Promise.all(files.map(read))));
  }
  return out;
}
