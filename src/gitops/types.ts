// Shapes shared by the gitops module: the repository index, where a live object comes from, and
// the edits a change resolves to. Core types (Proposal, FieldChange) stay in src/core/types.ts.
import type { Proposal } from '../core/types.js';

/** A path into a Kubernetes object. `{match: {name: 'app'}}` selects the list element whose `name` is 'app'. */
export type PathSeg = string | number | { match: Record<string, string> };

export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

export interface ObjectChange {
  /** The LIVE object's kind/name/namespace (after kustomize namePrefix/nameSuffix/namespace). */
  target: ObjectRef;
  path: PathSeg[];
  /** New value: string, number, boolean or a plain object. */
  value?: unknown;
  /** Delete the key instead of setting it. */
  remove?: boolean;
  /** The value the live object has now; picks the Helm values key or the patch that sets it. */
  expected?: unknown;
  /** A container image change: resolve through kustomize `images:` or Helm image keys. */
  image?: boolean;
}

// ------------------------------------------------------------------ index

export interface IndexedDoc {
  /** Path relative to the repository root, with `/` separators. */
  file: string;
  /** Position among the file's YAML documents, as `yaml.parseAllDocuments` counts them. */
  doc: number;
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

export type PatchField = 'patches' | 'patchesStrategicMerge' | 'patchesJson6902';

export interface KustomizePatch {
  field: PatchField;
  /** Index of the entry in that field's list. */
  entry: number;
  /** Repo-relative file holding the patch; absent for inline patches. */
  file?: string;
  /** True when the patch text is inline in kustomization.yaml (`patch: |` or a plain SMP string). */
  inline: boolean;
  target?: PatchTarget;
}

export interface ImageOverride {
  entry: number;
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export interface HelmChartRef {
  name: string;
  releaseName?: string;
  namespace?: string;
  valuesFile?: string;
}

export interface Kustomization {
  /** Directory relative to the root ('' for the root itself). */
  dir: string;
  /** The kustomization file, repo-relative. */
  file: string;
  /** `resources:` and legacy `bases:` entries, as written. */
  resources: string[];
  components: string[];
  patches: KustomizePatch[];
  images: ImageOverride[];
  namespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  helmCharts: HelmChartRef[];
}

export interface ArgoHelmSource {
  valueFiles: string[];
  /** The inline `values:` string, if any. */
  values?: string;
  valuesObject?: unknown;
  parameters: { name: string; value: string }[];
  releaseName?: string;
}

export interface ArgoSource {
  repoURL?: string;
  path?: string;
  chart?: string;
  ref?: string;
  targetRevision?: string;
  helm?: ArgoHelmSource;
  directoryRecurse?: boolean;
  /** `spec.source` (-1) or the index in `spec.sources`. */
  index: number;
}

export interface ArgoApplication {
  file: string;
  doc: number;
  name: string;
  namespace?: string;
  project?: string;
  sources: ArgoSource[];
  destination: { namespace?: string; name?: string; server?: string };
}

export interface HelmChart {
  /** Chart directory (holds Chart.yaml), repo-relative. */
  dir: string;
  name: string;
  /** The chart's default values file, repo-relative, if present. */
  valuesFile?: string;
}

/** A Helm release deployed by an Argo CD Application from a chart directory in the repository. */
export interface HelmRelease {
  app: ArgoApplication;
  source: ArgoSource;
  chart: HelmChart;
  releaseName: string;
  namespace?: string;
  /** Repo-relative values files in the order Helm applies them (chart default first). */
  valueFiles: string[];
  /** `fullnameOverride` / `nameOverride` found in the values files. */
  nameOverrides: string[];
}

/** How one live object is produced by the repository. */
export interface ProducedObject {
  kind: string;
  name: string;
  namespace?: string;
  via: 'plain' | 'kustomize' | 'helm';
  /** The document that defines the object (absent for Helm templates). */
  origin?: IndexedDoc;
  /** Directory that is deployed as a unit (kustomization root, plain directory or chart). */
  root: string;
  /** Kustomization dirs from the root down to the one listing the origin file. */
  chain: string[];
  /** Argo CD Applications that deploy `root`. */
  apps: ArgoApplication[];
}

export interface RepoIndex {
  /** Absolute path of the checkout. */
  root: string;
  docs: IndexedDoc[];
  skipped: SkippedFile[];
  kustomizations: Kustomization[];
  applications: ArgoApplication[];
  charts: HelmChart[];
  releases: HelmRelease[];
  notes: string[];
  /** Live objects by `kind/name` (live name). */
  produced: Map<string, ProducedObject[]>;
  /** Kustomization roots (and plain roots) whose output depends on a file: file → roots. */
  rootsByFile: Map<string, string[]>;
}

// ------------------------------------------------------------------ locate

interface SourceBase {
  target: ObjectRef;
  /** Argo CD Application that deploys it, when one was found. */
  app?: ArgoApplication;
  notes: string[];
}

export interface PlainSource extends SourceBase {
  type: 'plain';
  doc: IndexedDoc;
  root: string;
}

export interface KustomizeSource extends SourceBase {
  type: 'kustomize';
  doc: IndexedDoc;
  /** Kustomization dirs, most specific (the root) first. */
  chain: string[];
  root: string;
}

export interface HelmSource extends SourceBase {
  type: 'helm';
  app: ArgoApplication;
  /** Index into `app.sources` of the chart source. */
  source: number;
  chartDir: string;
  /** Repo-relative values files in the order Helm applies them (chart default first). */
  valueFiles: string[];
  releaseName: string;
}

export type WorkloadSource = PlainSource | KustomizeSource | HelmSource;

// ------------------------------------------------------------------ edits and proposals

/** One edit to one YAML document of one file. `embedded` points at a string scalar holding YAML. */
export interface DocEdit {
  file: string;
  doc: number;
  /** Path to a block-scalar string that holds a YAML document (an inline kustomize patch). */
  embedded?: PathSeg[];
  path: PathSeg[];
  op: 'set' | 'remove';
  value?: unknown;
  /** For the change table. */
  resource: string;
  field: string;
  from: unknown;
}

export interface FileEdit {
  file: string;
  before: string;
  after: string;
}

/** A core Proposal plus the edited file contents, so the checkout can be written later. */
export interface GitopsProposal extends Proposal {
  edits: FileEdit[];
}

export type Result<T> = T | { error: string };

export function isError<T>(value: Result<T>): value is { error: string } {
  return typeof value === 'object' && value !== null && 'error' in value && typeof value.error === 'string';
}
