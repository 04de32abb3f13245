import type { Config } from '../config.ts';
import type { Tx } from '../db/client.ts';
import type { JobInput, JobQueue } from '../jobs/define.ts';
import type { Stripe } from '../stripe/client.ts';
import type { RefetchableObject, StripeObject } from '../stripe/refetch.ts';
import type { OutboundEventType } from './outbound/event-types.ts';

// The objects stripe/refetch.ts reads again, and the shape of what it reads, are the gateway's to define.
export { type RefetchableObject, refetchableObjects, type StripeObject } from '../stripe/refetch.ts';

export interface HandlerContext {
  tx: Tx;
  config: Config;
  event: Stripe.Event;
  /**
   * the tenant the event belongs to: the owner of `event.account`, or for a platform event the tenant its
   * Stripe ids route it to (route.ts). The handler runs inside that tenant's row-level security. Null only
   * for events of no tenant, which are kept as raw objects and never reach the domains' handlers.
   */
  tenantId: string | null;
  account: string | null;
  /** the object to apply: refetched from Stripe when stateful, else `event.data.object` */
  object: StripeObject;
  /** set when the refetch found the object gone */
  deleted: boolean;
  /** the `last_synced_at` to apply with: fetch time when refetched, else `event.created` */
  syncedAt: Date;
  /**
   * writes an outbound event in this transaction (at most once per Stripe event and type), under
   * `tenantId` (the event's tenant unless given; row-level security refuses any other)
   */
  emit(type: OutboundEventType, data: Record<string, unknown>, opts?: { tenantId?: string }): Promise<void>;
  /**
   * keeps a fetched object in the raw mirror (stripe_objects) behind its `last_synced_at` guard, in this
   * transaction: at once, or with the rest of the batch's objects in one statement before it commits
   */
  mirror(object: FetchedObject): Promise<void>;
  /** enqueues a job in this transaction: follow-up Stripe calls a handler cannot make inside it */
  enqueue<Q extends JobQueue>(queue: Q, data: JobInput<Q>): Promise<void>;
}

/** One fetched object for the raw mirror, where it lives, and the event that brought it (if any). */
export interface FetchedObject {
  tenantId: string | null;
  account: string | null;
  object: { id: string; object: string };
  deleted: boolean;
  syncedAt: Date;
  eventId: string | null;
}

export interface EventHandler {
  /** the Stripe object type to refetch before applying (stateful objects); omit to use the snapshot */
  refetch?: RefetchableObject;
  apply(ctx: HandlerContext): Promise<void>;
}

/** Each domain's handlers.ts exports one: event type → handler. */
export type HandlerMap = Partial<Record<Stripe.Event.Type, EventHandler>>;
