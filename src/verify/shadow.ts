// `aegis shadow create`: one app path of one ref, rendered and left running in a sandbox so a
// person can poke at it. Unlike a verification it outlives the command; `aegis shadow delete`
// (or the janitor, by age) removes it.
import { UserError } from '../core/errors.js';
import { indexRepo } from '../gitops/index-repo.js';
import type { Renderer } from '../gitops/renderer.js';
import type { RepoIndex } from '../gitops/types.js';
import type { SandboxBackend } from '../sandbox/sandbox.js';
import { type AppPath, describeAppPath, plainFiles } from './app-paths.js';
import { exportTree, removeTree, resolveCommit } from './git-refs.js';
import { renderAppPath } from './render-app.js';
import { type StartOutcome, waitForStart } from './run-side.js';

const RUN_KINDS = new Set(['Deployment', 'Service', 'ConfigMap']);

export interface ShadowInput {
  repoDir: string;
  ref: string;
  /** App path inside the repo (a kustomize root or a plain YAML folder); needed when several exist. */
  appPath?: string;
  backend: SandboxBackend;
  /** Becomes the sandbox's run label; `aegis shadow delete --name` finds it by that. */
  name: string;
  readyTimeoutMs: number;
  renderer: Renderer;
  progress: (message: string) => void;
  now?: () => number;
}

export interface Shadow {
  name: string;
  sandbox: string;
  app: string;
  commit: string;
  start: StartOutcome;
  /** Service name → URL on this host. */
  endpoints: Record<string, string>;
}

export async function createShadow(input: ShadowInput): Promise<Shadow> {
  const commit = await resolveCommit(input.repoDir, input.ref);
  const tree = await exportTree(input.repoDir, commit, 'shadow');
  let objects: Record<string, unknown>[];
  let app: AppPath;
  try {
    const index = await indexRepo(tree);
    app = pickAppPath(index, input.appPath);
    input.progress(`rendering ${describeAppPath(app)} at ${commit.slice(0, 12)}`);
    const rendered = await renderAppPath(app, index, input.renderer);
    if ('unrenderable' in rendered) throw new UserError(rendered.unrenderable);
    objects = rendered.objects.filter((o) => RUN_KINDS.has(o.kind)).map((o) => o.object);
  } finally {
    await removeTree(tree);
  }
  const sandbox = await input.backend.create({ role: 'shadow', runId: input.name });
  try {
    const applied = await sandbox.apply(objects);
    for (const line of [...applied.skipped, ...applied.notes]) input.progress(line);
    const start = await waitForStart(sandbox, input.readyTimeoutMs, input.now ?? Date.now);
    const endpoints = Object.fromEntries(applied.services.map((s) => [s, sandbox.endpoint(s)]));
    return { name: input.name, sandbox: sandbox.name, app: describeAppPath(app), commit, start, endpoints };
  } catch (error: unknown) {
    // Half-made shadows are not left behind: nobody would know their ports.
    await sandbox.destroy().catch(() => undefined);
    throw error;
  }
}

/** The app path asked for, or the only one that produces a Deployment. */
export function pickAppPath(index: RepoIndex, wanted: string | undefined): AppPath {
  if (wanted !== undefined) {
    const dir = wanted.replace(/^\.?\/+|\/+$/g, '');
    if (index.kustomizations.some((k) => k.dir === dir)) return { type: 'kustomize', dir };
    if (plainFiles(index, dir).length > 0) return { type: 'plain', dir };
    throw new UserError(
      `--path ${wanted}: no kustomization or YAML manifests there`,
      'pass an app folder of the repo',
    );
  }
  const found = new Map<string, AppPath>();
  for (const objects of index.produced.values()) {
    for (const o of objects) {
      if (o.kind !== 'Deployment' || o.via === 'helm') continue;
      found.set(`${o.via}:${o.root}`, { type: o.via, dir: o.root } as AppPath);
    }
  }
  const apps = [...found.values()];
  if (apps.length === 1) return apps[0] as AppPath;
  const dirs = apps.map((a) => (a.type === 'helm' ? '' : a.dir || '.')).sort();
  throw new UserError(
    apps.length === 0
      ? 'the repository has no Deployment in kustomize or plain YAML'
      : `the repository has ${apps.length} app paths with Deployments (${dirs.slice(0, 5).join(', ')}${dirs.length > 5 ? ', …' : ''})`,
    'pass --path with the one to run',
  );
}
