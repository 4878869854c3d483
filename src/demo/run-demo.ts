// `aegis demo` (DESIGN.md §9): the whole flow on this machine, for real. A GitOps repository with
// a leaking app under a low memory limit is deployed with podman as "production", driven until the
// kernel OOM-kills it; what podman saw becomes the cluster snapshot the bot reads; the bot, running
// here in local mode, gets the alert over HTTP and opens a fix PR; the PR is shadow-verified with
// podman, merged (git, for real) and rolled out, and production is watched under the same traffic.
// Everything the demo started is removed at the end (unless kept), also on failure or Ctrl-C.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { CliEnv } from '../config/env.js';
import { describeError } from '../core/errors.js';
import { formatMemory } from '../core/quantity.js';
import type { PullRequest } from '../forge/forge.js';
import { execRenderer } from '../gitops/renderer.js';
import { newRunId, SANDBOX_LABELS } from '../sandbox/labels.js';
import { createPodmanRunner, type PodmanRunner } from '../sandbox/podman/podman-runner.js';
import { createPodmanBackend } from '../sandbox/podman/podman-sandbox.js';
import { removeLabelled } from '../sandbox/podman/remove-labelled.js';
import type { SandboxBackend } from '../sandbox/sandbox.js';
import type { Verdict } from '../verify/types.js';
import { buildDemoImage } from './demo-image.js';
import { createDemoRepo } from './gitops-repo.js';
import type { LocalBot } from './local-bot.js';
import { openFixPr } from './open-fix-pr.js';
import { prepareOutDir } from './output.js';
import { preflight } from './preflight.js';
import {
  collectEvidence,
  deployProduction,
  describeKill,
  driveUntilOomKilled,
  type Production,
  watchProduction,
} from './production.js';
import { mergePr } from './pull-request.js';
import { memoryLimitOf, renderDemoApp } from './render.js';
import { DEMO } from './settings.js';
import { seconds, type Timeline } from './timeline.js';
import { verifyFixPr } from './verify-fix-pr.js';

export interface DemoOptions {
  /** Output folder (created; must be empty). Default: a new folder under the OS temp folder. */
  outDir?: string;
  keep: boolean;
  env: NodeJS.ProcessEnv;
  cliEnv: Pick<CliEnv, 'OLLAMA_HOST' | 'AEGIS_OLLAMA_MODEL'>;
  timeline: Timeline;
  /** Detail lines (verification progress), not part of the narration. */
  progress: (line: string) => void;
}

export interface DemoResult {
  outDir: string;
  runId: string;
  verdict?: Verdict;
  healthy?: boolean;
  /** The step that stopped the demo, when one did. */
  stoppedAt?: string;
  pr?: { number: number; branch: string; markdown: string };
  report?: { markdown: string; json: string };
}

export interface DemoRun {
  readonly runId: string;
  run(): Promise<DemoResult>;
  /** Removes what the demo started (idempotent); called by run() itself and on a signal. */
  cleanup(): Promise<void>;
}

export function createDemoRun(options: DemoOptions): DemoRun {
  const runId = `demo-${newRunId()}`;
  const podman = createPodmanRunner({ env: options.env });
  // One backend for production, the verification sandboxes and the rollout: one port allocator.
  const backend = createPodmanBackend({ podman });
  let startedInPodman = false;
  let bot: LocalBot | undefined;
  let reposDir: string | undefined;
  let cleaning: Promise<void> | undefined;

  const cleanup = () => {
    cleaning ??= (async () => {
      await bot?.stop().catch(() => undefined);
      if (options.keep) return;
      if (startedInPodman) await removeLabelled(podman, `${SANDBOX_LABELS.run}=${runId}`);
      if (reposDir) await rm(reposDir, { recursive: true, force: true });
    })();
    return cleaning;
  };

  return {
    runId,
    cleanup,
    async run() {
      const outDir = await prepareOutDir(options.outDir);
      const repos = path.join(outDir, 'gitops');
      reposDir = repos;
      const result: DemoResult = { outDir, runId };
      let failure: unknown;
      try {
        await steps(
          {
            ...options,
            podman,
            backend,
            runId,
            outDir,
            reposDir: repos,
            onSandbox: () => {
              startedInPodman = true;
            },
            onBot: (b) => (bot = b),
          },
          result,
        );
      } catch (error: unknown) {
        failure = error;
      }
      try {
        await options.timeline.step('cleanup', () => finish(options, runId, cleanup, repos, startedInPodman));
      } catch (error: unknown) {
        // The step's own error says more than a cleanup that failed after it.
        if (failure === undefined) failure = error;
        else options.progress(`cleanup failed too: ${describeError(error)}`);
      }
      if (failure !== undefined) throw failure;
      return result;
    },
  };
}

interface Context extends DemoOptions {
  podman: PodmanRunner;
  runId: string;
  outDir: string;
  reposDir: string;
  backend: SandboxBackend;
  /** A sandbox was created in podman (cleanup then removes everything labelled with the run). */
  onSandbox: () => void;
  onBot: (bot: LocalBot) => void;
}

async function steps(ctx: Context, result: DemoResult): Promise<void> {
  const { timeline: t, podman } = ctx;
  const stop = (step: string) => {
    result.stoppedAt = step;
  };

  // 1. The tools.
  const tools = await t.step('preflight', () => preflight({ podman }));
  t.say(
    `preflight: node ${tools.node}, podman ${tools.podman} (${tools.runtime}), kubectl ${tools.kubectl}, git ${tools.git}`,
  );

  // 2. The image.
  const image = await t.step('image', () => buildDemoImage(ctx.env));
  t.say(`image ${image.image} ${image.rebuilt ? 'built' : 'up to date'} (${image.id.slice(0, 12)})`);

  // 3. The GitOps repository.
  const repo = await t.step('repository', () => createDemoRepo(ctx.reposDir));
  const renderer = execRenderer();
  const live = await renderDemoApp(renderer, repo.clone);
  const limit = memoryLimitOf(live.deployment);
  t.say(
    `GitOps repo: main ${short(repo.mainCommit)} deploys ${DEMO.namespace}/${DEMO.workload} from ${DEMO.appDir} (Kustomize): memory limit ${limit.text}, leaking ${DEMO.leakMbPerRequest} MB per request`,
  );

  // 4. Production, and the traffic that kills it.
  const production = await t.step('production', () =>
    deployProduction(
      ctx.backend,
      { runId: ctx.runId, role: 'production', manifests: live.yaml, readyTimeoutMs: DEMO.readyTimeoutMs },
      ctx.onSandbox,
    ),
  );
  t.say(
    `production: deployed main ${short(repo.mainCommit)} with podman, ready after ${seconds(production.readyAfterMs)} (podman label ${SANDBOX_LABELS.run}=${ctx.runId})`,
  );
  t.say(
    `traffic: ${DEMO.traffic.rate} requests/s with autocannon at ${production.url}, until podman sees an OOM kill`,
  );
  const traffic = await t.step('traffic', () => driveUntilOomKilled(production, DEMO.oomDeadlineSeconds));
  const evidence = await collectEvidence(podman, production, DEMO.workload, [DEMO.container]);
  const victim = evidence.containers[0];
  if (!victim || victim.oomKills === 0) {
    stop('traffic');
    t.say(
      `production was NOT OOM-killed within ${Math.round(traffic.seconds)} s (${traffic.served} requests served; ${victim ? describeKill(victim) : 'no container'}): stopping`,
    );
    return;
  }
  t.say(
    `production OOM-killed after ${traffic.served} requests in ${seconds(traffic.seconds * 1000)} (${describeKill(victim)}); podman restarted it`,
  );

  // 5-6. Evidence, alert, bot, PR.
  const opened = await openFixPr(ctx, { repo, live, evidence, onBot: ctx.onBot });
  if (!opened) {
    stop('bot');
    return;
  }
  const { pr, head } = opened;
  result.pr = { number: pr.number, branch: pr.branch, markdown: pr.url };

  // 7. Shadow verification of the PR.
  const verified = await t.step('verification', () =>
    verifyFixPr(ctx, { clone: repo.clone, pr, head, bot: opened.bot }),
  );
  result.verdict = verified.report.verdict;
  result.report = verified.paths;
  if (verified.report.verdict !== 'pass') {
    stop('verification');
    t.say('not merging: only a verified fix is merged in the demo');
    return;
  }

  // 8. Merge, roll out, watch.
  const healthy = await t.step('rollout', () =>
    mergeAndRollOut(ctx, { repo, pr, head, production, bot: opened.bot }),
  );
  result.healthy = healthy;
  if (!healthy) stop('rollout');
}

async function mergeAndRollOut(
  ctx: Context,
  input: {
    repo: { clone: string };
    pr: PullRequest;
    head: string;
    production: Production;
    bot: LocalBot;
  },
): Promise<boolean> {
  const { timeline: t } = ctx;
  const merge = await mergePr(input.repo.clone, input.pr, input.head);
  await input.bot.forge.markMerged(input.pr.number, merge);
  t.say(`PR #${input.pr.number} merged into main as ${short(merge)} (pushed to origin; local forge: merged)`);

  const merged = await renderDemoApp(execRenderer(), input.repo.clone);
  await input.production.sandbox.destroy();
  const rolled = await deployProduction(
    ctx.backend,
    {
      runId: ctx.runId,
      role: `production-${short(merge)}`,
      manifests: merged.yaml,
      readyTimeoutMs: DEMO.readyTimeoutMs,
    },
    ctx.onSandbox,
  );
  t.say(
    `rollout: production replaced with main ${short(merge)} (memory limit ${memoryLimitOf(merged.deployment).text}), ready after ${seconds(rolled.readyAfterMs)}`,
  );
  const watched = await watchProduction(rolled, DEMO.watchSeconds);
  const { totals } = watched.observation;
  const healthy = totals.ready && totals.restarts === 0 && totals.oomKills === 0 && watched.load.errors === 0;
  const memory = totals.memoryBytes ? `, memory ${formatMemory(totals.memoryBytes)}` : '';
  const facts = `${watched.load.requests} requests, ${watched.load.errors} errors, ${totals.restarts} restarts, ${totals.oomKills} OOM kills, ${totals.ready ? 'ready' : 'NOT ready'}${memory}`;
  t.say(
    healthy
      ? `healthy after ${DEMO.watchSeconds} s of the same traffic: ${facts}`
      : `UNHEALTHY after ${DEMO.watchSeconds} s of the same traffic: ${facts}; the rollout guard would now open a git-revert PR and hold remediation of ${DEMO.workload}`,
  );
  return healthy;
}

async function finish(
  options: DemoOptions,
  runId: string,
  cleanup: () => Promise<void>,
  reposDir: string,
  startedInPodman: boolean,
): Promise<void> {
  const t = options.timeline;
  await cleanup();
  const label = `${SANDBOX_LABELS.run}=${runId}`;
  if (options.keep) {
    t.say(
      `kept (--keep): production and the repositories in ${reposDir}; remove production with \`aegis shadow delete --name ${runId}\` (everything labelled ${label})`,
    );
    return;
  }
  if (!startedInPodman) {
    t.say('cleanup: nothing was started in podman; temporary repositories removed');
    return;
  }
  // removeLabelled returned only once podman listed nothing left with the label (it throws otherwise).
  t.say(
    `cleanup: no pod, container, network or volume labelled ${label} left; temporary repositories removed`,
  );
}

function short(sha: string): string {
  return sha.slice(0, 7);
}
