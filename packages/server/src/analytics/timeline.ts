// The history as customer events: each customer's MRR (per currency) before and after every instant at which
// one of their subscriptions changed, classified once. Every figure of the engine is built from these.
import type { ChurnKind, CustomerEvent, MovementKind, MrrChange, SubscriptionStep } from './types.ts';

function validate(c: MrrChange): void {
  if (!Number.isSafeInteger(c.mrr) || c.mrr < 0)
    throw new RangeError(`MRR of ${c.subscription} must be an integer >= 0 in minor units, got ${c.mrr}`);
  if (Number.isNaN(c.at.getTime())) throw new RangeError(`time of ${c.subscription}'s change is invalid`);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The changes in time order, then by currency, customer and subscription, so that any order of the same
 * history gives the same result. Two changes of one subscription at the same instant keep their input order
 * (the later one wins): callers with such ties must pass them in the order they were recorded.
 */
export function sortChanges(changes: readonly MrrChange[]): MrrChange[] {
  for (const c of changes) validate(c);
  return changes
    .map((c, i) => ({ c, i }))
    .sort(
      ({ c: x, i }, { c: y, i: j }) =>
        x.at.getTime() - y.at.getTime() ||
        compare(x.currency, y.currency) ||
        compare(x.customer, y.customer) ||
        compare(x.subscription, y.subscription) ||
        i - j,
    )
    .map(({ c }) => c);
}

function classify(before: number, after: number, paidBefore: boolean): MovementKind | null {
  if (before === 0 && after > 0) return paidBefore ? 'reactivation' : 'new';
  if (before > 0 && after === 0) return 'churn';
  if (before > 0 && after > before) return 'expansion';
  if (before > 0 && after < before) return 'contraction';
  return null;
}

// A subscription's stream is keyed by currency, customer and id: Stripe never moves a subscription to another
// customer or currency, and keying by all three keeps every stream's MRR on one customer whatever the input.
const key = (...parts: string[]) => parts.join('\u0000');

/** The customer events of the history (any order), in time order; same-instant changes form one event. */
export function customerEvents(changes: readonly MrrChange[]): CustomerEvent[] {
  const sorted = sortChanges(changes);
  const subscriptionMrr = new Map<string, number>();
  const customerMrr = new Map<string, number>();
  const everPaid = new Set<string>();
  const events: CustomerEvent[] = [];
  let i = 0;
  while (i < sorted.length) {
    const at = (sorted[i] as MrrChange).at.getTime();
    const groups = new Map<string, MrrChange[]>();
    for (; i < sorted.length && (sorted[i] as MrrChange).at.getTime() === at; i++) {
      const c = sorted[i] as MrrChange;
      const k = key(c.currency, c.customer);
      const group = groups.get(k);
      if (group) group.push(c);
      else groups.set(k, [c]);
    }
    for (const [k, group] of groups) {
      const first = group[0] as MrrChange;
      const before = customerMrr.get(k) ?? 0;
      let after = before;
      const steps = new Map<string, SubscriptionStep>();
      let churnKind: ChurnKind | undefined;
      for (const c of group) {
        const sk = key(k, c.subscription);
        const previous = subscriptionMrr.get(sk) ?? 0;
        after += c.mrr - previous;
        subscriptionMrr.set(sk, c.mrr);
        const step = steps.get(c.subscription);
        if (step) step.after = c.mrr;
        else steps.set(c.subscription, { subscription: c.subscription, before: previous, after: c.mrr });
        // Subscriptions ending together: one ended by failed payment makes the customer's churn involuntary.
        if (c.mrr === 0 && previous > 0 && churnKind !== 'involuntary')
          churnKind = c.churnKind ?? 'voluntary';
      }
      customerMrr.set(k, after);
      const kind = classify(before, after, everPaid.has(k));
      if (after > 0) everPaid.add(k);
      events.push({
        currency: first.currency,
        customer: first.customer,
        at: first.at,
        before,
        after,
        kind,
        ...(kind === 'churn' ? { churnKind: churnKind ?? 'voluntary' } : {}),
        steps: [...steps.values()].filter((s) => s.before !== s.after),
      });
    }
  }
  return events;
}

/** Each customer's MRR per currency at `at`, counting the changes at or before it (paying customers only). */
export function customerMrrAt(changes: readonly MrrChange[], at: Date): Map<string, Map<string, number>> {
  const byCurrency = new Map<string, Map<string, number>>();
  for (const e of customerEvents(changes)) {
    if (e.at > at) break;
    const customers = byCurrency.get(e.currency) ?? new Map<string, number>();
    byCurrency.set(e.currency, customers);
    if (e.after > 0) customers.set(e.customer, e.after);
    else customers.delete(e.customer);
  }
  return byCurrency;
}
