// A synthetic GitOps repository for benchmarks: plain multi-document files per cluster and team
// (Deployment + Service per workload, one Argo CD Application per directory) and Kustomize apps
// (base + staging/prod overlays with images:, namespaces, namePrefix and an inline patch), plus one
// broken file. 5,000 workloads ≈ 10,000 documents. Deterministic for a given seed.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface GenerateOptions {
  /** Live workloads to produce (each kustomize app yields two: staging and prod). */
  workloads?: number;
  seed?: number;
}

export interface GeneratedTarget {
  kind: string;
  name: string;
  namespace: string;
  /** What the rendered Deployment runs, so that a synthetic cluster can match the repository. */
  container: string;
  image: string;
  memoryMi: number;
  /** Its `app.kubernetes.io/name` label (a Kustomize namePrefix leaves labels alone). */
  app: string;
}

export interface GeneratedRepo {
  files: number;
  documents: number;
  targets: GeneratedTarget[];
}

const TEAMS = 50;
const CLUSTERS = ['eu-1', 'us-1', 'ap-1'];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function deployment(
  name: string,
  namespace: string | undefined,
  image: string,
  memory: number,
  replicas: number,
): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${namespace ? `  namespace: ${namespace}\n` : ''}  labels:
    app.kubernetes.io/name: ${name}
spec:
  replicas: ${replicas} # tuned for the weekday peak
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
      annotations:
        prometheus.io/scrape: "true"
    spec:
      containers:
        - name: app
          image: ${image}
          args: ["serve", "--port=8080"]
          ports:
            - {name: http, containerPort: 8080}
          env:
            - name: LOG_LEVEL
              value: info
          resources:
            requests: {cpu: 100m, memory: ${memory / 2}Mi}
            limits:
              memory: ${memory}Mi
          readinessProbe:
            httpGet: {path: /ready, port: http}
`;
}

function service(name: string, namespace: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector: {app.kubernetes.io/name: ${name}}
  ports:
    - {name: http, port: 80, targetPort: http}
`;
}

function application(name: string, dir: string, namespace: string, cluster: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/platform/gitops.git
    targetRevision: main
    path: ${dir}
  destination:
    name: ${cluster}
    namespace: ${namespace}
`;
}

export interface GeneratedTexts {
  /** Relative path → file text. */
  files: Map<string, string>;
  /** The live workloads the repository produces. */
  targets: GeneratedTarget[];
}

export function generateGitopsRepoTexts(opts: GenerateOptions = {}): GeneratedTexts {
  const workloads = opts.workloads ?? 5000;
  const random = rng(opts.seed ?? 42);
  const files = new Map<string, string>();
  const targets: GeneratedTarget[] = [];
  const kustomizeApps = Math.floor(workloads / 5);
  const plain = workloads - 2 * kustomizeApps;
  const pending = new Map<string, string[]>();
  for (let i = 0; i < plain; i++) {
    const team = i % TEAMS;
    const cluster = CLUSTERS[i % CLUSTERS.length] as string;
    const namespace = `team-${team}`;
    const name = `svc-${i}`;
    const dir = `clusters/${cluster}/${namespace}`;
    // Two workloads per file: multi-document files as teams usually write them.
    const file = `${dir}/apps-${Math.floor(i / (TEAMS * CLUSTERS.length * 2))}.yaml`;
    const image = `registry.example.com/${namespace}/${name}:1.${Math.floor(random() * 40)}.${i % 10}`;
    const memoryMi = 128 * (1 + Math.floor(random() * 8));
    const docs = pending.get(file) ?? [];
    docs.push(
      deployment(name, namespace, image, memoryMi, 1 + Math.floor(random() * 5)),
      service(name, namespace),
    );
    pending.set(file, docs);
    targets.push({ kind: 'Deployment', name, namespace, container: 'app', image, memoryMi, app: name });
    if (!files.has(`argocd/${cluster}-${namespace}.yaml`)) {
      files.set(
        `argocd/${cluster}-${namespace}.yaml`,
        application(`${cluster}-${namespace}`, dir, namespace, cluster),
      );
    }
  }
  for (const [file, docs] of pending) files.set(file, `${docs.join('---\n')}`);
  for (let i = 0; i < kustomizeApps; i++) {
    const team = i % TEAMS;
    const name = `app-${i}`;
    const base = `apps/${name}/base`;
    const image = `registry.example.com/apps/${name}`;
    files.set(
      `${base}/kustomization.yaml`,
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n',
    );
    files.set(`${base}/deployment.yaml`, deployment(name, undefined, `${image}:2.0.0`, 256, 2));
    files.set(
      `apps/${name}/overlays/staging/kustomization.yaml`,
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: stg-team-${team}\nresources:\n  - ../../base\nimages:\n  - name: ${image}\n    newTag: 2.1.0-rc.${i % 7}\n`,
    );
    const prefix = i % 2 === 0 ? 'p-' : '';
    files.set(
      `apps/${name}/overlays/prod/kustomization.yaml`,
      `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: prod-team-${team}
${prefix ? `namePrefix: ${prefix}\n` : ''}resources:
  - ../../base
images:
  - name: ${image}
    newTag: "2.0.${i % 9}"
patches:
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: ${name}
      spec:
        replicas: ${3 + (i % 4)}
`,
    );
    const live = { kind: 'Deployment', container: 'app', memoryMi: 256, app: name };
    targets.push(
      { ...live, name, namespace: `stg-team-${team}`, image: `${image}:2.1.0-rc.${i % 7}` },
      { ...live, name: `${prefix}${name}`, namespace: `prod-team-${team}`, image: `${image}:2.0.${i % 9}` },
    );
  }
  files.set(
    'clusters/eu-1/broken/broken.yaml',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata:\n  key: "unterminated\n',
  );
  return { files, targets };
}

export async function generateGitopsRepo(dir: string, opts: GenerateOptions = {}): Promise<GeneratedRepo> {
  const { files, targets } = generateGitopsRepoTexts(opts);
  const dirs = new Set([...files.keys()].map((f) => path.dirname(path.join(dir, f))));
  for (const d of dirs) await mkdir(d, { recursive: true });
  let documents = 0;
  const entries = [...files.entries()];
  for (let i = 0; i < entries.length; i += 64) {
    await Promise.all(
      entries.slice(i, i + 64).map(([file, text]) => {
        documents += text.split(/^---$/m).length;
        return writeFile(path.join(dir, file), text);
      }),
    );
  }
  return { files: files.size, documents, targets };
}
