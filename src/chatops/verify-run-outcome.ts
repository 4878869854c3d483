// What the app writes on its `aegis/verify` check when the verify workflow run has ended: the
// verdict of the run's result block (conclusion from the verdict, never from the block's own
// words), or, when the run left none for this commit, an outcome that is never a pass.
import { CHECK_CONCLUSION, type CheckCompletion } from '../github/verify-check.js';
import { CHECK_SUMMARY_LIMIT, CHECK_TITLE_LIMIT } from '../verify/report-markdown.js';
import { type VerifyResult, withoutResultBlocks } from '../verify/result-block.js';

const CUT_NOTE = '\n\n_Cut to GitHub’s check-summary limit; the PR comment has the whole report._';

export function outcomeFromResult(result: VerifyResult, commentBody: string): CheckCompletion {
  return {
    conclusion: CHECK_CONCLUSION[result.verdict],
    title: result.title.slice(0, CHECK_TITLE_LIMIT),
    summary: fitSummary(withoutResultBlocks(commentBody)),
  };
}

export function outcomeWithoutResult(run: { conclusion: string | null; html_url: string }): CheckCompletion {
  const link = `See the [workflow run](${run.html_url}) for its log.`;
  if (run.conclusion === 'cancelled')
    return {
      conclusion: 'cancelled',
      title: 'the verification workflow was cancelled before a verdict',
      summary: `The verify workflow run was cancelled before it reported a verdict for this commit. Nothing was verified. ${link}`,
    };
  const ended = run.conclusion ?? 'without a conclusion';
  return {
    conclusion: 'failure',
    title: `error: the verification workflow ended ${ended} without a verdict`,
    summary: `The verify workflow run ended (${ended}) without reporting a verdict for this commit: it crashed before commenting, timed out, or verified another commit. Nothing was verified: this is not a pass. ${link}`,
  };
}

function fitSummary(text: string): string {
  if (text.length <= CHECK_SUMMARY_LIMIT) return text;
  return text.slice(0, CHECK_SUMMARY_LIMIT - CUT_NOTE.length) + CUT_NOTE;
}
