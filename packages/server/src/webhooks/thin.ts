import type { stripeEvents } from '../db/schema/index.ts';
import type { Stripe } from '../stripe/client.ts';
import type { StripeObject } from './registry.ts';

type EventRow = typeof stripeEvents.$inferSelect;

interface V2Event {
  id: string;
  context?: string | null;
  data?: { object?: StripeObject } | null;
  related_object?: { id: string; type: string; url?: string } | null;
  fetchRelatedObject?: () => Promise<unknown>;
}

/**
 * The full snapshot event: stored as delivered, or resolved from Stripe for a thin notification. Stripe's v2
 * event behind a `v1.*` notification carries no `data` — only `related_object` (stripe-node's typings:
 * `V1…Event` has `fetchRelatedObject()`, no `data`) — so the object is fetched from `related_object.url` in
 * the event's context, unless `needObject` is false because the caller refetches the object anyway.
 */
export async function fullEvent(stripe: Stripe, row: EventRow, needObject: boolean): Promise<Stripe.Event> {
  if (row.kind !== 'thin') return row.payload as unknown as Stripe.Event;
  const thin = row.payload as { id: string; type: string };
  const full = (await stripe.v2.core.events.retrieve(
    thin.id,
    {},
    row.account ? { stripeContext: row.account } : undefined,
  )) as unknown as V2Event;
  const type = thin.type.startsWith('v1.') ? thin.type.slice(3) : thin.type;
  const related = full.related_object;
  let object: StripeObject =
    full.data?.object ?? ({ id: related?.id ?? '', object: related?.type ?? '' } as StripeObject);
  if (!full.data?.object && needObject && related?.url && full.fetchRelatedObject) {
    try {
      object = (await full.fetchRelatedObject()) as StripeObject;
    } catch (err) {
      // gone since: applied as deleted, as a `.deleted` snapshot or a refetch finding nothing would be
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      object = { ...object, deleted: true } as StripeObject;
    }
  }
  return {
    id: thin.id,
    object: 'event',
    type,
    account: row.account ?? undefined,
    created: Math.floor(row.created.getTime() / 1000),
    livemode: row.livemode,
    data: { object },
  } as unknown as Stripe.Event;
}
