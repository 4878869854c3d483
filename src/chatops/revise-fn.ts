// The contract of `/aegis revise <instruction>`: the server injects the real implementation (LLM
// re-plan through the same guardrails, then a force-with-lease push); ChatOps only calls it and
// reports the outcome. Without one (no OLLAMA_HOST) revise is refused: rules take no instructions.
import type { Logger } from 'pino';
import type { GitHubClient } from '../github/client.js';
import type { PrMeta } from '../propose/pr-meta.js';

export interface ReviseRequest {
  github: GitHubClient;
  owner: string;
  repo: string;
  pr: { number: number; branch: string; headSha: string; body: string };
  meta: PrMeta;
  /** Untrusted text from the comment; it may only steer the plan, guardrails still decide. */
  instruction: string;
  log: Logger;
}

export type ReviseOutcome =
  | { outcome: 'revised'; commit: string; summary: string }
  | { outcome: 'refused'; reason: string };

export type ReviseFn = (request: ReviseRequest) => Promise<ReviseOutcome>;
