// The ratios of each period, from its summary: growth, NRR, GRR, MRR churn, customer churn, ARPA, ARR, LTV.
import { type RangeOptions, summarisePeriods } from './movements.ts';
import { divideHalfUp, meanOfRatios, ratio } from './ratio.ts';
import { customerMrrAt } from './timeline.ts';
import type { MrrChange, PeriodMetrics, PeriodSummary, Ratio } from './types.ts';

export interface MetricsOptions extends RangeOptions {
  /** how many months before a month its LTV averages the customer churn rate over (6 by default) */
  ltvLookbackMonths?: number;
}

/** The ratios of one period that need nothing but its own summary. */
export function periodRatios(s: PeriodSummary): Omit<PeriodMetrics, keyof PeriodSummary | 'ltv'> {
  const m = s.movements;
  const lost = m.churn + m.contraction;
  return {
    growth: ratio(s.endMrr - s.startMrr, s.startMrr),
    nrr: ratio(s.startPayersEndMrr, s.startMrr),
    grr: ratio(s.startMrr - lost, s.startMrr),
    grossMrrChurn: ratio(lost, s.startMrr),
    netMrrChurn: ratio(lost - m.expansion - m.reactivation, s.startMrr),
    customerChurn: ratio(s.churnedCustomers.total, s.payingAtStart),
    customerChurnVoluntary: ratio(s.churnedCustomers.voluntary, s.payingAtStart),
    customerChurnInvoluntary: ratio(s.churnedCustomers.involuntary, s.payingAtStart),
    arpa: s.payingAtEnd === 0 ? null : Number(divideHalfUp(BigInt(s.endMrr), BigInt(s.payingAtEnd))),
    arr: 12 * s.endMrr,
  };
}

/**
 * ARPA ÷ the mean of the monthly customer churn rates given (the months before, oldest first), rounded
 * half-up to minor units. Null without ARPA, without a prior month with paying customers, or when that mean
 * is 0 (no churn: no finite lifetime).
 */
export function lifetimeValue(
  arpa: number | null,
  priorChurnRates: readonly (Ratio | null)[],
): number | null {
  if (arpa === null) return null;
  const mean = meanOfRatios(priorChurnRates.filter((r): r is Ratio => r !== null));
  if (mean === null || mean.numerator === 0n) return null;
  return Number(divideHalfUp(BigInt(arpa) * mean.denominator, mean.numerator));
}

/**
 * Every metric per currency and period of [from, to). LTV is computed for monthly periods only, and looks
 * back over the months of the range before the month (up to `ltvLookbackMonths`): to give a month its full
 * lookback, start the range that many months earlier.
 */
export function computeMetrics(changes: readonly MrrChange[], options: MetricsOptions): PeriodMetrics[] {
  return metricsOf(summarisePeriods(changes, options), options);
}

/**
 * The metrics of period summaries (per currency, in time order, as summarisePeriods gives them): what
 * computeMetrics does once the summaries are known — the snapshot reads (snapshots.ts) call it on stored ones.
 */
export function metricsOf(
  summaries: readonly PeriodSummary[],
  options: Pick<MetricsOptions, 'unit' | 'ltvLookbackMonths'>,
): PeriodMetrics[] {
  const lookback = options.ltvLookbackMonths ?? 6;
  const monthly = (options.unit ?? 'month') === 'month';
  const priorRates = new Map<string, (Ratio | null)[]>();
  return summaries.map((s) => {
    const ratios = periodRatios(s);
    const prior = priorRates.get(s.currency) ?? [];
    const ltv = monthly ? lifetimeValue(ratios.arpa, prior.slice(-lookback)) : null;
    priorRates.set(s.currency, [...prior, ratios.customerChurn]);
    return { ...s, ...ratios, ltv };
  });
}

/** Retention over any range (a quarter, a year), of the customers who paid at its start. */
export interface RangeRetention {
  currency: string;
  /** the customers paying at the start, and their MRR then */
  customersStart: number;
  mrrStart: number;
  /** of those, the ones still paying at the end, and the MRR of them all at the end (new ones left out) */
  customersRetained: number;
  mrrEnd: number;
  /** Σ of each starting customer's MRR at the end, capped at their MRR at the start: what was kept */
  mrrKept: number;
  /** mrrEnd ÷ mrrStart */
  nrr: Ratio | null;
  /** mrrKept ÷ mrrStart: only losses count, growth of the same customers never makes up for them */
  grr: Ratio | null;
  /** customersRetained ÷ customersStart */
  customerRetention: Ratio | null;
}

/**
 * Retention from `from` to `to` per currency: the customers paying just before `from`, looked at just before
 * `to`. As for periods, a change at `from` or `to` exactly counts after that instant. Customers who arrive
 * during the range do not count; customers who leave count 0.
 */
export function retentionBetween(
  changes: readonly MrrChange[],
  options: { from: Date; to: Date; currency?: string },
): RangeRetention[] {
  const justBefore = (d: Date) => new Date(d.getTime() - 1);
  const atStart = customerMrrAt(changes, justBefore(options.from));
  const atEnd = customerMrrAt(changes, justBefore(options.to));
  const currencies = [...new Set([...atStart.keys(), ...atEnd.keys()])]
    .filter((c) => options.currency === undefined || c === options.currency)
    .sort();
  return currencies.map((currency) => {
    const start = atStart.get(currency) ?? new Map<string, number>();
    const end = atEnd.get(currency) ?? new Map<string, number>();
    let mrrStart = 0;
    let mrrEnd = 0;
    let mrrKept = 0;
    let customersRetained = 0;
    for (const [customer, before] of start) {
      const after = end.get(customer) ?? 0;
      mrrStart += before;
      mrrEnd += after;
      mrrKept += Math.min(before, after);
      if (after > 0) customersRetained++;
    }
    return {
      currency,
      customersStart: start.size,
      mrrStart,
      customersRetained,
      mrrEnd,
      mrrKept,
      nrr: ratio(mrrEnd, mrrStart),
      grr: ratio(mrrKept, mrrStart),
      customerRetention: ratio(customersRetained, start.size),
    };
  });
}

/** NRR over any range: the MRR at `to` of the customers who paid at `from`, ÷ their MRR at `from`. */
export function nrrBetween(
  changes: readonly MrrChange[],
  options: { currency: string; from: Date; to: Date },
): Ratio | null {
  return retentionBetween(changes, options)[0]?.nrr ?? null;
}
