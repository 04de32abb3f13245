// Cohorts by the period of a customer's first payment (per currency): how many of them still pay, and how much,
// at the end of each period after.
import { eventsByCurrency, type RangeOptions } from './movements.ts';
import { periodStart, periodsBetween } from './periods.ts';
import type { CustomerEvent, MrrChange } from './types.ts';

export interface CohortCell {
  /** 0 for the cohort's own period */
  offset: number;
  start: Date;
  end: Date;
  retainedCustomers: number;
  retainedMrr: number;
}

export interface Cohort {
  currency: string;
  /** start of the period in which the cohort's customers first paid */
  period: Date;
  customers: number;
  cells: CohortCell[];
}

/**
 * The cohorts whose first payment falls in [from, to), each with one cell per period from its own to the last
 * of the range: customers of the cohort paying at that period's end, and their MRR then.
 */
export function computeCohorts(changes: readonly MrrChange[], options: RangeOptions): Cohort[] {
  const unit = options.unit ?? 'month';
  const periods = periodsBetween(options.from, options.to, unit);
  const cohorts: Cohort[] = [];
  for (const [currency, events] of eventsByCurrency(changes)) {
    const firstPaid = new Map<string, number>();
    for (const e of events)
      if (e.kind === 'new' && !firstPaid.has(e.customer))
        firstPaid.set(e.customer, periodStart(e.at, unit).getTime());
    const members = new Map<number, string[]>();
    for (const [customer, start] of firstPaid) members.set(start, [...(members.get(start) ?? []), customer]);
    const mrrAtEnds = periodEnds(events, periods);
    periods.forEach((p, index) => {
      const customers = members.get(p.start.getTime());
      if (!customers) return;
      const cells = periods.slice(index).map((q, offset) => {
        const mrr = mrrAtEnds[index + offset] as Map<string, number>;
        let retainedCustomers = 0;
        let retainedMrr = 0;
        for (const c of customers) {
          const m = mrr.get(c) ?? 0;
          if (m > 0) retainedCustomers++;
          retainedMrr += m;
        }
        return { offset, start: q.start, end: q.end, retainedCustomers, retainedMrr };
      });
      cohorts.push({ currency, period: p.start, customers: customers.length, cells });
    });
  }
  return cohorts;
}

/** Each customer's MRR at the end of each period. */
function periodEnds(
  events: readonly CustomerEvent[],
  periods: readonly { end: Date }[],
): Map<string, number>[] {
  const mrr = new Map<string, number>();
  let i = 0;
  return periods.map(({ end }) => {
    for (; i < events.length && (events[i] as CustomerEvent).at < end; i++) {
      const e = events[i] as CustomerEvent;
      mrr.set(e.customer, e.after);
    }
    return new Map(mrr);
  });
}
