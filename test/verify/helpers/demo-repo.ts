// A throwaway GitOps repository holding the demo app (examples/demo-app/k8s) at two commits, base
// and head, that differ in what a test says (memory limit, failure switches). Real git, so the
// verification exports and diffs real refs.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { demoManifests } from '../../sandbox/helpers/podman-test-env.js';

const run = promisify(execFile);

export interface DemoVariant {
  memoryLimit: string;
  env?: Record<string, string>;
}

export interface DemoRepo {
  dir: string;
  base: string;
  head: string;
  remove(): Promise<void>;
}

export const APP_DIR = 'apps/demo';

async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    'git',
    [
      '-c',
      'user.name=aegis-test',
      '-c',
      'user.email=test@aegis.local',
      '-c',
      'commit.gpgsign=false',
      ...args,
    ],
    { cwd: dir },
  );
  return stdout.trim();
}

async function writeApp(dir: string, variant: DemoVariant, layout: 'plain' | 'kustomize'): Promise<void> {
  const appDir = path.join(dir, APP_DIR);
  await mkdir(appDir, { recursive: true });
  const [deployment, service] = demoManifests(variant) as [unknown, unknown];
  await writeFile(path.join(appDir, 'deployment.yaml'), stringify(deployment));
  await writeFile(path.join(appDir, 'service.yaml'), stringify(service));
  if (layout === 'kustomize') {
    await writeFile(
      path.join(appDir, 'kustomization.yaml'),
      stringify({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        namespace: 'demo',
        resources: ['deployment.yaml', 'service.yaml'],
      }),
    );
  }
}

/** base and head are the SHAs of the two commits; `config` becomes .github/aegis.yml at base. */
export async function createDemoRepo(
  base: DemoVariant,
  head: DemoVariant,
  options: { layout?: 'plain' | 'kustomize'; config?: unknown } = {},
): Promise<DemoRepo> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aegis-verify-repo-'));
  const layout = options.layout ?? 'plain';
  await git(dir, 'init', '-q', '-b', 'main');
  await writeFile(path.join(dir, 'README.md'), '# demo gitops repo\n');
  if (options.config !== undefined) {
    await mkdir(path.join(dir, '.github'));
    await writeFile(path.join(dir, '.github/aegis.yml'), stringify(options.config));
  }
  await writeApp(dir, base, layout);
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'base');
  const baseSha = await git(dir, 'rev-parse', 'HEAD');
  await writeApp(dir, head, layout);
  await git(dir, 'commit', '-q', '-am', 'head');
  const headSha = await git(dir, 'rev-parse', 'HEAD');
  return { dir, base: baseSha, head: headSha, remove: () => rm(dir, { recursive: true, force: true }) };
}
