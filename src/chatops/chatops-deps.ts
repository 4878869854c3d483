// What the ChatOps handlers need from the server, passed in (STYLE.md "Pass dependencies in").
import { DEFAULT_VERIFY_WORKFLOW } from '../github/verify-check.js';
import type { RolloutGuard } from '../guard/rollout-guard.js';
import type { Metrics } from '../server/metrics.js';
import type { ReviseFn } from './revise-fn.js';

export interface ChatOpsOptions {
  /** The GitHub App's id: tells its own check runs from other apps' (workflow_run handling). */
  appId?: number;
  /** Default: the server's own metrics. */
  metrics?: Metrics;
  /** File name of the verify workflow under .github/workflows/ (default aegis-verify.yml). */
  verifyWorkflow?: string;
  /** Absent without an LLM: `/aegis revise` is then refused with an explanation. */
  revise?: ReviseFn;
  /** Absent without the GitHub App: merges are only logged and `/aegis revert` is refused. */
  guard?: RolloutGuard;
}

export interface ChatOpsDeps {
  appId?: number;
  metrics: Metrics;
  verifyWorkflow: string;
  revise?: ReviseFn;
  guard?: RolloutGuard;
}

export function resolveChatOpsDeps(options: ChatOpsOptions, serverMetrics: Metrics): ChatOpsDeps {
  return {
    ...(options.appId !== undefined ? { appId: options.appId } : {}),
    metrics: options.metrics ?? serverMetrics,
    verifyWorkflow: options.verifyWorkflow ?? DEFAULT_VERIFY_WORKFLOW,
    ...(options.revise ? { revise: options.revise } : {}),
    ...(options.guard ? { guard: options.guard } : {}),
  };
}
