// Reads and writes the rollout state comment of a merged PR (see rollout-state.ts). Writing only
// when a new step was logged keeps Argo CD's retried notifications from editing anything.
import { upsertComment } from '../chatops/comments.js';
import { hasMarker } from '../forge/forge.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { RESOLVED_MARKER } from '../propose/resolve-incident.js';
import {
  initialState,
  parseRolloutState,
  ROLLOUT_MARKER,
  type RolloutState,
  renderRolloutComment,
} from './rollout-state.js';

export interface PullRef extends RepoRef {
  number: number;
  mergeSha: string;
  base: string;
}

export interface StoredState {
  state: RolloutState;
  /** The PR's comments say its alert resolved (resolve-incident's or the guard's note). */
  alertResolved: boolean;
}

export async function readState(github: GitHubClient, pull: PullRef): Promise<StoredState> {
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner: pull.owner,
    repo: pull.repo,
    issue_number: pull.number,
    per_page: 100,
  });
  const stored = comments.find((c) => hasMarker(c.body, ROLLOUT_MARKER));
  const parsed = parseRolloutState(stored?.body);
  // A state about another merge SHA (a re-merged PR) does not carry over.
  const state = parsed && parsed.mergeSha === pull.mergeSha ? parsed : initialState(pull.mergeSha, pull.base);
  return { state, alertResolved: comments.some((c) => hasMarker(c.body, RESOLVED_MARKER)) };
}

export async function writeState(github: GitHubClient, pull: PullRef, state: RolloutState): Promise<void> {
  await upsertComment(github, pull, ROLLOUT_MARKER, renderRolloutComment(state));
}
