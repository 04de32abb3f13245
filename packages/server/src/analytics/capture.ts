// Capture (docs/analytics.md, "Capture"): a copy of a subscription becomes an observation — its MRR from the
// time it took effect, and what its discounts make of it later — and the subscription's observations are
// folded again into its change rows. Replays change nothing; a late copy lands at its own time and restates.
import type { Tx } from '../db/client.ts';
import { foldChanges } from './fold.ts';
import {
  customerOf,
  type DiscountTerms,
  discountTerms,
  effectiveAt,
  type SubscriptionLike,
  statusRank,
  valueAt,
  valueSchedule,
} from './mrr.ts';
import * as repo from './repo.ts';
import * as snapshots from './snapshot-repo.ts';

export interface Copy {
  /** the subscription as the event carried it (its state when the event was made) */
  copy: SubscriptionLike;
  /** the subscription as read from Stripe now, when there is such a read (it resolves discount ids) */
  current: SubscriptionLike | null;
  /** when Stripe made the change: the event's `created` */
  changedAt: Date;
  eventId: string | null;
}

/** The subscription's change rows folded again from its observations (and suspensions); restates if needed. */
export async function refold(tx: Tx, scope: repo.Scope, subscription: string): Promise<void> {
  const observations = await repo.observationsOf(tx, scope, subscription);
  const suspensions = scope.kind === 'platform' ? await repo.suspensionsOf(tx, subscription) : [];
  const earliest = await repo.replaceChanges(tx, scope, subscription, foldChanges(observations, suspensions));
  if (earliest) await repo.markRestate(tx, scope, earliest);
}

/**
 * Whether the event's copy is the subscription's latest state: two copies of the same second and status rank
 * are told apart by the read made after both (the copy that agrees with it came last).
 */
function isLatest(copy: SubscriptionLike, current: SubscriptionLike | null, at: Date, terms: DiscountTerms) {
  if (!current || current === copy) return true;
  if (statusRank(current.status) !== statusRank(copy.status)) return false;
  const a = valueAt(copy, at, terms);
  const b = valueAt(current, at, terms);
  return a.mrr === b.mrr && a.currency === b.currency;
}

/**
 * The copy with its customer as the read made for it has it (expanded, with its discount): an event's own
 * copy names its customer by id, and Stripe applies the customer's discount to a subscription with none of
 * its own. The discount's `start` keeps it off a copy from before it was applied.
 */
function withCustomer(copy: SubscriptionLike, current: SubscriptionLike | null): SubscriptionLike {
  if (typeof copy.customer !== 'string' || !current || typeof current.customer === 'string') return copy;
  return current.customer.id === copy.customer ? { ...copy, customer: current.customer } : copy;
}

/** Records what one copy of a subscription says (an event's); folds again when it told something new. */
export async function observe(tx: Tx, scope: repo.Scope, input: Copy): Promise<void> {
  const { current } = input;
  const copy = withCustomer(input.copy, current);
  const terms = discountTerms(copy, current);
  const at = effectiveAt(copy, input.changedAt);
  const { first, later } = valueSchedule(copy, at, terms);
  await repo.lockSubscription(tx, scope, copy.id);
  const changed = await repo.insertObservation(
    tx,
    scope,
    {
      subscription: copy.id,
      customer: customerOf(copy),
      currency: first.currency,
      at,
      rank: statusRank(copy.status),
      status: copy.status,
      mrr: first.mrr,
      churnKind: first.mrr === 0 ? (first.churnKind ?? 'voluntary') : null,
      later,
      source: 'event',
      eventId: input.eventId,
    },
    isLatest(copy, current, at, terms),
  );
  if (!changed) return;
  await snapshots.noteObserved(tx, scope, input.changedAt);
  await refold(tx, scope, copy.id);
}
