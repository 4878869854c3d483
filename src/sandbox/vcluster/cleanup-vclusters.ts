// The janitor for virtual clusters: a run that died before destroy() (a cancelled job, a killed
// runner) leaves its vcluster behind. `vcluster list --output json` shows no labels, so AEGIS's own
// are recognised by what create gave them: the sandbox name `aegis-<run>-<role>` and, with helm,
// the host namespace prefix + that name. Older than the TTL → `vcluster delete --ignore-not-found`.
import { z } from 'zod';
import { describeError } from '../../core/errors.js';
import type { VclusterCli } from './vcluster-cli.js';
import { deleteArgs, listArgs, type VclusterDriver } from './vcluster-commands.js';
import { DEFAULT_NAMESPACE_PREFIX } from './vcluster-sandbox.js';

/** Sandbox names as createVclusterSandbox makes them: aegis-<hex run id>-<role>. */
export const SANDBOX_NAME = /^aegis-[0-9a-f]+-[a-z0-9-]+$/;

// Third-party output, read leniently: only the fields the janitor needs, the rest may drift.
const Listed = z.array(
  z.looseObject({
    Name: z.string(),
    Namespace: z.string().optional(),
    Created: z.string().optional(),
    AgeSeconds: z.number().optional(),
  }),
);

export interface VclusterCleanupOptions {
  cli: VclusterCli;
  driver: VclusterDriver;
  /** Clusters created longer ago than this are deleted; 0 deletes every AEGIS sandbox. */
  olderThanMs: number;
  namespacePrefix?: string;
  timeoutMs?: number;
  now?: () => number;
}

export interface VclusterCleanupResult {
  removed: string[];
  kept: string[];
  /** `name: reason` for deletes that failed; the next janitor run retries them. */
  failed: string[];
}

export async function cleanupVclusters(options: VclusterCleanupOptions): Promise<VclusterCleanupResult> {
  const now = (options.now ?? Date.now)();
  const prefix = options.namespacePrefix ?? DEFAULT_NAMESPACE_PREFIX;
  const timeout = options.timeoutMs ? { timeoutMs: options.timeoutMs } : {};
  const stdout = await options.cli.run(listArgs(options.driver), timeout);
  let raw: unknown;
  try {
    raw = JSON.parse(stdout.trim() || 'null') ?? [];
  } catch {
    throw new Error(`vcluster list --output json printed no JSON: ${stdout.trim().split('\n')[0] ?? ''}`);
  }
  const parsed = Listed.safeParse(raw);
  if (!parsed.success)
    throw new Error('vcluster list --output json: expected a list of {Name, Namespace, Created}');

  const result: VclusterCleanupResult = { removed: [], kept: [], failed: [] };
  for (const entry of parsed.data) {
    if (!SANDBOX_NAME.test(entry.Name)) continue;
    if (options.driver === 'helm' && entry.Namespace !== `${prefix}${entry.Name}`) continue;
    const created = entry.Created ? Date.parse(entry.Created) : Number.NaN;
    const ageMs = Number.isFinite(created)
      ? now - created
      : entry.AgeSeconds !== undefined
        ? entry.AgeSeconds * 1000
        : undefined;
    // Without an age only an explicit "everything" (0) removes it.
    const expired = options.olderThanMs === 0 || (ageMs !== undefined && ageMs > options.olderThanMs);
    if (!expired) {
      result.kept.push(entry.Name);
      continue;
    }
    const target = {
      name: entry.Name,
      driver: options.driver,
      ...(entry.Namespace ? { namespace: entry.Namespace } : {}),
    };
    try {
      await options.cli.run(deleteArgs(target), timeout);
      result.removed.push(entry.Name);
    } catch (error: unknown) {
      result.failed.push(`${entry.Name}: ${describeError(error)}`);
    }
  }
  return result;
}
