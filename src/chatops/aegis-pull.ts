// Which pull requests are AEGIS's (DESIGN.md §6: the bot touches only `aegis/*` branches). The
// head must also live in the repository itself: a fork can name its branch `aegis/…` too.
export const AEGIS_BRANCH_PREFIX = 'aegis/';

interface PullShape {
  head: { ref: string; repo?: { full_name: string } | null };
  base: { repo: { full_name: string } };
}

export function isAegisBranch(ref: string): boolean {
  return ref.startsWith(AEGIS_BRANCH_PREFIX);
}

export function isAegisPull(pull: PullShape): boolean {
  return isAegisBranch(pull.head.ref) && pull.head.repo?.full_name === pull.base.repo.full_name;
}
