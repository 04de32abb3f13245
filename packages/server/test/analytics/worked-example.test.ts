import { describe, expect, it } from 'vitest';
import { computeCohorts } from '../../src/analytics/cohorts.ts';
import { drillDown } from '../../src/analytics/drilldown.ts';
import { checkLedger, computeLedger } from '../../src/analytics/movements.ts';
import { earliestAffectedPeriod } from '../../src/analytics/periods.ts';
import { formatPercent } from '../../src/analytics/ratio.ts';
import { computeMetrics, nrrBetween, retentionBetween } from '../../src/analytics/ratios.ts';
import { amountDelta, summaryRows } from '../../src/analytics/summary.ts';
import type { MrrChange, PeriodMetrics, Ratio } from '../../src/analytics/types.ts';

// docs/analytics.md's worked example, in cents. Pro $100/month, Enterprise $500/month, Pro-annual $960/year
// ($80 MRR). Cancellations and downgrades take effect at the end of the paid period, upgrades at once.
const PRO = 10_000;
const ENTERPRISE = 50_000;
const PRO_ANNUAL = 8_000;
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const change = (
  customer: string,
  subscription: string,
  mrr: number,
  at: string,
  churnKind?: MrrChange['churnKind'],
): MrrChange => ({
  customer,
  subscription,
  currency: 'usd',
  mrr,
  at: day(at),
  ...(churnKind ? { churnKind } : {}),
});

const history: MrrChange[] = [
  change('cus_D', 'sub_D', PRO_ANNUAL, '2025-06-01'),
  change('cus_A', 'sub_A', PRO, '2025-10-01'),
  change('cus_B', 'sub_B1', PRO, '2025-11-05'),
  change('cus_C', 'sub_C', ENTERPRISE, '2025-12-01'),
  // January: B's cancel request (Jan 5) and C's downgrade request (Jan 20) move nothing yet.
  change('cus_A', 'sub_A', ENTERPRISE, '2026-01-10'),
  change('cus_E', 'sub_E', PRO, '2026-01-15'),
  change('cus_F', 'sub_F', 0, '2026-01-29'), // a trial: MRR 0, no movement
  // February (C's downgrade at midnight on Feb 1 belongs to February).
  change('cus_C', 'sub_C', PRO, '2026-02-01'),
  change('cus_B', 'sub_B1', 0, '2026-02-05', 'voluntary'),
  change('cus_F', 'sub_F', PRO, '2026-02-12'),
  change('cus_E', 'sub_E', 0, '2026-02-22', 'involuntary'),
  // March: F's move to the free plan carries no churn kind, and counts as voluntary.
  change('cus_E', 'sub_E', PRO, '2026-03-03'),
  change('cus_D', 'sub_D', ENTERPRISE, '2026-03-10'),
  change('cus_F', 'sub_F', 0, '2026-03-12'),
  change('cus_B', 'sub_B2', PRO_ANNUAL, '2026-03-15'),
];
const range = { from: day('2026-01-01'), to: day('2026-04-01') };

const pct = (r: Ratio | null) => formatPercent(r);
const row = (m: PeriodMetrics) => ({
  mrr: [m.startMrr, m.endMrr],
  movements: [m.movements.new, m.movements.reactivation, m.movements.expansion, m.movements.contraction],
  churn: [m.movements.churn, m.movements.churnVoluntary, m.movements.churnInvoluntary],
  growth: pct(m.growth),
  grossNetChurn: [pct(m.grossMrrChurn), pct(m.netMrrChurn)],
  nrrGrr: [pct(m.nrr), pct(m.grr)],
  customers: [m.churnedCustomers, m.payingAtStart, m.payingAtEnd],
  customerChurn: [pct(m.customerChurn), pct(m.customerChurnVoluntary), pct(m.customerChurnInvoluntary)],
  arpaLtvArr: [m.arpa, m.ltv, m.arr],
});

describe('the worked example', () => {
  const [jan, feb, mar] = computeMetrics(history, range) as [PeriodMetrics, PeriodMetrics, PeriodMetrics];

  it('January: A expands, E is new; no churn; LTV has no prior month', () => {
    expect(jan.start).toEqual(day('2026-01-01'));
    expect(jan.end).toEqual(day('2026-02-01'));
    expect(row(jan)).toEqual({
      mrr: [78_000, 128_000],
      movements: [10_000, 0, 40_000, 0],
      churn: [0, 0, 0],
      growth: '64.10',
      grossNetChurn: ['0.00', '-51.28'],
      nrrGrr: ['151.28', '100.00'],
      customers: [{ total: 0, voluntary: 0, involuntary: 0 }, 4, 5],
      customerChurn: ['0.00', '0.00', '0.00'],
      arpaLtvArr: [25_600, null, 1_536_000],
    });
  });

  it('February: C contracts, B churns voluntarily, E involuntarily, F is new; LTV null as January had no churn', () => {
    expect(row(feb)).toEqual({
      mrr: [128_000, 78_000],
      movements: [10_000, 0, 0, 40_000],
      churn: [20_000, 10_000, 10_000],
      growth: '-39.06',
      grossNetChurn: ['46.88', '46.88'],
      nrrGrr: ['53.13', '53.13'],
      customers: [{ total: 2, voluntary: 1, involuntary: 1 }, 5, 4],
      customerChurn: ['40.00', '20.00', '20.00'],
      arpaLtvArr: [19_500, null, 936_000],
    });
  });

  it('March: E and B reactivate, D expands, F churns; LTV = 256 ÷ mean(0/4, 2/5) = 1,280', () => {
    expect(row(mar)).toEqual({
      mrr: [78_000, 128_000],
      movements: [0, 18_000, 42_000, 0],
      churn: [10_000, 10_000, 0],
      growth: '64.10',
      grossNetChurn: ['12.82', '-64.10'],
      nrrGrr: ['141.03', '87.18'],
      customers: [{ total: 1, voluntary: 1, involuntary: 0 }, 4, 5],
      customerChurn: ['25.00', '25.00', '0.00'],
      arpaLtvArr: [25_600, 128_000, 1_536_000],
    });
  });

  it('LTV looks back over up to 6 months of the range: from September, March averages Sep–Feb', () => {
    const longer = computeMetrics(history, { ...range, from: day('2025-09-01') });
    const march = longer.find((m) => m.start.getTime() === mar.start.getTime());
    // 25,600 ÷ ((0/1 + 0/1 + 0/2 + 0/3 + 0/4 + 2/5) ÷ 6) = 384,000
    expect(march?.ltv).toBe(384_000);
    expect(longer.map((m) => m.ltv)).toEqual([null, null, null, null, null, null, 384_000]);
  });

  it('keeps every ratio exact, as the amounts behind it', () => {
    expect(jan.nrr).toEqual({ numerator: 118_000n, denominator: 78_000n });
    expect(jan.netMrrChurn).toEqual({ numerator: -40_000n, denominator: 78_000n });
    expect(feb.nrr).toEqual({ numerator: 68_000n, denominator: 128_000n });
    expect(feb.grr).toEqual({ numerator: 68_000n, denominator: 128_000n });
    expect(feb.customerChurn).toEqual({ numerator: 2n, denominator: 5n });
    expect(mar.nrr).toEqual({ numerator: 110_000n, denominator: 78_000n });
  });

  it('quarter NRR = 1,180 ÷ 780', () => {
    const quarter = nrrBetween(history, { currency: 'usd', ...range });
    expect(quarter).toEqual({ numerator: 118_000n, denominator: 78_000n });
    expect(formatPercent(quarter)).toBe('151.28');
  });

  it('quarter retention: GRR counts each starting customer at most at their start MRR', () => {
    // A 100 → 500, B 100 → 80 (its new Pro-annual), C 500 → 100, D 80 → 500: kept 100 + 80 + 100 + 80
    expect(retentionBetween(history, range)).toEqual([
      {
        currency: 'usd',
        customersStart: 4,
        mrrStart: 78_000,
        customersRetained: 4,
        mrrEnd: 118_000,
        mrrKept: 36_000,
        nrr: { numerator: 118_000n, denominator: 78_000n },
        grr: { numerator: 36_000n, denominator: 78_000n },
        customerRetention: { numerator: 4n, denominator: 4n },
      },
    ]);
    expect(retentionBetween(history, { ...range, currency: 'eur' })).toEqual([]);
  });

  it('the summary of March against February', () => {
    const [usd] = summaryRows({
      audience: 'tenant',
      metrics: [jan, feb, mar],
      fees: [],
      month: mar.start,
      previous: feb.start,
      monthLabel: '2026-03',
      previousLabel: '2026-02',
    });
    expect(usd?.mrr).toEqual({
      value: 128_000,
      previous: 78_000,
      change: 50_000,
      change_ratio: { numerator: '50000', denominator: '78000', percent: '64.10' },
    });
    expect(usd?.paying_customers).toMatchObject({ value: 5, previous: 4, change: 1 });
    expect(usd?.ltv).toEqual({ value: 128_000, previous: null, change: null, change_ratio: null });
    expect(usd?.new_mrr).toMatchObject({ value: 18_000, previous: 10_000 });
    // 141.0256… % − 53.125 % = 87.90 points
    expect(usd?.nrr).toMatchObject({ change_points: '87.90' });
    expect(usd?.nrr.value?.percent).toBe('141.03');
    expect(usd?.customer_churn).toMatchObject({ change_points: '-15.00' });
    // a tenant's fee figures, 0 in a month with no payment
    expect(usd?.net_volume).toEqual({ value: 0, previous: 0, change: 0, change_ratio: null });
    expect(usd?.fee_rate).toEqual({ value: null, previous: null, change_points: null });
    expect(usd?.gmv).toBeUndefined();
  });

  it('a change against a negative month is measured against its size', () => {
    // net fee revenue can be below 0: from −$2.42 to $0.78 is a rise of $3.20, 132.23 % of −$2.42's size
    expect(amountDelta(78, -242)).toEqual({
      value: 78,
      previous: -242,
      change: 320,
      change_ratio: { numerator: '320', denominator: '242', percent: '132.23' },
    });
    expect(amountDelta(5, 0).change_ratio).toBeNull();
  });

  it('the ledger adds up, and the input order does not matter', () => {
    const ledger = computeLedger(history, range);
    expect(checkLedger(ledger)).toEqual([]);
    expect(computeLedger([...history].reverse(), range)).toEqual(ledger);
    expect(checkLedger(computeLedger(history, { ...range, unit: 'week' }))).toEqual([]);
    const days = computeLedger(history, { ...range, unit: 'day' });
    expect(checkLedger(days)).toEqual([]);
    const febDays = days.filter((d) => d.start.getUTCMonth() === 1);
    expect(febDays.reduce((sum, d) => sum + d.movements.contraction, 0)).toBe(40_000);
    expect(febDays.reduce((sum, d) => sum + d.movements.churn, 0)).toBe(20_000);
  });

  it('drills down: February churn is B (voluntary) and E (involuntary), March reactivation is E and B', () => {
    const period = { currency: 'usd', start: feb.start, end: feb.end };
    expect(drillDown(history, { ...period, kind: 'churn' })).toEqual([
      {
        customer: 'cus_B',
        at: day('2026-02-05'),
        amount: 10_000,
        before: 10_000,
        after: 0,
        churnKind: 'voluntary',
        subscriptions: [{ subscription: 'sub_B1', before: 10_000, after: 0 }],
      },
      {
        customer: 'cus_E',
        at: day('2026-02-22'),
        amount: 10_000,
        before: 10_000,
        after: 0,
        churnKind: 'involuntary',
        subscriptions: [{ subscription: 'sub_E', before: 10_000, after: 0 }],
      },
    ]);
    const involuntary = drillDown(history, { ...period, kind: 'churn', churnKind: 'involuntary' });
    expect(involuntary.map((r) => r.customer)).toEqual(['cus_E']);
    const reactivations = drillDown(history, {
      currency: 'usd',
      start: mar.start,
      end: mar.end,
      kind: 'reactivation',
    });
    expect(reactivations.map((r) => [r.customer, r.amount, r.subscriptions[0]?.subscription])).toEqual([
      ['cus_E', 10_000, 'sub_E'],
      ['cus_B', 8_000, 'sub_B2'],
    ]);
  });

  it('cohorts: E first paid in January (back in March), F in February (gone in March)', () => {
    expect(computeCohorts(history, range).map((c) => [c.period, c.customers, c.cells])).toEqual([
      [
        day('2026-01-01'),
        1,
        [
          { offset: 0, start: jan.start, end: jan.end, retainedCustomers: 1, retainedMrr: PRO },
          { offset: 1, start: feb.start, end: feb.end, retainedCustomers: 0, retainedMrr: 0 },
          { offset: 2, start: mar.start, end: mar.end, retainedCustomers: 1, retainedMrr: PRO },
        ],
      ],
      [
        day('2026-02-01'),
        1,
        [
          { offset: 0, start: feb.start, end: feb.end, retainedCustomers: 1, retainedMrr: PRO },
          { offset: 1, start: mar.start, end: mar.end, retainedCustomers: 0, retainedMrr: 0 },
        ],
      ],
    ]);
  });

  it('a late change restates from its month on and leaves the months before as they were', () => {
    const late = change('cus_A', 'sub_A', PRO, '2026-02-20');
    expect(earliestAffectedPeriod([late], 'month')).toEqual(day('2026-02-01'));
    const restated = computeMetrics([late, ...history], range);
    expect(restated[0]).toEqual(jan);
    expect(restated[1]?.movements.contraction).toBe(80_000);
    expect(restated[2]?.movements.expansion).toBe(42_000);
  });
});
