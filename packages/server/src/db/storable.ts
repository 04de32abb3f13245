/**
 * What Postgres can store. A text or jsonb value cannot hold U+0000 (text: "invalid byte sequence"; jsonb:
 * "unsupported Unicode escape sequence"), jsonb refuses an unpaired UTF-16 surrogate, and a value nested
 * thousands deep overflows the stack of whatever recurses over it first (JSON.stringify gives up at about
 * 4,500 levels, Postgres's parser at about 20,000). Everything here walks values with an explicit stack, so
 * the check itself never recurses.
 */

/**
 * How deep a JSON value we store may nest. Stripe's objects nest about ten levels (expanded ones a few more);
 * well below what JSON.stringify and Postgres's parser can take, so whatever we store can be read back,
 * served and rendered.
 */
export const MAX_STORED_DEPTH = 64;

export type UnstorableReason = 'nul' | 'surrogate' | 'depth';

export interface Unstorable {
  reason: UnstorableReason;
  /** where: object keys and array indexes from the root; for a bad key, the object holding it */
  path: (string | number)[];
}

/** Why `s` cannot be stored, or null when it can. */
export function unstorableString(s: string): 'nul' | 'surrogate' | null {
  if (s.includes('\u0000')) return 'nul';
  return s.isWellFormed() ? null : 'surrogate';
}

/**
 * The first string or key Postgres cannot store, or the first place nesting goes deeper than `maxDepth`
 * (the root is depth 0, its fields depth 1). Null when the whole value can be stored.
 */
export function findUnstorable(value: unknown, maxDepth: number): Unstorable | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const reason = unstorableString(v);
      if (reason) return { reason, path };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= maxDepth) return { reason: 'depth', path };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, i] });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const reason = unstorableString(key);
      if (reason) return { reason, path };
      stack.push({ value: (v as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return null;
}

/** Whether `value` nests deeper than `maxDepth` (the root is depth 0), found without recursion. */
export function nestingExceeds(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * `s` as Postgres can store it: each NUL written out as the six characters `\u0000` (visible, and the exact
 * original is kept elsewhere when it matters), each unpaired surrogate replaced by U+FFFD.
 */
export function storableString(s: string): string {
  return (s.includes('\u0000') ? s.replaceAll('\u0000', '\\u0000') : s).toWellFormed();
}

/** Sets an own property, even one named `__proto__` (JSON.parse makes those; assignment would not). */
function put(into: object, key: string | number, value: unknown): void {
  Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of a JSON value (no deeper than the caller has checked) with every string and key made storable. */
export function storableCopy(value: unknown): unknown {
  const root = {};
  const stack: { from: unknown; into: object; key: string | number }[] = [
    { from: value, into: root, key: 'v' },
  ];
  while (stack.length > 0) {
    const { from, into, key } = stack.pop()!;
    if (typeof from === 'string') put(into, key, storableString(from));
    else if (Array.isArray(from)) {
      const out: unknown[] = new Array(from.length);
      put(into, key, out);
      for (let i = 0; i < from.length; i++) stack.push({ from: from[i], into: out, key: i });
    } else if (from !== null && typeof from === 'object') {
      const out = {};
      put(into, key, out);
      for (const [k, v] of Object.entries(from)) {
        const safe = storableString(k);
        put(out, safe, null); // keeps the keys in their order; filled when popped
        stack.push({ from: v, into: out, key: safe });
      }
    } else put(into, key, from);
  }
  return (root as { v: unknown }).v;
}
