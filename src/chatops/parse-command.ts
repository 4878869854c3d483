// Reads a `/aegis <verb> [args]` command from a comment (DESIGN.md §6): first line only,
// case-insensitive, bare `/aegis` is help. Everything else in a comment is conversation, ignored.
import { distance } from 'fastest-levenshtein';

export const VERBS = ['help', 'explain', 'reverify', 'revise', 'hold', 'unhold', 'close', 'revert'] as const;
export type Verb = (typeof VERBS)[number];

export type ParsedComment =
  /** Not addressed to AEGIS. */
  | { kind: 'none' }
  | { kind: 'command'; verb: Verb; args: string }
  /** A verb AEGIS does not know; `suggestion` when one known verb is a likely typo of it. */
  | { kind: 'unknown'; verb: string; suggestion?: Verb }
  /** A known verb used wrongly (e.g. `revise` without an instruction). */
  | { kind: 'usage'; verb: Verb; message: string };

// `/aegis` must be followed by whitespace or the end: `/aegisfoo` is someone else's command.
const COMMAND = /^\/aegis(?:\s+(\S+)(?:\s+(.*))?)?$/i;

export function parseCommand(body: string | null | undefined): ParsedComment {
  const firstLine = (body ?? '').split(/\r?\n/, 1)[0]?.trim() ?? '';
  const match = COMMAND.exec(firstLine);
  if (!match) return { kind: 'none' };
  const word = (match[1] ?? 'help').toLowerCase();
  const args = (match[2] ?? '').trim();
  if (!isVerb(word)) {
    const suggestion = closestVerb(word);
    return suggestion ? { kind: 'unknown', verb: word, suggestion } : { kind: 'unknown', verb: word };
  }
  if (word === 'revise' && args === '')
    return {
      kind: 'usage',
      verb: word,
      message: 'revise needs an instruction, e.g. `/aegis revise raise memory to 2Gi instead`',
    };
  return { kind: 'command', verb: word, args };
}

function isVerb(word: string): word is Verb {
  return (VERBS as readonly string[]).includes(word);
}

/**
 * The one verb within typo distance (two edits, or a third of the word for long ones); none when
 * nothing is that close or two verbs are equally close.
 */
function closestVerb(word: string): Verb | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  const ranked = VERBS.map((verb) => ({ verb, d: distance(word, verb) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d);
  const [best, next] = ranked;
  if (!best || (next && next.d === best.d)) return undefined;
  return best.verb;
}
