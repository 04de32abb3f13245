import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLedger, computeLedger } from '../../src/analytics/movements.ts';
import { earliestAffectedPeriod, periodsBetween } from '../../src/analytics/periods.ts';
import { ratio } from '../../src/analytics/ratio.ts';
import { computeMetrics } from '../../src/analytics/ratios.ts';
import type { MovementKind, MrrChange, Period, PeriodUnit } from '../../src/analytics/types.ts';

const runs = Number(process.env.TRIBUTARY_PROPERTY_RUNS ?? 100);
const DAY = 86_400_000;
const FIRST = Date.UTC(2025, 11, 1);
const range = { from: new Date(Date.UTC(2026, 0, 1)), to: new Date(Date.UTC(2026, 3, 1)) };
const currencies = ['eur', 'jpy', 'usd'];

// A pool of subscriptions (several per customer, in several currencies), and changes to them at instants
// that often coincide (midnight, noon) and fall on period boundaries.
const changeArb = (pool: { customer: string; currency: string }[]) =>
  fc.record({
    sub: fc.nat({ max: pool.length - 1 }),
    mrr: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000 })),
    day: fc.nat({ max: 130 }),
    noon: fc.boolean(),
    churnKind: fc.constantFrom(undefined, 'voluntary' as const, 'involuntary' as const),
    order: fc.integer(),
  });
const historyArb = fc
  .array(fc.record({ customer: fc.nat({ max: 3 }), currency: fc.nat({ max: 2 }) }), {
    minLength: 1,
    maxLength: 8,
  })
  .map((subs) =>
    subs.map((s) => ({ customer: `cus_${s.customer}`, currency: currencies[s.currency] as string })),
  )
  .chain((pool) => fc.tuple(fc.constant(pool), fc.array(changeArb(pool), { maxLength: 40 })))
  .map(([pool, raw]) => {
    const seen = new Set<string>();
    const changes: (MrrChange & { order: number })[] = [];
    for (const r of raw) {
      const at = new Date(FIRST + r.day * DAY + (r.noon ? DAY / 2 : 0));
      // One change per subscription and instant: with ties the recorded order decides, which a shuffle loses.
      if (seen.has(`${r.sub}@${at.getTime()}`)) continue;
      seen.add(`${r.sub}@${at.getTime()}`);
      const { customer, currency } = pool[r.sub] as { customer: string; currency: string };
      changes.push({ subscription: `sub_${r.sub}`, customer, currency, mrr: r.mrr, at, order: r.order });
      if (r.churnKind && r.mrr === 0) Object.assign(changes.at(-1) as MrrChange, { churnKind: r.churnKind });
    }
    const shuffled = [...changes].sort((a, b) => a.order - b.order);
    return shuffled.map(({ order: _, ...c }) => c as MrrChange);
  });
const unitArb = fc.constantFrom<PeriodUnit>('month', 'week', 'day');

// The definitions, recomputed the slow and obvious way.
function naiveMrr(
  h: readonly MrrChange[],
  currency: string,
  customer: string,
  t: number,
  inclusive: boolean,
) {
  const latest = new Map<string, MrrChange>();
  for (const c of h) {
    if (c.currency !== currency || c.customer !== customer) continue;
    const time = c.at.getTime();
    if (time > t || (time === t && !inclusive)) continue;
    const previous = latest.get(c.subscription);
    if (!previous || previous.at.getTime() <= time) latest.set(c.subscription, c);
  }
  return [...latest.values()].reduce((sum, c) => sum + c.mrr, 0);
}

function naivePeriod(h: readonly MrrChange[], currency: string, p: Period) {
  const customers = [...new Set(h.filter((c) => c.currency === currency).map((c) => c.customer))];
  const [s, e] = [p.start.getTime(), p.end.getTime()];
  const totals: Record<MovementKind, number> = {
    new: 0,
    reactivation: 0,
    expansion: 0,
    contraction: 0,
    churn: 0,
  };
  let startMrr = 0;
  let endMrr = 0;
  let startPayersEndMrr = 0;
  let churned = 0;
  let payingAtStart = 0;
  for (const customer of customers) {
    const mine = h.filter((c) => c.currency === currency && c.customer === customer);
    const instants = [...new Set(mine.map((c) => c.at.getTime()))].sort((a, b) => a - b);
    const atStart = naiveMrr(h, currency, customer, s, false);
    const atEnd = naiveMrr(h, currency, customer, e, false);
    startMrr += atStart;
    endMrr += atEnd;
    if (atStart > 0) [payingAtStart, startPayersEndMrr] = [payingAtStart + 1, startPayersEndMrr + atEnd];
    let churnedHere = false;
    for (const t of instants.filter((i) => i >= s && i < e)) {
      const before = naiveMrr(h, currency, customer, t, false);
      const after = naiveMrr(h, currency, customer, t, true);
      const paidBefore = instants.some((i) => i < t && naiveMrr(h, currency, customer, i, true) > 0);
      if (before === 0 && after > 0) totals[paidBefore ? 'reactivation' : 'new'] += after;
      else if (before > 0 && after === 0) [totals.churn, churnedHere] = [totals.churn + before, true];
      else if (after > before && before > 0) totals.expansion += after - before;
      else if (after < before) totals.contraction += before - after;
    }
    if (churnedHere && atEnd === 0) churned++;
  }
  return { startMrr, endMrr, totals, startPayersEndMrr, churned, payingAtStart };
}

describe('analytics engine properties', () => {
  it('the ledger adds up for every period and currency, and matches MRR recomputed from the history', () => {
    fc.assert(
      fc.property(historyArb, unitArb, (history, unit) => {
        const ledger = computeLedger(history, { ...range, unit });
        expect(checkLedger(ledger)).toEqual([]);
        const present = new Set(history.map((c) => c.currency));
        const periods = periodsBetween(range.from, range.to, unit);
        expect(ledger).toHaveLength(present.size * periods.length);
        for (const row of ledger) {
          const naive = naivePeriod(history, row.currency, row);
          expect([row.startMrr, row.endMrr]).toEqual([naive.startMrr, naive.endMrr]);
          const { new: n, reactivation, expansion, contraction, churn } = row.movements;
          expect({ new: n, reactivation, expansion, contraction, churn }).toEqual(naive.totals);
        }
      }),
      { numRuns: runs },
    );
  });

  it('NRR, GRR and customer churn agree with a naive recomputation', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        for (const m of computeMetrics(history, range)) {
          const naive = naivePeriod(history, m.currency, m);
          const lost = naive.totals.churn + naive.totals.contraction;
          expect(m.nrr).toEqual(ratio(naive.startPayersEndMrr, naive.startMrr));
          expect(m.grr).toEqual(ratio(naive.startMrr - lost, naive.startMrr));
          expect(m.customerChurn).toEqual(ratio(naive.churned, naive.payingAtStart));
          expect(m.churnedCustomers.voluntary + m.churnedCustomers.involuntary).toBe(
            m.churnedCustomers.total,
          );
        }
      }),
      { numRuns: runs },
    );
  });

  it('the order of the input does not matter', () => {
    fc.assert(
      fc.property(historyArb, unitArb, (history, unit) => {
        const sorted = [...history].sort((a, b) => a.at.getTime() - b.at.getTime());
        expect(computeMetrics(history, { ...range, unit })).toEqual(
          computeMetrics(sorted, { ...range, unit }),
        );
      }),
      { numRuns: runs },
    );
  });

  it('a late change leaves every period before its earliest affected period unchanged', () => {
    fc.assert(
      fc.property(historyArb, historyArb, unitArb, (history, late, unit) => {
        const before = computeMetrics(history, { ...range, unit });
        const after = computeMetrics([...history, ...late], { ...range, unit });
        const from = earliestAffectedPeriod(late, unit);
        // A currency the late changes bring in is new rows, not a restatement.
        const known = new Set(before.map((r) => r.currency));
        const untouched = (rows: typeof before) =>
          rows.filter((r) => known.has(r.currency) && (from === null || r.end <= from));
        expect(untouched(after)).toEqual(untouched(before));
      }),
      { numRuns: runs },
    );
  });
});
