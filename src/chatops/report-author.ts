// Whose report comment may complete the `aegis/verify` check. The result block is plain text in a
// PR comment, so a verdict is taken only from a bot that cannot be impersonated by a commenter:
//  - `github-actions[bot]`: the author of everything the workflow's default GITHUB_TOKEN writes.
//    Only workflows of the repository itself hold such a token with write access (a fork's PR
//    gets a read-only one), so whoever can make it comment can already change the verify workflow
//    and thereby its verdict: trusting it adds nothing an attacker lacks.
//  - this app's own bot (the Action given an AEGIS installation token).
// Logins ending in `[bot]` belong to GitHub Apps (a user cannot register one), and the `type`
// must be Bot as well. Any other author, however the comment looks, is ignored.

export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

export interface CommentAuthorship {
  user?: { login: string; type?: string } | null;
  performed_via_github_app?: { id: number } | null;
}

export interface ThisApp {
  id: number;
  /** From the app's own check run (`app.slug`); its bot is `<slug>[bot]`. */
  slug?: string | undefined;
}

export function isTrustedReportAuthor(comment: CommentAuthorship, app: ThisApp): boolean {
  const user = comment.user;
  if (user?.type !== 'Bot') return false;
  if (user.login === ACTIONS_BOT_LOGIN) return true;
  if (comment.performed_via_github_app?.id === app.id) return true;
  return app.slug !== undefined && user.login === `${app.slug}[bot]`;
}
