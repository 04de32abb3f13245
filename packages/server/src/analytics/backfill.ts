// `tributary sync mrr`: a subscription's history rebuilt from its current state at Stripe, where webhooks left
// none (docs/analytics.md, "Capture"). The current object knows when it started paying (its start, or its
// trial's end) and when it ended, not what it was worth before its last change: it counts its current items
// from then. Observations of events are kept; the backfill adds only what they do not cover.
import type { Tx } from '../db/client.ts';
import { refold } from './capture.ts';
import { planValueAt } from './fold.ts';
import {
  customerOf,
  discountTerms,
  effectiveAt,
  type SubscriptionLike,
  statusRank,
  valueSchedule,
} from './mrr.ts';
import * as repo from './repo.ts';

export interface BackfilledSubscription extends SubscriptionLike {
  start_date?: number | null;
  created?: number | null;
  trial_end?: number | null;
}

const ENDED = new Set(['canceled', 'incomplete_expired']);
const PAYING = new Set(['active', 'past_due', 'unpaid']);
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** When the subscription began to pay (its start, or its trial's end), if it ever did by `now`. */
function paidFrom(s: BackfilledSubscription, now: Date): Date | null {
  const start = s.start_date ?? s.created;
  if (start == null) return null;
  const from = s.trial_end != null && s.trial_end > start ? s.trial_end : start;
  if (from > seconds(now)) return null;
  if (PAYING.has(s.status)) return new Date(from * 1000);
  if (s.status === 'canceled' && (s.ended_at == null || s.ended_at > from)) return new Date(from * 1000);
  return null;
}

/**
 * Adds the observations the current object gives and the history lacks: it paying from its start (before any
 * observation of an event), its end, and its state at `now` (Stripe's time for it) when that differs from
 * what the history says then. Idempotent: a second run finds them all there. Whether anything was added.
 */
export async function backfillSubscription(
  tx: Tx,
  scope: repo.Scope,
  s: BackfilledSubscription,
  now: Date,
): Promise<boolean> {
  await repo.lockSubscription(tx, scope, s.id);
  const terms = discountTerms(s);
  const existing = await repo.observationsOf(tx, scope, s.id);
  const base = { subscription: s.id, customer: customerOf(s), source: 'backfill' as const, eventId: null };
  let added = false;
  const add = async (copy: BackfilledSubscription, at: Date) => {
    const { first, later } = valueSchedule(copy, at, terms);
    const inserted = await repo.insertObservation(
      tx,
      scope,
      {
        ...base,
        currency: first.currency,
        at,
        rank: statusRank(copy.status),
        status: copy.status,
        mrr: first.mrr,
        churnKind: first.mrr === 0 ? (first.churnKind ?? 'voluntary') : null,
        later,
      },
      false,
    );
    added ||= inserted;
  };
  const from = paidFrom(s, now);
  const earliest = existing[0]?.at;
  if (from && (!earliest || from < earliest))
    await add({ ...s, status: 'active', pause_collection: null }, from);
  if (ENDED.has(s.status)) await add(s, effectiveAt(s, now));
  else {
    const known = planValueAt(await repo.observationsOf(tx, scope, s.id), now);
    const { first } = valueSchedule(s, now, terms);
    const differs = known ? known.mrr !== first.mrr || known.currency !== first.currency : first.mrr > 0;
    if (differs) await add(s, now);
  }
  if (added) await refold(tx, scope, s.id);
  return added;
}
