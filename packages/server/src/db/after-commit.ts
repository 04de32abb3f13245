import type { Tx } from './client.ts';

// Work to run once a transaction has committed (forgetting what this process remembers of rows it changed,
// say). Collected on the outermost transaction of withTenant, withSystem and the usage batch, and on their
// savepoints (`savepointOf`); a rolled-back transaction drops its list.

const pending = new WeakMap<object, (() => void)[]>();

/**
 * Runs `fn` once `tx` commits; at once when `tx` is not one of withTenant's or withSystem's (a savepoint,
 * say): callers use it for work that is safe to do early as long as it is also done late.
 */
export function afterCommit(tx: Tx, fn: () => void): void {
  const list = pending.get(tx);
  if (list) list.push(fn);
  else fn();
}

/** Collects `tx`'s after-commit work into `list` (emptied first: a body run again starts over). */
export function collectAfterCommit(tx: Tx, list: (() => void)[]): void {
  list.length = 0;
  pending.set(tx, list);
}

/** A savepoint's after-commit work waits for its outer transaction's commit. */
export function savepointOf(outer: Tx, savepoint: Tx): void {
  const list = pending.get(outer);
  if (list) pending.set(savepoint, list);
}

/** Runs what a committed transaction collected. */
export function runAfterCommit(list: (() => void)[]): void {
  for (const fn of list.splice(0)) fn();
}
