// One subscription's observations (what each copy of it said, at the time it took effect) folded into its MRR
// changes: the rows the engine reads. Pure, and independent of the order the observations arrived in: the
// capture stores every observation and folds them again whenever one is added.
import type { ChurnKind } from './types.ts';

export interface Observation {
  at: Date;
  /** orders observations of the same instant (statusRank): the higher one is the later */
  rank: number;
  customer: string;
  currency: string;
  mrr: number;
  churnKind: ChurnKind | null;
  /** what discounts starting or ending make of it later, while nothing else changes */
  later: { at: Date; mrr: number }[];
}

/** A time its MRR counts 0 whatever Stripe says (a platform plan suspended by dunning): [from, until). */
export interface Suspension {
  from: Date;
  until: Date | null;
}

export interface ChangeRow {
  at: Date;
  customer: string;
  currency: string;
  mrr: number;
  churnKind: ChurnKind | null;
}

interface Point {
  at: number;
  customer: string;
  currency: string;
  mrr: number;
  churnKind: ChurnKind | null;
}

const byTime = (a: Observation, b: Observation) => a.at.getTime() - b.at.getTime() || a.rank - b.rank;

/** What the subscription is worth from each instant on: the observations, and their discounts' later steps. */
function points(observations: readonly Observation[]): Point[] {
  const sorted = [...observations].sort(byTime);
  const out: Point[] = [];
  sorted.forEach((o, i) => {
    const next = sorted[i + 1]?.at.getTime() ?? Number.POSITIVE_INFINITY;
    const base = { customer: o.customer, currency: o.currency };
    out.push({ ...base, at: o.at.getTime(), mrr: o.mrr, churnKind: o.churnKind });
    for (const step of o.later) {
      const at = step.at.getTime();
      if (at > o.at.getTime() && at < next)
        out.push({ ...base, at, mrr: step.mrr, churnKind: step.mrr === 0 ? 'voluntary' : null });
    }
  });
  return out;
}

/**
 * The change rows of one subscription: a row wherever its MRR (or currency) differs from just before, nothing
 * while it is 0 from the start. Suspended, it counts 0 (involuntary churn at the suspension) and comes back to
 * what Stripe says at the suspension's end.
 */
export function foldChanges(
  observations: readonly Observation[],
  suspensions: readonly Suspension[] = [],
): ChangeRow[] {
  const plan = points(observations);
  const intervals = suspensions
    .map((s) => ({ from: s.from.getTime(), until: s.until?.getTime() ?? Number.POSITIVE_INFINITY }))
    .filter((s) => s.until > s.from);
  const instants = [...new Set([...plan.map((p) => p.at), ...intervals.flatMap((s) => [s.from, s.until])])]
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const rows: ChangeRow[] = [];
  let prevCurrency: string | null = null;
  let prevMrr = 0;
  let p = -1;
  for (const at of instants) {
    while (p + 1 < plan.length && (plan[p + 1] as Point).at <= at) p++;
    const current = plan[p];
    if (!current) continue;
    const suspended = intervals.some((s) => s.from <= at && at < s.until);
    const mrr = suspended ? 0 : current.mrr;
    const churnKind = mrr > 0 ? null : suspended ? 'involuntary' : (current.churnKind ?? 'voluntary');
    const row = (currency: string, value: number, kind: ChurnKind | null) =>
      rows.push({ at: new Date(at), customer: current.customer, currency, mrr: value, churnKind: kind });
    if (prevCurrency !== null && prevCurrency !== current.currency) {
      if (prevMrr > 0) row(prevCurrency, 0, 'voluntary');
      if (mrr > 0) row(current.currency, mrr, churnKind);
    } else if (prevMrr !== mrr) row(current.currency, mrr, churnKind);
    prevCurrency = current.currency;
    prevMrr = mrr;
  }
  return rows;
}

/** What Stripe says the subscription is worth at `at` (suspensions aside); null before its first observation. */
export function planValueAt(
  observations: readonly Observation[],
  at: Date,
): { currency: string; mrr: number } | null {
  const found = points(observations).findLast((p) => p.at <= at.getTime());
  return found ? { currency: found.currency, mrr: found.mrr } : null;
}
