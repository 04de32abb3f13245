import { type AnyColumn, type SQL, sql } from 'drizzle-orm';

/**
 * `column IS NULL OR column < at`: the `last_synced_at` guard (CONVENTIONS.md, "guarded upsert"), so that an
 * older fetch (or an older event) never overwrites newer state.
 */
export const olderThan = (col: SQL | AnyColumn, at: Date): SQL =>
  sql`(${col} IS NULL OR ${col} < ${at.toISOString()}::timestamptz)`;

/**
 * The guard's new value after a write of ours made with a Stripe call that started at `calledAt`: a snapshot
 * fetched before that call cannot undo the write, and a later one already applied keeps its time.
 */
export const syncedNoEarlierThan = (col: AnyColumn, calledAt: Date): SQL =>
  sql`greatest(${col}, ${calledAt.toISOString()}::timestamptz)`;
