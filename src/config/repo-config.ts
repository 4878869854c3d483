// Repo policy: `.github/aegis.yml` in the GitOps repository. Strict (unknown keys are errors, so
// a typo never silently loosens a guardrail) with documented defaults; README lists every key.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { formatIssues, UserError } from '../core/errors.js';
import { parseQuantity } from '../core/quantity.js';
import { CATEGORIES } from '../core/types.js';
import { VerificationConfig } from '../verify/verify-config.js';

const QuantityString = z
  .union([z.string(), z.number()])
  .transform((value) => String(value))
  .refine((value) => parseQuantity(value) !== undefined, 'a Kubernetes quantity such as 8Gi or 4');

export const RepoConfig = z
  .object({
    /** Glob patterns over namespaces AEGIS may patch, and namespaces it must never touch. */
    namespaces: z
      .object({
        allow: z.array(z.string()).default(['*']),
        deny: z.array(z.string()).default(['kube-system', 'kube-public', 'kube-node-lease']),
      })
      .strict()
      .prefault({}),
    /** Glob patterns over `namespace/name` of workloads AEGIS may patch. */
    workloads: z
      .object({ allow: z.array(z.string()).default(['*/*']), deny: z.array(z.string()).default([]) })
      .strict()
      .prefault({}),
    memory: z
      .object({
        /** Multiplier applied to the limit after an OOM kill. */
        oomFactor: z.number().min(1.1).max(4).default(1.5),
        /** No proposal may raise a memory value by more than this factor. */
        maxFactor: z.number().min(1).max(4).default(4),
        /** Absolute ceiling for any memory limit or request AEGIS writes. */
        ceiling: QuantityString.default('16Gi'),
      })
      .strict()
      .prefault({}),
    cpu: z
      .object({
        /** Multiplier applied to the CPU limit when throttling is high. */
        throttleFactor: z.number().min(1.1).max(4).default(2),
        maxFactor: z.number().min(1).max(4).default(4),
        ceiling: QuantityString.default('4'),
      })
      .strict()
      .prefault({}),
    replicas: z
      .object({
        /** Multiplier applied to an HPA's maxReplicas when it is pinned at the maximum. */
        hpaFactor: z.number().min(1.1).max(4).default(1.5),
        maxFactor: z.number().min(1).max(4).default(2),
        /** Absolute ceiling for replicas and maxReplicas. */
        ceiling: z.number().int().min(1).default(50),
      })
      .strict()
      .prefault({}),
    images: z
      .object({
        /** Allow images this workload never ran before (default: only roll back to known tags). */
        allowNewTags: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    /** Categories AEGIS must only report, never patch. */
    reportOnly: z.array(z.enum(CATEGORIES)).default([]),
    /** Findings under this confidence are reported without a patch. */
    minConfidence: z.number().min(0).max(1).default(0.6),
    /** Probe delays AEGIS may write, in seconds. */
    probes: z
      .object({ maxInitialDelaySeconds: z.number().int().min(0).default(300) })
      .strict()
      .prefault({}),
    /** The rollout guard after merge (DESIGN.md §8). */
    rollout: z
      .object({
        /** Minutes a merged fix must stay healthy in Argo CD before it counts as verified-in-prod. */
        watchMinutes: z
          .number()
          .min(1)
          .max(24 * 60)
          .default(10),
        /** A failure older than this (since the sync finished) is not blamed on the fix: no revert. */
        maxFailureAgeMinutes: z
          .number()
          .min(1)
          .max(24 * 60)
          .default(20),
        /** Merge the revert PR at once (otherwise it waits for a human). */
        autoMergeRevert: z.boolean().default(false),
        /** Also wait for the incident's alert to resolve before calling the fix verified. */
        requireAlertResolved: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Shadow verification: load profile, verdict rules, scanners, sandbox timeout. */
    verification: VerificationConfig.prefault({}),
  })
  .strict();
export type RepoConfig = z.infer<typeof RepoConfig>;

export const REPO_CONFIG_PATH = '.github/aegis.yml';

export function defaultRepoConfig(): RepoConfig {
  return RepoConfig.parse({});
}

/** Parses policy text; errors name the file and every offending key. */
export function parseRepoConfig(text: string, where = REPO_CONFIG_PATH): RepoConfig {
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (error: unknown) {
    const first = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new UserError(
      `${where}: not valid YAML (${first})`,
      'fix the file or remove it to use the defaults',
    );
  }
  const result = RepoConfig.safeParse(raw);
  if (!result.success) {
    throw new UserError(
      `${where}: ${formatIssues(result.error.issues).join('; ')}`,
      'see the README for every key',
    );
  }
  return result.data;
}

/** Reads `.github/aegis.yml` from a checkout; a missing file means the defaults. */
export async function loadRepoConfig(repoRoot: string): Promise<RepoConfig> {
  const file = path.join(repoRoot, REPO_CONFIG_PATH);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultRepoConfig();
    throw error;
  }
  return parseRepoConfig(text);
}
