// waitReady for a virtual cluster: polls each applied workload through client-node until every one
// is rolled out or the time is up. A workload that cannot be read yet (404 right after apply, the
// API restarting) is "still waiting", not a failure: a start that never finishes is `timed_out`,
// which the verdict reports as an error of the run, never as a failing fix.
import type { AppsV1Api } from '@kubernetes/client-node';
import { describeError } from '../../core/errors.js';
import type { ReadyOutcome } from '../sandbox.js';
import type { WorkloadRef } from './apply-manifests.js';
import { rolloutProgress } from './rollout-status.js';

export interface WaitContext {
  apps: AppsV1Api;
  workloads: readonly WorkloadRef[];
  timeoutMs: number;
  pollMs: number;
  now: () => number;
}

async function readWorkload(apps: AppsV1Api, ref: WorkloadRef): Promise<object> {
  const params = { name: ref.name, namespace: ref.namespace };
  if (ref.kind === 'Deployment') return apps.readNamespacedDeploymentStatus(params);
  if (ref.kind === 'StatefulSet') return apps.readNamespacedStatefulSetStatus(params);
  return apps.readNamespacedDaemonSetStatus(params);
}

/** What each workload still waits for; empty when all are rolled out. */
export async function pendingRollouts(apps: AppsV1Api, workloads: readonly WorkloadRef[]): Promise<string[]> {
  const answers = await Promise.all(
    workloads.map(async (ref) => {
      const label = `${ref.kind}/${ref.name}`;
      try {
        const progress = rolloutProgress(ref.kind, await readWorkload(apps, ref));
        return progress.done ? undefined : `${label} (${progress.waiting})`;
      } catch (error: unknown) {
        return `${label} (cannot read status: ${describeError(error)})`;
      }
    }),
  );
  return answers.filter((answer): answer is string => answer !== undefined);
}

export async function waitForRollouts(ctx: WaitContext): Promise<ReadyOutcome> {
  const started = ctx.now();
  if (ctx.workloads.length === 0) return { status: 'timed_out', elapsedMs: 0, waitingFor: ['no workload'] };
  let lastAnswer: string[] | undefined;
  for (;;) {
    // A request that hangs must not outlive the deadline: the hard timeout is the contract. What a
    // poll that missed it says is the previous poll's answer, if there was one.
    const remaining = Math.max(0, ctx.timeoutMs - (ctx.now() - started));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<string[]>((resolve) => {
      timer = setTimeout(
        () => resolve(lastAnswer ?? ['the virtual cluster API did not answer in time']),
        remaining,
      );
    });
    const waitingFor = await Promise.race([pendingRollouts(ctx.apps, ctx.workloads), deadline]);
    clearTimeout(timer);
    lastAnswer = waitingFor;
    const elapsedMs = ctx.now() - started;
    if (waitingFor.length === 0) return { status: 'ready', elapsedMs };
    if (elapsedMs + ctx.pollMs >= ctx.timeoutMs) return { status: 'timed_out', elapsedMs, waitingFor };
    await new Promise((resolve) => setTimeout(resolve, ctx.pollMs));
  }
}
