// The demo's GitOps repository: a bare `origin` (the remote Argo CD would sync from, and where
// AEGIS pushes fix branches) and a clone, holding the demo app as a Kustomize app with a low
// memory limit and the leak switched on, plus `.github/aegis.yml` with a short verification.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument, Scalar, stringify } from 'yaml';
import { createGit } from '../git/create-git.js';
import { DEMO_APP_DIR } from './demo-image.js';
import { DEMO } from './settings.js';

export interface DemoRepo {
  /** The bare repository (origin). */
  origin: string;
  /** The clone the bot works on; `main` is checked out. */
  clone: string;
  mainCommit: string;
}

/** The person who "merges" in the demo; the bot commits as aegis[bot]. */
export const DEMO_AUTHOR = { name: 'AEGIS demo', email: 'demo@aegis.invalid' } as const;

export async function createDemoRepo(dir: string): Promise<DemoRepo> {
  const origin = path.join(dir, 'origin.git');
  const clone = path.join(dir, 'clone');
  await mkdir(origin, { recursive: true });
  await mkdir(clone, { recursive: true });
  await createGit(origin).raw(['init', '--quiet', '--bare', '--initial-branch', DEMO.baseBranch]);
  for (const [file, text] of Object.entries(await demoFiles())) {
    await mkdir(path.dirname(path.join(clone, file)), { recursive: true });
    await writeFile(path.join(clone, file), text);
  }
  const git = createGit(clone, { author: DEMO_AUTHOR });
  await git.raw(['init', '--quiet', '--initial-branch', DEMO.baseBranch]);
  await git.add('.');
  await git.commit('Deploy demo-app to production (128Mi memory limit)');
  await git.raw(['remote', 'add', 'origin', origin]);
  await git.raw(['push', '--quiet', '--set-upstream', 'origin', DEMO.baseBranch]);
  const mainCommit = (await git.revparse(['HEAD'])).trim();
  return { origin, clone, mainCommit };
}

/** Repository path → content. */
export async function demoFiles(): Promise<Record<string, string>> {
  const app = DEMO.appDir;
  return {
    'README.md': [
      '# Demo GitOps repository',
      '',
      `\`${app}\` is what Argo CD would sync to namespace \`${DEMO.namespace}\`. Made by \`aegis demo\`.`,
      '',
    ].join('\n'),
    '.github/aegis.yml': repoConfig(),
    [`${app}/kustomization.yaml`]: stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: DEMO.namespace,
      resources: ['deployment.yaml', 'service.yaml'],
    }),
    [`${app}/deployment.yaml`]: await leakingDeployment(),
    [`${app}/service.yaml`]: await readFile(path.join(DEMO_APP_DIR, 'k8s/service.yaml'), 'utf8'),
  };
}

/** The example Deployment with its leak switched on and the demo's memory limit, comments kept. */
async function leakingDeployment(): Promise<string> {
  const text = await readFile(path.join(DEMO_APP_DIR, 'k8s/deployment.yaml'), 'utf8');
  const doc = parseDocument(text);
  const container = ['spec', 'template', 'spec', 'containers', 0];
  const env = doc.getIn([...container, 'env']) as { items: { get(key: string): unknown }[] } | undefined;
  const index = env?.items.findIndex((item) => item.get('name') === 'LEAK_MB_PER_REQUEST') ?? -1;
  if (index < 0) throw new Error('examples/demo-app/k8s/deployment.yaml has no LEAK_MB_PER_REQUEST variable');
  const leak = new Scalar(String(DEMO.leakMbPerRequest));
  leak.type = Scalar.QUOTE_DOUBLE;
  leak.comment = ' every request keeps this much memory: OOM-killed under load';
  doc.setIn([...container, 'env', index, 'value'], leak);
  doc.setIn([...container, 'resources', 'limits', 'memory'], DEMO.memoryLimit);
  doc.commentBefore = ' The AEGIS demo workload (examples/demo-app), as production runs it.';
  // The example's env comment says every switch is off; here the leak is on.
  return doc.toString().replace('; all off here.', '; the leak is on.');
}

function repoConfig(): string {
  const { traffic, verification } = DEMO;
  return [
    '# AEGIS policy for this repository (every key: the AEGIS README).',
    '# Shadow verification drives the same traffic production gets, briefly.',
    stringify({
      verification: {
        load: {
          paths: traffic.paths,
          connections: traffic.connections,
          rate: traffic.rate,
          warmupSeconds: verification.warmupSeconds,
          durationSeconds: verification.durationSeconds,
        },
        // No Trivy or ZAP on a demo machine: they would be `skipped` anyway.
        scanners: { trivy: false, zap: false },
        sandbox: { readyTimeoutSeconds: verification.readyTimeoutSeconds },
      },
    }),
  ].join('\n');
}
