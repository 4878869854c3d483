// AEGIS_ROUTES: which GitOps repository (and folder, and base branch) fixes an incident. A YAML
// file, strict like every config of ours, so a typo'd key stops the server at start instead of
// silently routing nothing. First matching route wins.
import { parse } from 'yaml';
import { z } from 'zod';
import { formatIssues, UserError } from '../core/errors.js';
import { parseRepoSlug } from '../forge/github-forge.js';

const Slug = z.string().refine((value) => parseRepoSlug(value) !== undefined, 'expected OWNER/REPO');
const Globs = z.array(z.string().min(1)).min(1);

export const Route = z
  .object({
    /** The GitOps repository, OWNER/REPO. */
    repo: Slug,
    /** Folder of the repository to index (monorepos); default the whole repository. */
    path: z.string().min(1).default('.'),
    /** Branch fixes are based on and PRs target. */
    base: z.string().min(1).default('main'),
    match: z
      .object({
        /** Globs over the alert's namespace; `*` also matches cluster-scoped alerts. */
        namespaces: Globs.optional(),
        alertnames: Globs.optional(),
        /** Alert label → glob, e.g. `cluster: prod-*`. */
        labels: z.record(z.string(), z.string()).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type Route = z.infer<typeof Route>;

export const RoutesFile = z
  .object({
    routes: z.array(Route).default([]),
    argocd: z
      .object({
        /**
         * Follow the Application that manages the workload (its repoURL, path and targetRevision)
         * when it points at a GitHub repository. Only repositories listed in `repos` are followed
         * when it is set; otherwise any repository the app is installed on.
         */
        follow: z.boolean().default(true),
        repos: z.array(Slug).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type RoutesFile = z.infer<typeof RoutesFile>;

/** Parses the routes file; errors name the file and every offending key. */
export function parseRoutesFile(text: string, where: string): RoutesFile {
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (error: unknown) {
    const first = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new UserError(`${where}: not valid YAML (${first})`);
  }
  const result = RoutesFile.safeParse(raw);
  if (!result.success)
    throw new UserError(
      `${where}: ${formatIssues(result.error.issues).join('; ')}`,
      'see "Routing alerts to repositories" in the README',
    );
  return result.data;
}
