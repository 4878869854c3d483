// Steps 5 and 6 of the demo: what podman observed becomes the cluster snapshot, the bot starts in
// local mode, the OOM alert is POSTed to it over HTTP, and the fix PR it opens is read back from
// the local forge (and its branch from origin).
import { cpus, hostname, totalmem } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type { Deployment } from '../core/k8s.js';
import type { PullRequest } from '../forge/forge.js';
import { createGit } from '../git/create-git.js';
import { parsePrMeta } from '../propose/pr-meta.js';
import { buildClusterSnapshot, writeClusterSnapshot } from './cluster-snapshot.js';
import type { DemoRepo } from './gitops-repo.js';
import { chooseLlm } from './llm-choice.js';
import { incidentFailure, type LocalBot, startLocalBot, waitForIdle } from './local-bot.js';
import { buildOomAlert, OOM_ALERTNAME } from './oom-alert.js';
import { writeJson } from './output.js';
import type { ProductionEvidence } from './production.js';
import { fetchPrBranch } from './pull-request.js';
import { memoryLimitOf, type RenderedApp } from './render.js';
import type { DemoOptions } from './run-demo.js';
import { DEMO } from './settings.js';

export interface OpenedPr {
  pr: PullRequest;
  /** The PR branch as the clone knows it (`origin/<branch>`). */
  head: string;
  bot: LocalBot;
}

export async function openFixPr(
  ctx: DemoOptions & { outDir: string },
  input: { repo: DemoRepo; live: RenderedApp; evidence: ProductionEvidence; onBot: (bot: LocalBot) => void },
): Promise<OpenedPr | undefined> {
  const { timeline: t } = ctx;
  const snapshotDir = path.join(ctx.outDir, 'snapshot');
  const snapshot = buildClusterSnapshot({
    namespace: DEMO.namespace,
    deployment: input.live.deployment,
    services: input.live.services,
    containers: input.evidence.containers,
    events: input.evidence.events,
    logs: input.evidence.logs,
    node: { name: hostname(), memoryBytes: totalmem(), cpus: cpus().length, runtime: 'podman' },
  });
  await t.step('snapshot', () => writeClusterSnapshot(snapshotDir, snapshot));
  const victim = input.evidence.containers[0];
  const kill = victim?.terminations.find((x) => x.reason === 'OOMKilled');
  if (!victim || !kill) return undefined;
  t.say(
    `cluster snapshot from podman: pod ${DEMO.namespace}/${snapshot.podName}, restartCount ${victim.restartCount}, lastState OOMKilled (exit ${kill.exitCode} at ${kill.finishedAt?.replace(/\.\d+Z$/, 'Z') ?? '?'}) → ${snapshotDir}`,
  );

  const llm = await chooseLlm(ctx.cliEnv);
  const bot = await t.step('bot', () =>
    startLocalBot({
      clone: input.repo.clone,
      origin: input.repo.origin,
      baseBranch: DEMO.baseBranch,
      snapshotDir,
      stateDir: path.join(ctx.outDir, 'forge'),
      llm: llm.deps,
    }),
  );
  input.onBot(bot);
  t.say(`bot: aegis serve (local mode) listening on ${bot.server.url}; diagnosis by ${llm.description}`);

  const alert = buildOomAlert({
    namespace: DEMO.namespace,
    deployment: DEMO.workload,
    pod: snapshot.podName,
    container: victim.name,
    restarts: victim.restartCount,
    killedAt: kill.finishedAt ?? new Date().toISOString(),
  });
  await writeJson(path.join(ctx.outDir, 'alert.json'), alert);
  const status = await t.step('bot', () => bot.postAlert(alert));
  t.say(
    `alert ${OOM_ALERTNAME} for ${DEMO.namespace}/${snapshot.podName} POSTed to /api/alerts: HTTP ${status}`,
  );
  if (status !== 202) {
    t.say(`the bot refused the alert (HTTP ${status}): stopping`);
    return undefined;
  }
  const idle = await t.step('bot', () => waitForIdle(bot, DEMO.botTimeoutMs));
  const items = await bot.forge.listItems();
  const item = items.find((i) => i.type === 'pull');
  if (!idle || !item) {
    const why = !idle
      ? `no answer within ${DEMO.botTimeoutMs / 1000} s`
      : (incidentFailure(bot.logLines) ??
        (items[0] ? `it opened issue ${items[0].url} instead (no confident fix)` : 'no PR and no issue'));
    t.say(`the bot opened no pull request: ${why}; stopping`);
    return undefined;
  }
  const branch = parsePrMeta(item.body)?.branch;
  const pr = branch ? await bot.forge.findOpenPr(branch) : undefined;
  if (!pr) {
    t.say('the bot opened a pull request without its branch in the meta block: stopping');
    return undefined;
  }
  const head = await fetchPrBranch(input.repo.clone, pr.branch);
  const proposed = await manifestAt(input.repo.clone, head);
  const source = /\*\*Source:\*\* `([^`]+)`/.exec(pr.body)?.[1] ?? '?';
  t.say(`PR #${pr.number} opened: "${pr.title}" on ${pr.branch} (diagnosis source: ${source})`);
  t.say(
    `PR #${pr.number} changes ${DEMO.appDir}/deployment.yaml: memory limit ${memoryLimitOf(input.live.deployment).text} → ${memoryLimitOf(proposed).text}; the PR as Markdown: ${pr.url}`,
  );
  return { pr, head, bot };
}

/** The Deployment manifest of the demo app at `ref`, read with git. */
async function manifestAt(clone: string, ref: string): Promise<Deployment> {
  const text = await createGit(clone).raw(['show', `${ref}:${DEMO.appDir}/deployment.yaml`]);
  return parse(text) as Deployment;
}
