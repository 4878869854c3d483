// Walks a parsed `yaml` document along a PathSeg path. Refuses to go through aliases, merge keys and
// nodes whose anchor is used elsewhere: an edit there would silently change other places too.
import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  visit,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { PathSeg } from './types.js';

export interface NavStep {
  /** The collection the segment was looked up in. */
  parent: YAMLMap | YAMLSeq;
  seg: PathSeg;
  /** The matched pair (maps) or item index (sequences). */
  pair?: Pair;
  index: number;
  node: Node | null;
}

export interface NavResult {
  steps: NavStep[];
  /** Number of segments found; equals path.length when the whole path exists. */
  found: number;
  /** The deepest node reached (the value at path[found - 1], or the document root). */
  node: Node | null;
  /** Set when path[found] cannot be looked up: the node there is not a collection. */
  blocked?: 'scalar' | 'null';
}

export function keyString(pair: Pair): string | undefined {
  const key = pair.key;
  if (isScalar(key)) return key.value === null ? undefined : String(key.value);
  return undefined;
}

function scalarValue(node: unknown): string | undefined {
  if (isScalar(node) && node.value !== null && typeof node.value !== 'object') return String(node.value);
  return undefined;
}

export function itemMatches(item: unknown, seg: { match: Record<string, string> }): boolean {
  if (!isMap(item)) return false;
  return Object.entries(seg.match).every(([k, v]) => {
    const pair = item.items.find((p) => keyString(p) === k);
    return pair !== undefined && scalarValue(pair.value) === v;
  });
}

function usedAnchors(doc: Document): Set<string> {
  const used = new Set<string>();
  visit(doc, {
    Alias(_, node) {
      used.add(node.source);
    },
  });
  return used;
}

function guard(node: unknown, used: Set<string>, where: string): string | undefined {
  if (isAlias(node)) return `${where} is an alias (*${node.source}); edit the anchored value instead`;
  if ((isScalar(node) || isCollection(node)) && node.anchor && used.has(node.anchor)) {
    return `${where} carries anchor &${node.anchor}, which is used elsewhere; editing it would change every alias`;
  }
  return undefined;
}

/** Follows `path` as far as it exists. Errors for aliases, used anchors and merge keys on the way. */
export function navigate(
  doc: Document,
  path: PathSeg[],
  describe: (i: number) => string,
): NavResult | { error: string } {
  const used = usedAnchors(doc);
  const steps: NavStep[] = [];
  let node = doc.contents as Node | null;
  const rootError = guard(node, used, 'the document');
  if (rootError) return { error: rootError };
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as PathSeg;
    if (node === null || (isScalar(node) && node.value === null))
      return { steps, found: i, node, blocked: 'null' };
    if (typeof seg === 'string') {
      if (!isMap(node))
        return isScalar(node)
          ? { steps, found: i, node, blocked: 'scalar' }
          : { error: `${describe(i)} is not a map` };
      const index = node.items.findIndex((p) => keyString(p) === seg);
      if (index < 0) {
        if (node.items.some((p) => keyString(p) === '<<'))
          return { error: `${describe(i + 1)} may come from a merge key (<<); edit it by hand` };
        return { steps, found: i, node };
      }
      const pair = node.items[index] as Pair;
      const value = (pair.value ?? null) as Node | null;
      const err = guard(value, used, describe(i + 1));
      if (err) return { error: err };
      steps.push({ parent: node, seg, pair, index, node: value });
      node = value;
    } else {
      if (!isSeq(node))
        return isScalar(node)
          ? { steps, found: i, node, blocked: 'scalar' }
          : { error: `${describe(i)} is not a list` };
      const index =
        typeof seg === 'number'
          ? seg < node.items.length
            ? seg
            : -1
          : node.items.findIndex((it) => itemMatches(it, seg));
      if (index < 0) {
        if (node.items.some((it) => isAlias(it)))
          return { error: `${describe(i)} contains aliases; edit it by hand` };
        return { steps, found: i, node };
      }
      const item = node.items[index];
      const value = (isPair(item) ? null : (item ?? null)) as Node | null;
      const err = guard(value, used, describe(i + 1));
      if (err) return { error: err };
      steps.push({ parent: node, seg, index, node: value });
      node = value;
    }
  }
  return { steps, found: path.length, node };
}
