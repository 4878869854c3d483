// The verdict a verify workflow run left in the PR's one report comment: the hidden result block
// (src/verify/result-block.ts) of a comment by a trusted author (report-author.ts), written by
// this very run about this very commit. An older run's or an older commit's block is no verdict
// for the check being completed, however well-formed.

import type { GitHubClient, RepoRef } from '../github/client.js';
import { REPORT_MARKER_NAME } from '../verify/report-markdown.js';
import { parseResultBlocks, type VerifyResult } from '../verify/result-block.js';
import { markedComments } from './comments.js';
import { isTrustedReportAuthor, type ThisApp } from './report-author.js';

export interface FoundResult {
  result: VerifyResult;
  /** The report comment's body: the check summary. */
  body: string;
  pull: number;
}

export async function findVerifyResult(
  github: GitHubClient,
  repo: RepoRef,
  pulls: readonly number[],
  run: { id: number; head_sha: string },
  app: ThisApp,
): Promise<FoundResult | undefined> {
  let found: FoundResult | undefined;
  for (const pull of pulls) {
    // Oldest first, so the last match wins.
    for (const comment of await markedComments(github, { ...repo, number: pull }, REPORT_MARKER_NAME)) {
      if (!comment.body || !isTrustedReportAuthor(comment, app)) continue;
      const result = parseResultBlocks(comment.body).find(
        (r) => r.headSha === run.head_sha && r.runId === run.id,
      );
      if (result) found = { result, body: comment.body, pull };
    }
  }
  return found;
}
