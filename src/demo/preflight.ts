// Before anything starts: the tools the demo runs must be there and work, and each one that is
// not gets one line saying what to install. Every problem is found in one pass.
import { execFile } from 'node:child_process';
import { UserError } from '../core/errors.js';
import type { PodmanRunner } from '../sandbox/podman/podman-runner.js';

export type ToolRunner = (command: string, args: readonly string[]) => Promise<string>;

export interface PreflightDeps {
  podman: PodmanRunner;
  /** Runs another tool (git, kubectl); rejects when it is missing or fails. */
  run?: ToolRunner;
  nodeVersion?: string;
}

export interface PreflightResult {
  node: string;
  podman: string;
  runtime: string;
  kubectl: string;
  git: string;
}

const MIN_NODE = [20, 18] as const;

export async function preflight(deps: PreflightDeps): Promise<PreflightResult> {
  const run = deps.run ?? runTool;
  const node = deps.nodeVersion ?? process.versions.node;
  const problems: string[] = [];
  const [major = 0, minor = 0] = node.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1]))
    problems.push(`node ${node} is too old: install Node.js ${MIN_NODE.join('.')} or later`);

  const [podman, kubectl, git] = await Promise.all([
    podmanWorks(deps.podman).catch((error: unknown) => {
      problems.push(podmanProblem(error));
      return undefined;
    }),
    run('kubectl', ['version', '--client']).catch(() => {
      problems.push(
        'kubectl not found: install it (apt-get install -y kubectl); the demo repository is a Kustomize app',
      );
      return undefined;
    }),
    run('git', ['--version']).catch(() => {
      problems.push('git not found: install it (apt-get install -y git)');
      return undefined;
    }),
  ]);
  if (problems.length > 0 || !podman || kubectl === undefined || git === undefined) {
    throw new UserError(`demo preflight: ${problems.join('; ')}`);
  }
  return {
    node,
    podman: podman.version,
    runtime: podman.runtime,
    kubectl: firstLine(kubectl).replace(/^Client Version:\s*/, ''),
    git: firstLine(git).replace(/^git version\s*/, ''),
  };
}

/** `podman info` starts the runtime's checks (storage, OCI runtime), unlike `podman --version`. */
async function podmanWorks(podman: PodmanRunner): Promise<{ version: string; runtime: string }> {
  const out = await podman(['info', '--format', '{{.Version.Version}} {{.Host.OCIRuntime.Name}}'], {
    timeoutMs: 30_000,
  });
  const [version = '?', runtime = '?'] = out.trim().split(/\s+/);
  return { version, runtime };
}

function podmanProblem(error: unknown): string {
  if (error instanceof UserError) return `${error.message}: ${error.hint ?? 'install podman and runc'}`;
  const detail = error instanceof Error ? error.message : String(error);
  return `podman does not work (${detail}): run the demo as root with runc installed (apt-get install -y podman runc); AEGIS passes src/sandbox/podman/containers.conf through CONTAINERS_CONF`;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

function runTool(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 15_000, encoding: 'utf8' }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
}
