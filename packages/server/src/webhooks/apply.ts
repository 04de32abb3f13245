import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import type { OutboundEventType } from './outbound/event-types.ts';
import type { EventHandler, FetchedObject, HandlerContext, RefetchableObject } from './registry.ts';

export type { FetchedObject } from './registry.ts';

/**
 * Keeps the event's object in the raw mirror, keyed on tenant, account, object type and Stripe id, behind
 * the `last_synced_at` guard: a slower job holding an older fetch (or an older event) never overwrites newer
 * state (CONVENTIONS.md, "guarded upsert").
 */
export function upsertStripeObject(ctx: HandlerContext): Promise<void> {
  return ctx.mirror({
    tenantId: ctx.tenantId,
    account: ctx.account,
    object: ctx.object,
    deleted: ctx.deleted,
    syncedAt: ctx.syncedAt,
    eventId: ctx.event.id,
  });
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

const mirrorKey = (o: FetchedObject) =>
  `${o.tenantId ?? ''}\u0000${o.account ?? ''}\u0000${o.object.object}\u0000${o.object.id}`;

/**
 * A batch's raw mirror in one statement: what `storeStripeObject` does for each, with the same outcome as
 * applying them one by one in order (of several fetches of one object the newest is kept; on a tie, the
 * first, as the guard's strict `<` keeps it).
 */
export async function storeStripeObjects(tx: Tx, objects: readonly FetchedObject[]): Promise<void> {
  const newest = new Map<string, FetchedObject>();
  for (const o of objects) {
    const key = mirrorKey(o);
    const kept = newest.get(key);
    if (!kept || kept.syncedAt < o.syncedAt) newest.set(key, o);
  }
  if (newest.size === 0) return;
  if (newest.size === 1) {
    await storeStripeObject(tx, [...newest.values()][0]!);
    return;
  }
  const rows = JSON.stringify(
    [...newest.values()].map((o) => ({
      id: o.object.id,
      tenant_id: o.tenantId,
      account: o.account,
      object: o.object.object,
      data: o.object,
      deleted: o.deleted,
      synced: o.syncedAt.toISOString(),
      event: o.eventId,
    })),
  );
  await tx.execute(sql`
    insert into stripe_objects (id, tenant_id, account, object, data, deleted, last_synced_at, last_event_id)
    select r.id, r.tenant_id, r.account, r.object, r.data, r.deleted, r.synced, r.event
    from jsonb_to_recordset(${rows}::jsonb) as r(
      id text, tenant_id uuid, account text, object text, data jsonb, deleted boolean, synced timestamptz,
      event text)
    on conflict (tenant_key, account_key, object, id) do update set
      data = excluded.data, deleted = excluded.deleted, last_synced_at = excluded.last_synced_at,
      last_event_id = coalesce(excluded.last_event_id, stripe_objects.last_event_id)
    where stripe_objects.last_synced_at < excluded.last_synced_at`);
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
