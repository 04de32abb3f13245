import { and, asc, desc, eq, gt, lt, or, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Tx } from '../db/client.ts';
import { ApiError } from './errors.ts';

export const listQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: z.string().min(1).max(200).optional(),
  ending_before: z.string().min(1).max(200).optional(),
});
/** A page request as services take it: the cursors are uuids, parsed from the API's public ids. */
export interface PageQuery {
  limit: number;
  startingAfter?: string | null;
  endingBefore?: string | null;
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

export interface ApiList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export function toApiList<R, T>(page: Page<R>, url: string, map: (row: R) => T): ApiList<T> {
  return { object: 'list', data: page.data.map(map), has_more: page.hasMore, url };
}

interface Keyset {
  table: PgTable;
  id: PgColumn;
  created: PgColumn;
}

/**
 * Newest-first keyset pagination over (created, id), as Stripe's lists. The cursor is looked up inside
 * the same tenant transaction, so another tenant's id is indistinguishable from a missing one.
 */
export async function paginate<R>(
  tx: Tx,
  keyset: Keyset,
  where: SQL | undefined,
  query: { limit: number; startingAfter?: string | null; endingBefore?: string | null; cursorParam?: string },
): Promise<Page<R>> {
  if (query.startingAfter && query.endingBefore) {
    throw new ApiError(
      'parameter_invalid',
      'You may only specify one of these parameters: starting_after, ending_before.',
      {
        param: 'starting_after',
      },
    );
  }
  const cursorId = query.startingAfter ?? query.endingBefore ?? null;
  const param = query.startingAfter ? 'starting_after' : 'ending_before';
  let cursorClause: SQL | undefined;
  if (cursorId !== null) {
    const [cursor] = await tx
      .select({ created: keyset.created, id: keyset.id })
      .from(keyset.table)
      .where(and(eq(keyset.id, cursorId), where));
    if (!cursor)
      throw new ApiError('resource_missing', `No such object for ${param}: the cursor does not exist`, {
        param,
      });
    const cmp = query.startingAfter ? lt : gt;
    cursorClause = or(
      cmp(keyset.created, cursor.created),
      and(eq(keyset.created, cursor.created), cmp(keyset.id, cursor.id)),
    );
  }
  const forward = !query.endingBefore;
  const order = forward ? [desc(keyset.created), desc(keyset.id)] : [asc(keyset.created), asc(keyset.id)];
  const rows = (await tx
    .select()
    .from(keyset.table)
    .where(and(where, cursorClause))
    .orderBy(...order)
    .limit(query.limit + 1)) as R[];
  const hasMore = rows.length > query.limit;
  const data = rows.slice(0, query.limit);
  return { data: forward ? data : data.reverse(), hasMore };
}
