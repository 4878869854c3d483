// Shadow-verification benchmark: (a) wall time of a whole podman verification of the OOM fix (the
// demo app leaking under a low limit at base, a raised limit at head) with 20 s of load per side;
// (b) the load generator's ceiling, i.e. the req/s autocannon reaches against a trivial HTTP
// server in its own process, which bounds any `verification.load.rate` worth configuring.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import type { Deployment } from '../core/k8s.js';
import { createGit } from '../git/create-git.js';
import { newRunId } from '../sandbox/labels.js';
import { createPodmanRunner } from '../sandbox/podman/podman-runner.js';
import { createPodmanBackend } from '../sandbox/podman/podman-sandbox.js';
import { runLoad } from '../verify/load.js';
import { runVerification } from '../verify/run-verification.js';
import { LoadProfile, VerificationConfig } from '../verify/verify-config.js';
import type { BenchResult } from './gitops-bench.js';

/** src/bench/ and dist/bench/ are both two levels below the repo root. */
const DEMO_DIR = fileURLToPath(new URL('../../examples/demo-app/', import.meta.url));
const WALL_TARGET_S = 90;
const CEILING_TARGET_RPS = 2000;

export async function benchVerify(): Promise<BenchResult[]> {
  return [...(await benchPodmanOom()), await benchLoadCeiling()];
}

async function benchPodmanOom(): Promise<BenchResult[]> {
  await promisify(execFile)(path.join(DEMO_DIR, 'build-image.sh'), ['dev'], { timeout: 180_000 });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'aegis-verify-bench-'));
  try {
    const { base, head } = await oomRepo(dir);
    // 1 MB per request at 5 req/s: 100 MB over 20 s; 64Mi is OOM-killed within seconds, 256Mi holds.
    const config = VerificationConfig.parse({
      load: { paths: ['/'], connections: 2, rate: 5, durationSeconds: 20, warmupSeconds: 0 },
      sandbox: { readyTimeoutSeconds: 60 },
    });
    const started = performance.now();
    const report = await runVerification({
      repoDir: dir,
      base,
      head,
      backend: createPodmanBackend({ podman: createPodmanRunner({ env: process.env }) }),
      config,
      category: 'oom-killed',
      progress: (line) => process.stderr.write(`bench: ${line}\n`),
      runId: newRunId(),
    });
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    return [
      {
        name: 'verify.podman_oom_wall (20 s load per side)',
        value: seconds,
        unit: 's',
        target: `<= ${WALL_TARGET_S}`,
        ok: seconds <= WALL_TARGET_S,
      },
      {
        name: `verify.podman_oom_verdict_pass (${report.verdict})`,
        value: report.verdict === 'pass' ? 1 : 0,
        unit: 'bool',
        target: '= 1',
        ok: report.verdict === 'pass',
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A git repo with the demo app at two commits: base limit 64Mi, head 256Mi, both leaking 1 MB/request. */
async function oomRepo(dir: string): Promise<{ base: string; head: string }> {
  const text = await readFile(path.join(DEMO_DIR, 'k8s/deployment.yaml'), 'utf8');
  const service = await readFile(path.join(DEMO_DIR, 'k8s/service.yaml'), 'utf8');
  const appDir = path.join(dir, 'apps/demo');
  await mkdir(appDir, { recursive: true });
  await writeFile(path.join(appDir, 'service.yaml'), service);
  const git = createGit(dir);
  await git.init(['-q', '-b', 'main']);
  const commits: string[] = [];
  for (const limit of ['64Mi', '256Mi']) {
    const deployment = parseAllDocuments(text)[0]?.toJS() as Deployment;
    const container = deployment.spec!.template.spec!.containers[0]!;
    container.env = (container.env ?? []).map((e) =>
      e.name === 'LEAK_MB_PER_REQUEST' ? { ...e, value: '1' } : e,
    );
    container.resources = { limits: { memory: limit } };
    await writeFile(path.join(appDir, 'deployment.yaml'), stringify(deployment));
    await git.add('.');
    await git.commit(`memory limit ${limit}`);
    commits.push((await git.revparse(['HEAD'])).trim());
  }
  return { base: commits[0] as string, head: commits[1] as string };
}

async function benchLoadCeiling(): Promise<BenchResult> {
  // Its own process: in ours, the server and autocannon would share one event loop.
  const { child, url } = await startTrivialServer();
  try {
    const profile = LoadProfile.parse({ connections: 50, durationSeconds: 5, warmupSeconds: 0 });
    const { load } = await runLoad(url, profile);
    return {
      name: 'verify.load_ceiling (autocannon vs trivial node:http, 5 s)',
      value: Math.round(load.throughputRps),
      unit: 'req/s',
      target: `>= ${CEILING_TARGET_RPS}`,
      ok: load.throughputRps >= CEILING_TARGET_RPS && load.errors === 0,
    };
  } finally {
    child.kill('SIGKILL');
  }
}

const TRIVIAL_SERVER = `
const server = require('node:http').createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

function startTrivialServer(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', TRIVIAL_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', reject);
    child.stdout?.once('data', (chunk: Buffer) => {
      const port = Number(chunk.toString().trim());
      if (port > 0) resolve({ child, url: `http://127.0.0.1:${port}` });
      else reject(new Error(`bench: trivial server printed no port (${chunk.toString().trim()})`));
    });
  });
}
