// Prompt size control. Ollama silently drops the *start* of a prompt longer than num_ctx (the
// system instructions go first), so AEGIS keeps every prompt under a token budget itself. Without
// the model's tokenizer the count is an estimate, on the safe side for logs and YAML: words cost
// about one token per 5 letters, every digit one token (Qwen2.5 splits numbers into digits; Llama 3
// groups three, so this overestimates there), every punctuation mark one token. Plain chars/4
// undercounts timestamped log lines and JSON by a third or more.

const PIECES = /[A-Za-z]+|[0-9]+|[^\sA-Za-z0-9]|\s+/g;

export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const [piece] of text.matchAll(PIECES)) {
    const c = piece.charCodeAt(0);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      // A single space usually merges into the next word; newlines and indentation cost one.
      tokens += /\n/.test(piece) || piece.length > 1 ? 1 : 0;
    } else if (c >= 48 && c <= 57) {
      tokens += piece.length;
    } else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      tokens += Math.ceil(piece.length / 5);
    } else {
      // Non-ASCII characters often take 2 tokens each; ASCII punctuation one.
      tokens += c > 127 ? 2 : 1;
    }
  }
  return Math.max(tokens, Math.ceil(text.length / 4));
}

/** One line of prompt content, with its section and its claim on the budget (lower = earlier). */
export interface BudgetItem {
  section: string;
  /** Sub-block inside the section (a pod, a log excerpt); its header is paid with its first line. */
  group?: string;
  priority: number;
  text: string;
}

export interface SectionSpec {
  name: string;
  /** Text shown when nothing of the section survived or it was empty. */
  empty: string;
}

export interface Fitted {
  /** Rendered text per section, items in their original order. */
  sections: Record<string, string>;
  /** Tokens used by the rendered sections. */
  tokens: number;
  /** Items dropped, per section. */
  dropped: Record<string, number>;
}

/**
 * Keeps the items that fit `budget` tokens, claiming in priority order (then original order), and
 * renders each section in the original order with a note where lines were left out. Cuts happen
 * only between lines. Group headers (`group`) are rendered once, before the group's first kept line.
 */
export function fitToBudget(
  items: readonly BudgetItem[],
  sections: readonly SectionSpec[],
  budget: number,
): Fitted {
  const order = items.map((item, index) => ({ item, index }));
  order.sort((a, b) => a.item.priority - b.item.priority || a.index - b.index);
  const kept = new Set<number>();
  const paidGroups = new Set<string>();
  const noteCost = estimateTokens(`${omitted(999)}\n`);
  // Room for one omission note per section, so that notes never push the total over the budget.
  let left = budget - noteCost * sections.length;
  for (const { item, index } of order) {
    const groupKey = item.group === undefined ? undefined : `${item.section}\u0000${item.group}`;
    const header = groupKey && !paidGroups.has(groupKey) ? estimateTokens(`${item.group}\n`) : 0;
    const cost = estimateTokens(`${item.text}\n`) + header;
    if (cost > left) continue;
    left -= cost;
    kept.add(index);
    if (groupKey) paidGroups.add(groupKey);
  }

  const out: Record<string, string> = {};
  const dropped: Record<string, number> = {};
  let tokens = 0;
  for (const spec of sections) {
    const lines: string[] = [];
    let lastGroup: string | undefined;
    let total = 0;
    let droppedHere = 0;
    items.forEach((item, index) => {
      if (item.section !== spec.name) return;
      total++;
      if (!kept.has(index)) {
        droppedHere++;
        return;
      }
      if (item.group !== undefined && item.group !== lastGroup) lines.push(item.group);
      lastGroup = item.group;
      lines.push(item.text);
    });
    if (droppedHere > 0) {
      lines.push(omitted(droppedHere));
      dropped[spec.name] = droppedHere;
    }
    const text = total === 0 ? spec.empty : lines.join('\n');
    out[spec.name] = text;
    tokens += estimateTokens(`${text}\n`);
  }
  return { sections: out, tokens, dropped };
}

const omitted = (n: number) => `(… ${n} line${n === 1 ? '' : 's'} left out)`;
