// `aegis demo` for real, through the built CLI: podman production OOM-killed under load, the bot's
// fix PR (raising the memory limit), shadow verification red → green, merge, healthy rollout, and
// nothing labelled with the demo's run left in podman afterwards.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuantity } from '../../src/core/quantity.js';
import { SANDBOX_LABELS } from '../../src/sandbox/labels.js';
import { listLabelled, removeLabelled } from '../../src/sandbox/podman/remove-labelled.js';
import type { VerificationReport } from '../../src/verify/types.js';
import { type CliRun, runCli } from '../helpers/run-cli.js';
import { requirePodman, skipPodman, testPodman } from '../sandbox/helpers/podman-test-env.js';

/** The budget of issue 6: the demo must finish within three minutes on a 2-core machine. */
const BUDGET_S = 180;

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}

/** The `-`/`+` memory lines of the PR's manifest diff block. */
function manifestDiffMemory(markdown: string): { removed: string[]; added: string[] } {
  const block = /<summary>Manifest diff<\/summary>\s*```diff\n([\s\S]*?)```/.exec(markdown)?.[1] ?? '';
  const values = (sign: string) =>
    block
      .split('\n')
      .filter((line) => line.startsWith(sign) && !line.startsWith(`${sign}${sign}`))
      .map((line) => /memory:\s*(\S+)/.exec(line)?.[1])
      .filter((value): value is string => value !== undefined);
  return { removed: values('-'), added: values('+') };
}

describe.skipIf(skipPodman)('aegis demo (real podman)', () => {
  const podman = testPodman();
  const out = mkdtempSync(path.join(tmpdir(), 'aegis-demo-test-'));
  // The demo runs from a folder of its own, as a user may run it from anywhere: whatever podman
  // drops into its working directory would show up here (other suites' podman runs cannot).
  const caller = mkdtempSync(path.join(tmpdir(), 'aegis-demo-caller-'));
  let run: CliRun;
  let runId: string | undefined;

  beforeAll(async () => {
    requirePodman();
    run = await runCli(['demo', '--out', out], { cwd: caller });
    runId = /label aegis\.run=(demo-[0-9a-f]+)/.exec(run.stdout)?.[1];
  }, 240_000);

  afterAll(async () => {
    // Only what this run made, and only when a failed run left it behind.
    if (runId) await removeLabelled(podman, `${SANDBOX_LABELS.run}=${runId}`).catch(() => undefined);
    rmSync(out, { recursive: true, force: true });
    rmSync(caller, { recursive: true, force: true });
  });

  it('exits 0 within the time budget, narrating every step on a timeline', () => {
    expect(run.stderr).not.toMatch(/aegis: (?!verify: )/);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const timeline = run.stdout.split('\n').filter((line) => line.startsWith('['));
    expect(timeline.every((line) => /^\[\d\d:\d\d\] \S/.test(line))).toBe(true);
    const steps = [
      /preflight: node \S+, podman \S+ \(runc\), kubectl/,
      /image localhost\/aegis-demo-app:dev (built|up to date)/,
      /GitOps repo: main [0-9a-f]{7} deploys demo\/demo-app .* memory limit 128Mi/,
      /production: deployed main [0-9a-f]{7} with podman, ready after/,
      /production OOM-killed after \d+ requests in .* \(limit 128Mi, exit 137, restarts [1-9]/,
      /cluster snapshot from podman: pod demo\/demo-app-\S+, restartCount [1-9]\d*, lastState OOMKilled \(exit 137 at /,
      /bot: aegis serve \(local mode\) listening on http:\/\/127\.0\.0\.1:\d+; diagnosis by (rules only|rules \+ LLM)/,
      /alert KubeContainerOOMKilled for demo\/demo-app-\S+ POSTed to \/api\/alerts: HTTP 202/,
      /PR #1 opened: "fix\(demo-app\): .*\[aegis\]" on aegis\/demo\/demo-app\/oom-killed-[0-9a-f]{8}/,
      /shadow verification of PR #1 with podman: control main vs candidate origin\/aegis\//,
      /verification PASS: control [1-9]\d* OOM kills.*; candidate 0 OOM kills, 0 restarts/,
      /PR #1 merged into main as [0-9a-f]{7}/,
      /rollout: production replaced with main [0-9a-f]{7} \(memory limit \d+Mi\), ready after/,
      /healthy after \d+ s of the same traffic: \d+ requests, 0 errors, 0 restarts, 0 OOM kills, ready/,
      /cleanup: no pod, container, network or volume labelled aegis\.run=demo-[0-9a-f]+ left/,
    ];
    for (const step of steps)
      expect(
        timeline.some((line) => step.test(line)),
        String(step),
      ).toBe(true);
    // In order: each step's line comes after the previous one's.
    const positions = steps.map((step) => timeline.findIndex((line) => step.test(line)));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));

    const total = /AEGIS demo passed in (?:(\d+)m(\d+)s|([\d.]+) s)/.exec(run.stdout);
    expect(total).not.toBeNull();
    const seconds = total?.[3] ? Number(total[3]) : Number(total?.[1]) * 60 + Number(total?.[2]);
    expect(seconds).toBeLessThanOrEqual(BUDGET_S);
    expect(run.stdout).toMatch(/steps: +preflight [\d.]+ s · image /);
    expect(readFileSync(path.join(out, 'timeline.txt'), 'utf8').trim()).toBe(timeline.join('\n'));
  });

  it('wrote the PR as Markdown whose diff raises the 128Mi memory limit, and merged it', () => {
    const prPath = /pull request: +(\S+\.md) \(branch (aegis\/\S+)\)/.exec(run.stdout);
    expect(prPath?.[1]).toBeDefined();
    const markdown = readFileSync(prPath?.[1] ?? '', 'utf8');
    const { removed, added } = manifestDiffMemory(markdown);
    expect(removed).toEqual(['128Mi']);
    expect(added).toHaveLength(1);
    expect(parseQuantity(added[0])).toBeGreaterThan(parseQuantity('128Mi') ?? Number.POSITIVE_INFINITY);
    expect(markdown).toContain('`spec.template.spec.containers[name=app].resources.limits.memory`');

    const json = JSON.parse(readFileSync(prPath?.[1].replace(/\.md$/, '.json') ?? '', 'utf8')) as {
      state: string;
      branch: string;
      labels: string[];
      mergeCommit?: string;
      comments: { body: string }[];
    };
    expect(json).toMatchObject({ state: 'merged', branch: prPath?.[2] });
    expect(json.mergeCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(json.labels).toEqual(expect.arrayContaining(['aegis', 'aegis/oom-killed', 'aegis/verify:passed']));
    expect(json.labels).not.toContain('aegis/verify:pending');
    expect(json.comments.map((c) => c.body).join('\n')).toContain('<!-- aegis:verify-report -->');
  });

  it('verified the PR red → green: control OOM-killed, candidate not', () => {
    const reportPath = /verification: +(\S+\.md)\n +(\S+\.json)/.exec(run.stdout);
    expect(reportPath).not.toBeNull();
    expect(readFileSync(reportPath?.[1] ?? '', 'utf8')).toContain('Shadow verification passed');
    const report = JSON.parse(readFileSync(reportPath?.[2] ?? '', 'utf8')) as VerificationReport;
    expect(report.verdict).toBe('pass');
    expect(report.sides.control?.oomKills).toBeGreaterThan(0);
    expect(report.sides.candidate).toMatchObject({ oomKills: 0, restarts: 0, ready: true });
    expect(report.redGreen.outcome).toBe('red-green');
    expect(report.refs).toMatchObject({ base: 'main' });
  });

  it('left nothing behind in podman or the repositories, and printed no secret', async () => {
    expect(runId).toBeDefined();
    const left = await listLabelled(podman, `${SANDBOX_LABELS.run}=${runId}`);
    expect(left).toEqual({ pods: [], containers: [], networks: [], volumes: [] });
    expect(existsSync(path.join(out, 'gitops'))).toBe(false);
    // conmon marks an OOM kill with an `oom` file in podman's working directory: never the user's.
    expect(readdirSync(caller)).toEqual([]);
    expect(existsSync(path.join(out, 'snapshot', 'nodes.json'))).toBe(true);
    // The alert token is 48 hex characters made for the run: it must appear nowhere.
    const texts = [run.stdout, run.stderr, ...files(out).map((file) => readFileSync(file, 'utf8'))];
    for (const text of texts) expect(text).not.toMatch(/(?<![0-9a-f])[0-9a-f]{48}(?![0-9a-f])/);
  });
});

describe('aegis demo --help', () => {
  it('describes the command and its options', async () => {
    const help = await runCli(['demo', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Run the whole AEGIS flow on this machine with podman/);
    for (const option of ['--out <dir>', '--keep', '--quiet']) expect(help.stdout).toContain(option);
  });

  it('refuses a non-empty --out with one line saying what to do, before starting anything', async () => {
    const busy = mkdtempSync(path.join(tmpdir(), 'aegis-demo-busy-'));
    writeFileSync(path.join(busy, 'keep.txt'), 'mine');
    try {
      const run = await runCli(['demo', '--out', busy]);
      expect(run.code).toBe(2);
      expect(run.stderr.trim()).toMatch(/^aegis: --out .* is not empty \(choose a new or empty folder/);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(readdirSync(busy)).toEqual(['keep.txt']);
    } finally {
      rmSync(busy, { recursive: true, force: true });
    }
  });
});
