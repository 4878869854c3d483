// Shared set-up for the podman sandbox tests: podman must be there (a missing podman is a failure
// with one line saying what to do, unless AEGIS_SKIP_PODMAN=1 asks to skip visibly), the demo image
// is built once per file, and every test ends by proving its run left nothing labelled behind.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Deployment } from '../../../src/core/k8s.js';
import { SANDBOX_LABELS } from '../../../src/sandbox/labels.js';
import { createPodmanRunner, type PodmanRunner } from '../../../src/sandbox/podman/podman-runner.js';
import { isEmpty, listLabelled } from '../../../src/sandbox/podman/remove-labelled.js';
import { PROJECT_ROOT } from '../../helpers/paths.js';

export const skipPodman = process.env.AEGIS_SKIP_PODMAN === '1';

export function requirePodman(): void {
  try {
    execFileSync('podman', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'podman not found: install it (apt-get install -y podman runc) or set AEGIS_SKIP_PODMAN=1 to skip the sandbox tests',
    );
  }
}

export function testPodman(): PodmanRunner {
  return createPodmanRunner({ env: process.env });
}

const DEMO_DIR = path.join(PROJECT_ROOT, 'examples/demo-app');

/** Builds (or finds, the script is idempotent) localhost/aegis-demo-app:dev; returns its id. */
export async function buildDemoImage(): Promise<string> {
  const { stdout } = await promisify(execFile)(path.join(DEMO_DIR, 'build-image.sh'), ['dev'], {
    timeout: 120_000,
  });
  return stdout.trim();
}

/** The example manifests with the demo's failure switches and memory limit set. */
export function demoManifests(
  options: { env?: Record<string, string>; memoryLimit?: string; extraPort?: number } = {},
): unknown[] {
  const docs = ['deployment.yaml', 'service.yaml'].flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(DEMO_DIR, 'k8s', file), 'utf8')).map(
      (doc) => doc.toJS() as unknown,
    ),
  );
  const deployment = docs.find((doc) => (doc as Deployment).kind === 'Deployment') as Deployment;
  const container = deployment.spec!.template.spec!.containers[0]!;
  container.env ??= [];
  for (const [name, value] of Object.entries(options.env ?? {})) {
    const existing = container.env.find((entry) => entry.name === name);
    if (existing) existing.value = value;
    else container.env.push({ name, value });
  }
  if (options.extraPort) container.ports = [...(container.ports ?? []), { containerPort: options.extraPort }];
  if (options.memoryLimit) container.resources = { limits: { memory: options.memoryLimit } };
  return docs;
}

export async function expectNothingLeft(podman: PodmanRunner, runId: string): Promise<void> {
  const left = await listLabelled(podman, `${SANDBOX_LABELS.run}=${runId}`);
  expect(left).toEqual({ pods: [], containers: [], networks: [], volumes: [] });
  expect(isEmpty(left)).toBe(true);
}
