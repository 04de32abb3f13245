import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import type { OutboundEventType } from './outbound/event-types.ts';
import type { EventHandler, HandlerContext, RefetchableObject } from './registry.ts';

/**
 * Upserts the object's state, keyed on tenant, account, object type and Stripe id, behind the `last_synced_at` guard: a slower job holding
 * an older fetch (or an older event) never overwrites newer state (CONVENTIONS.md, "guarded upsert").
 * Returns whether the row changed.
 */
export function upsertStripeObject(ctx: HandlerContext): Promise<boolean> {
  return storeStripeObject(ctx.tx, {
    tenantId: ctx.tenantId,
    account: ctx.account,
    object: ctx.object,
    deleted: ctx.deleted,
    syncedAt: ctx.syncedAt,
    eventId: ctx.event.id,
  });
}

/** What `storeStripeObject` keeps: one fetched object, where it lives, and the event that brought it (if any). */
export interface FetchedObject {
  tenantId: string | null;
  account: string | null;
  object: { id: string; object: string };
  deleted: boolean;
  syncedAt: Date;
  eventId: string | null;
}

/**
 * The raw mirror's guarded upsert of one fetched object: the handlers' (an event's refetch) and a support
 * refresh's (an object read from a Stripe list, no event). An older fetch never overwrites a newer one.
 */
export async function storeStripeObject(tx: Tx, o: FetchedObject): Promise<boolean> {
  const res = (await tx.execute(sql`
    insert into stripe_objects (id, tenant_id, account, object, data, deleted, last_synced_at, last_event_id)
    values (${o.object.id}, ${o.tenantId}, ${o.account}, ${o.object.object}, ${JSON.stringify(o.object)}::jsonb,
            ${o.deleted}, ${o.syncedAt.toISOString()}::timestamptz, ${o.eventId})
    on conflict (tenant_key, account_key, object, id) do update set
      data = excluded.data, deleted = excluded.deleted, last_synced_at = excluded.last_synced_at,
      last_event_id = coalesce(excluded.last_event_id, stripe_objects.last_event_id)
    where stripe_objects.last_synced_at < excluded.last_synced_at
    returning id`)) as unknown as { rows: unknown[] };
  return res.rows.length > 0;
}

/**
 * The common handler: refetch `refetch`, apply it guarded, and tell the platform's app with `outbound`
 * (an outbound event type, or a function choosing one from the applied object) when the state changed.
 */
export function syncHandler(
  refetch: RefetchableObject | undefined,
  outbound?: OutboundEventType | ((ctx: HandlerContext) => OutboundEventType | null),
): EventHandler {
  return {
    refetch,
    apply: async (ctx) => {
      await upsertStripeObject(ctx);
      const type = typeof outbound === 'function' ? outbound(ctx) : outbound;
      if (type) await ctx.emit(type, { object: ctx.object, stripe_event: ctx.event.id });
    },
  };
}
