// PathSeg paths over plain JS values (parsed YAML): read, write and delete with the same semantics the
// text editor uses, so that an edit can be checked by comparing the re-parsed file with the
// expected object. Also the human spelling used in change tables and errors.
import type { PathSeg } from './types.js';

export const MISSING: unique symbol = Symbol('missing');

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Index of the list element a segment selects, or -1. */
export function findIndex(list: unknown[], seg: PathSeg): number {
  if (typeof seg === 'number') return seg < list.length ? seg : -1;
  if (typeof seg === 'string') return -1;
  return list.findIndex(
    (el) =>
      isPlainObject(el) &&
      Object.entries(seg.match).every(([k, v]) => el[k] !== undefined && String(el[k]) === v),
  );
}

export function getJs(root: unknown, path: PathSeg[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (typeof seg === 'string') {
      if (!isPlainObject(cur) || !Object.hasOwn(cur, seg)) return MISSING;
      cur = cur[seg];
    } else {
      if (!Array.isArray(cur)) return MISSING;
      const i = findIndex(cur, seg);
      if (i < 0) return MISSING;
      cur = cur[i];
    }
  }
  return cur;
}

/** The value that `set` creates under a missing segment: nested maps and matched list elements. */
export function nest(path: PathSeg[], value: unknown): unknown {
  const [seg, ...rest] = path;
  if (seg === undefined) return value;
  if (typeof seg === 'string') return { [seg]: nest(rest, value) };
  if (typeof seg === 'number') return [nest(rest, value)];
  const inner = nest(rest, value);
  return [{ ...seg.match, ...(isPlainObject(inner) ? inner : {}) }];
}

/** Sets a value, creating what is missing the way the text editor does. Returns a new root. */
export function setJs(root: unknown, path: PathSeg[], value: unknown): unknown {
  const [seg, ...rest] = path;
  if (seg === undefined) return structuredClone(value);
  if (typeof seg === 'string') {
    const obj = isPlainObject(root) ? { ...root } : {};
    obj[seg] = Object.hasOwn(obj, seg) ? setJs(obj[seg], rest, value) : nest(rest, value);
    return obj;
  }
  const list = Array.isArray(root) ? [...root] : [];
  const i = findIndex(list, seg);
  if (i >= 0) list[i] = setJs(list[i], rest, value);
  else {
    const created = nest([seg, ...rest], value);
    list.push(...(Array.isArray(created) ? created : [created]));
  }
  return list;
}

export function removeJs(root: unknown, path: PathSeg[]): unknown {
  const [seg, ...rest] = path;
  if (seg === undefined) return undefined;
  if (typeof seg === 'string') {
    if (!isPlainObject(root) || !Object.hasOwn(root, seg)) return root;
    const obj = { ...root };
    if (rest.length === 0) delete obj[seg];
    else obj[seg] = removeJs(obj[seg], rest);
    return obj;
  }
  if (!Array.isArray(root)) return root;
  const i = findIndex(root, seg);
  if (i < 0) return root;
  const list = [...root];
  if (rest.length === 0) list.splice(i, 1);
  else list[i] = removeJs(list[i], rest);
  return list;
}

/** Order-insensitive for map keys, order-sensitive for lists. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]))
    );
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
    );
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return Number.isNaN(a) && Number.isNaN(b);
}

/** `spec.template.spec.containers[name=app].resources.limits.memory` (the scenarios' check syntax). */
export function pathToString(path: PathSeg[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string')
      out += /^[A-Za-z0-9_$-]+$/.test(seg) ? `${out ? '.' : ''}${seg}` : `[${JSON.stringify(seg)}]`;
    else
      out += `[${Object.entries(seg.match)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}]`;
  }
  return out;
}

/** Loose value equality for comparing live values with repository values (`"1"` vs `1`). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (isPlainObject(a) || Array.isArray(a) || isPlainObject(b) || Array.isArray(b)) return deepEqual(a, b);
  return a !== undefined && b !== undefined && a !== MISSING && b !== MISSING && String(a) === String(b);
}
