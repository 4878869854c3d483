// Errors that reach a user carry one actionable line. `terminal` errors (bad input, bad config,
// bad manifests) are not retried; everything else (network, API outages) may be.

export class UserError extends Error {
  readonly terminal = true;
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** One line for a person: the message plus the hint, never a stack or a library dump. */
export function describeError(error: unknown): string {
  if (error instanceof UserError) return error.hint ? `${error.message} (${error.hint})` : error.message;
  if (error instanceof Error) return error.message.split('\n')[0] ?? String(error);
  return String(error);
}

/** zod issues as `path: message` lines, the form STYLE.md asks for. */
export function formatIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string[] {
  return issues.map(
    (issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`,
  );
}
