// The pull request under verification: its number from the `pr` input or the event payload
// (pull_request, or a workflow_dispatch carrying inputs.pr), then its refs and SHAs from GitHub,
// which are current even when the event is old (a re-run verifies the PR as it is now).
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { labelNames } from '../chatops/labels.js';
import { UserError } from '../core/errors.js';
import { CATEGORIES, type Category } from '../core/types.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { LABELS } from '../propose/naming.js';

export interface PullTarget extends RepoRef {
  number: number;
  base: { ref: string; sha: string };
  head: { ref: string; sha: string };
  labels: string[];
  /** From the PR's `aegis/<category>` label: picks the red → green signal. */
  category?: Category;
}

/** Lenient: third-party payloads drift, only the number matters here. */
const EventPayload = z.object({
  pull_request: z.object({ number: z.number().int().positive() }).optional(),
  inputs: z.object({ pr: z.coerce.number().int().positive().optional() }).optional(),
});

export async function pullNumber(input: number | undefined, eventPath: string | undefined): Promise<number> {
  if (input !== undefined) return input;
  if (eventPath) {
    const payload = EventPayload.safeParse(JSON.parse(await readFile(eventPath, 'utf8')));
    const number = payload.success
      ? (payload.data.pull_request?.number ?? payload.data.inputs?.pr)
      : undefined;
    if (number !== undefined) return number;
  }
  throw new UserError(
    'input pr: no pull request to verify',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, shown to the user
    'pass `pr: ${{ github.event.pull_request.number || inputs.pr }}`, or run on a pull_request event',
  );
}

export async function fetchPullTarget(
  github: GitHubClient,
  repo: RepoRef,
  number: number,
): Promise<PullTarget> {
  const { data } = await github.rest.pulls.get({ ...repo, pull_number: number });
  if (!data.base.sha) throw new Error(`GitHub returned PR #${number} without a base SHA`);
  const labels = labelNames(data.labels);
  const category = CATEGORIES.find((c) => labels.includes(LABELS.category(c)));
  return {
    ...repo,
    number,
    base: { ref: data.base.ref, sha: data.base.sha },
    head: { ref: data.head.ref, sha: data.head.sha },
    labels,
    ...(category ? { category } : {}),
  };
}
