import { sql } from 'drizzle-orm';
import type { OutboundEventType } from './outbound/event-types.ts';
import type { EventHandler, HandlerContext, RefetchableObject } from './registry.ts';

/**
 * Upserts the object's state, keyed on tenant, account, object type and Stripe id, behind the `last_synced_at` guard: a slower job holding
 * an older fetch (or an older event) never overwrites newer state (CONVENTIONS.md, "guarded upsert").
 * Returns whether the row changed.
 */
export async function upsertStripeObject(ctx: HandlerContext): Promise<boolean> {
  const { object } = ctx;
  const res = (await ctx.tx.execute(sql`
    insert into stripe_objects (id, tenant_id, account, object, data, deleted, last_synced_at, last_event_id)
    values (${object.id}, ${ctx.tenantId}, ${ctx.account}, ${object.object}, ${JSON.stringify(object)}::jsonb,
            ${ctx.deleted}, ${ctx.syncedAt.toISOString()}::timestamptz, ${ctx.event.id})
    on conflict (tenant_key, account_key, object, id) do update set
      data = excluded.data, deleted = excluded.deleted, last_synced_at = excluded.last_synced_at,
      last_event_id = excluded.last_event_id
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
