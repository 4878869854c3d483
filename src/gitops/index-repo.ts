// Builds the RepoIndex of a GitOps checkout: every YAML document's head, the kustomizations, Argo CD
// Applications and Helm charts, and the map from live objects to the documents that produce them.
// Unparseable files are skipped and named, never thrown.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { isApplicationHead, parseApplication } from './argo-apps.js';
import { helmReleases } from './helm-releases.js';
import { isKustomizationFile, parseKustomization } from './kustomization.js';
import { isRecord, loadHeads, loadValues, parseFull, str } from './load-yaml.js';
import { computeProduced } from './produce.js';
import type {
  ArgoApplication,
  HelmChart,
  HelmRelease,
  IndexedDoc,
  Kustomization,
  RepoIndex,
  SkippedFile,
} from './types.js';
import { walkRepo } from './walk-repo.js';

export interface IndexOptions {
  /** Files read and scanned between two turns of the event loop. */
  batchSize?: number;
}

interface FileResult {
  docs: IndexedDoc[];
  skipped?: SkippedFile;
  kustomization?: Kustomization;
  applications: ArgoApplication[];
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function indexText(file: string, text: string, notes: string[]): FileResult {
  if (isKustomizationFile(file)) {
    const parsed = loadValues(text);
    if ('error' in parsed) return { docs: [], applications: [], skipped: { file, reason: parsed.error } };
    const docs = parsed.docs.map((_, doc) => ({ file, doc, kind: 'Kustomization' }));
    return { docs, applications: [], kustomization: parseKustomization(file, parsed.docs[0], notes) };
  }
  const loaded = loadHeads(text);
  if ('error' in loaded) return { docs: [], applications: [], skipped: { file, reason: loaded.error } };
  const docs = loaded.heads.map((head, doc) => ({ file, doc, ...head }));
  const applications: ArgoApplication[] = [];
  if (docs.some((d) => isApplicationHead(d.apiVersion, d.kind))) {
    // Applications are small; their specs are needed in full.
    const parsed = loadValues(text);
    if ('docs' in parsed) {
      parsed.docs.forEach((js, i) => {
        const d = docs[i];
        if (!d || !isApplicationHead(d.apiVersion, d.kind)) return;
        const app = parseApplication(file, i, js);
        if (app) applications.push(app);
      });
    }
  }
  return { docs, applications };
}

async function readCharts(root: string, chartDirs: string[], files: Set<string>): Promise<HelmChart[]> {
  return mapLimit(chartDirs, 16, async (dir) => {
    const chartFile = dir ? `${dir}/Chart.yaml` : 'Chart.yaml';
    let name = path.posix.basename(dir || root);
    try {
      const parsed = parseFull(await readFile(path.join(root, chartFile), 'utf8'));
      const first = 'docs' in parsed ? parsed.docs[0] : undefined;
      if (isRecord(first)) name = str(first.name) ?? name;
    } catch {
      // Unreadable Chart.yaml: keep the directory name; the chart is still located by path.
    }
    const values = dir ? `${dir}/values.yaml` : 'values.yaml';
    const chart: HelmChart = { dir, name };
    if (files.has(values)) chart.valuesFile = values;
    return chart;
  });
}

/** Fills in fullnameOverride/nameOverride from each release's values files (read once each). */
async function withNameOverrides(root: string, releases: HelmRelease[]): Promise<HelmRelease[]> {
  const files = [...new Set(releases.flatMap((r) => r.valueFiles))];
  const overrides = new Map<string, string[]>();
  await mapLimit(files, 16, async (file) => {
    try {
      const parsed = parseFull(await readFile(path.join(root, file), 'utf8'));
      const values = 'docs' in parsed ? parsed.docs[0] : undefined;
      if (!isRecord(values)) return;
      const names = [str(values.fullnameOverride)].filter((v): v is string => v !== undefined && v !== '');
      overrides.set(file, names);
    } catch {
      // A missing values file is reported when a change needs it.
    }
  });
  return releases.map((r) => ({ ...r, nameOverrides: r.valueFiles.flatMap((f) => overrides.get(f) ?? []) }));
}

export async function indexRepo(root: string, opts: IndexOptions = {}): Promise<RepoIndex> {
  const absRoot = path.resolve(root);
  const { yamlFiles, chartDirs, unreadable } = await walkRepo(absRoot);
  const notes: string[] = [];
  // Small files read synchronously in batches: far faster than one thread-pool round trip per file,
  // and the event loop still gets a turn between batches.
  const results: FileResult[] = [];
  const batch = opts.batchSize ?? 200;
  for (let i = 0; i < yamlFiles.length; i += batch) {
    for (const file of yamlFiles.slice(i, i + batch)) {
      let text: string;
      try {
        text = readFileSync(path.join(absRoot, file), 'utf8');
      } catch (error: unknown) {
        results.push({
          docs: [],
          applications: [],
          skipped: { file, reason: error instanceof Error ? error.message : String(error) },
        });
        continue;
      }
      results.push(indexText(file, text, notes));
    }
    await yieldToLoop();
  }
  const docs: IndexedDoc[] = [];
  const skipped: SkippedFile[] = [...unreadable];
  const kustomizations: Kustomization[] = [];
  const applications: ArgoApplication[] = [];
  const docsByFile = new Map<string, IndexedDoc[]>();
  for (const r of results) {
    docs.push(...r.docs);
    if (r.skipped) skipped.push(r.skipped);
    if (r.kustomization) kustomizations.push(r.kustomization);
    applications.push(...r.applications);
    const first = r.docs[0];
    if (first && !r.kustomization) docsByFile.set(first.file, r.docs);
  }
  const charts = await readCharts(absRoot, chartDirs, new Set(yamlFiles));
  const releases = await withNameOverrides(absRoot, helmReleases(applications, charts));
  const { produced, rootsByFile } = computeProduced({
    docsByFile,
    kustomizations,
    applications,
    chartDirs,
    notes,
  });
  return {
    root: absRoot,
    docs,
    skipped,
    kustomizations,
    applications,
    charts,
    releases,
    notes,
    produced,
    rootsByFile,
  };
}
