import type { stripeEvents } from '../db/schema/index.ts';
import type { Stripe } from '../stripe/client.ts';
import { StripeFailure, type StripeGateway } from '../stripe/gateway.ts';
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
export async function fullEvent(
  gateway: StripeGateway,
  row: EventRow,
  needObject: boolean,
): Promise<Stripe.Event> {
  if (row.kind !== 'thin') return row.payload as unknown as Stripe.Event;
  const thin = row.payload as { id: string; type: string };
  const call = { account: row.account, movesMoney: false };
  const full = (await gateway.call({ ...call, action: 'read the event' }, (stripe, { stripeAccount }) =>
    // a v2 call names its account as its context
    stripe.v2.core.events.retrieve(thin.id, {}, stripeAccount ? { stripeContext: stripeAccount } : undefined),
  )) as unknown as V2Event;
  const type = thin.type.startsWith('v1.') ? thin.type.slice(3) : thin.type;
  const related = full.related_object;
  let object: StripeObject =
    full.data?.object ?? ({ id: related?.id ?? '', object: related?.type ?? '' } as StripeObject);
  const fetchRelated = full.fetchRelatedObject;
  if (!full.data?.object && needObject && related?.url && fetchRelated) {
    try {
      // the event fetches it in its own context
      object = (await gateway.call(
        { ...call, action: "read the event's object" },
        fetchRelated,
      )) as StripeObject;
    } catch (err) {
      // gone since: applied as deleted, as a `.deleted` snapshot or a refetch finding nothing would be
      if (!(err instanceof StripeFailure && err.statusCode === 404)) throw err;
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
