// What is behind one movement figure: the customers, their subscriptions and the amounts that add up to it.
import { eventsByCurrency } from './movements.ts';
import type { ChurnKind, MovementKind, MrrChange, Period, SubscriptionStep } from './types.ts';

export interface DrillDownRow {
  customer: string;
  at: Date;
  /** the customer's contribution to the figure (> 0; contraction and churn as the amount lost) */
  amount: number;
  before: number;
  after: number;
  churnKind?: ChurnKind;
  subscriptions: SubscriptionStep[];
}

/**
 * The customer events of one movement kind in a period and currency, in time order; their amounts sum to the
 * period's figure for that kind (`churnKind` narrows churn to its voluntary or involuntary part).
 */
export function drillDown(
  changes: readonly MrrChange[],
  options: Period & { currency: string; kind: MovementKind; churnKind?: ChurnKind },
): DrillDownRow[] {
  const events = eventsByCurrency(changes).get(options.currency) ?? [];
  return events
    .filter((e) => e.kind === options.kind && e.at >= options.start && e.at < options.end)
    .filter((e) => options.churnKind === undefined || e.churnKind === options.churnKind)
    .map((e) => ({
      customer: e.customer,
      at: e.at,
      amount: Math.abs(e.after - e.before),
      before: e.before,
      after: e.after,
      ...(e.churnKind ? { churnKind: e.churnKind } : {}),
      subscriptions: e.steps,
    }));
}
