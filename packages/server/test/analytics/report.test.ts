import { describe, expect, it } from 'vitest';
import { parsePeriod, parseRange } from '../../src/analytics/range.ts';
import {
  cohortsReport,
  metricsCsvColumns,
  metricsCsvRows,
  metricsReport,
  movementsReport,
} from '../../src/analytics/report.ts';
import type { MrrChange } from '../../src/analytics/types.ts';
import { ApiError } from '../../src/http/errors.ts';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const change = (
  customer: string,
  mrr: number,
  at: string,
  currency = 'usd',
  churnKind?: MrrChange['churnKind'],
): MrrChange => ({
  customer,
  subscription: `sub_${customer}`,
  currency,
  mrr,
  at: day(at),
  ...(churnKind ? { churnKind } : {}),
});

const NOW = new Date('2026-03-20T12:00:00Z');

const rejects = (fn: () => unknown, param: string, code = 'parameter_invalid') => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe(code);
    expect((e as ApiError).param).toBe(param);
    return;
  }
  throw new Error('expected a 400');
};

describe('the analytics range', () => {
  it('covers whole months, the one in progress included', () => {
    expect(parseRange({ from: '2026-01', to: '2026-03' }, NOW)).toEqual({
      from: day('2026-01-01'),
      to: day('2026-04-01'),
      unit: 'month',
    });
    expect(parseRange({ from: '2025-11', to: '2026-01', currency: 'JPY' }, NOW)).toEqual({
      from: day('2025-11-01'),
      to: day('2026-02-01'),
      unit: 'month',
      currency: 'jpy',
    });
  });

  it('defaults to the last 12 months, 12 weeks or 30 days', () => {
    expect(parseRange({}, NOW).from).toEqual(day('2025-04-01'));
    expect(parseRange({ interval: 'week' }, NOW).from).toEqual(day('2025-12-29')); // a Monday, 11 weeks before
    expect(parseRange({ interval: 'day' }, NOW).from).toEqual(day('2026-02-19'));
  });

  it('aligns weeks to Mondays', () => {
    const r = parseRange({ interval: 'week', from: '2026-03-04', to: '2026-03-11' }, NOW);
    expect(r).toEqual({ from: day('2026-03-02'), to: day('2026-03-16'), unit: 'week' });
  });

  it('refuses malformed, reversed, future and too long ranges with the parameter named', () => {
    rejects(() => parseRange({ from: '2026-1' }, NOW), 'from');
    rejects(() => parseRange({ from: '2026-13' }, NOW), 'from');
    rejects(() => parseRange({ interval: 'day', from: '2026-02-30' }, NOW), 'from');
    rejects(() => parseRange({ interval: 'day', from: '2026-02' }, NOW), 'from');
    rejects(() => parseRange({ from: '1999-12' }, NOW), 'from');
    rejects(() => parseRange({ from: '2026-03', to: '2026-01' }, NOW), 'from', 'analytics_range_invalid');
    rejects(() => parseRange({ from: '2026-05', to: '2026-06' }, NOW), 'from', 'analytics_range_invalid');
    rejects(() => parseRange({ from: '2022-01', to: '2025-01' }, NOW), 'from', 'analytics_range_too_long');
    expect(parseRange({ from: '2022-01', to: '2024-12' }, NOW).to).toEqual(day('2025-01-01'));
    rejects(() => parsePeriod('2026-04', 'month', NOW), 'period', 'analytics_range_invalid');
  });
});

describe('the analytics report', () => {
  const history = [
    change('a', 10_000, '2026-01-10'),
    change('b', 5_000, '2026-01-20'),
    change('b', 0, '2026-02-05', 'usd', 'involuntary'),
    change('c', 1_000, '2026-02-01', 'jpy'),
  ];
  const range = { from: day('2026-01-01'), to: day('2026-03-01'), unit: 'month' as const };

  it('gives each currency its periods with movements, customers and exact ratios', () => {
    const report = metricsReport(history, range);
    expect(report.map((c) => c.currency)).toEqual(['jpy', 'usd']);
    const usd = report[1]!;
    expect(usd.ledger_ok).toBe(true);
    expect(usd.periods[1]).toMatchObject({
      period: '2026-02',
      start: Date.UTC(2026, 1, 1) / 1000,
      end: Date.UTC(2026, 2, 1) / 1000,
      mrr_start: 15_000,
      mrr_end: 10_000,
      arr: 120_000,
      movements: { new: 0, churn: 5_000, churn_involuntary: 5_000, churn_voluntary: 0 },
      customers: { paying_start: 2, paying_end: 1, churned: 1, churned_involuntary: 1 },
      growth: { numerator: '-5000', denominator: '15000', percent: '-33.33' },
      customer_churn: { numerator: '1', denominator: '2', percent: '50.00' },
      arpa: 10_000,
      ltv: null, // January had no paying customer at its start: no churn rate to average
    });
    expect(usd.periods[0]!.growth).toBeNull();
    expect(metricsReport(history, { ...range, currency: 'jpy' }).map((c) => c.currency)).toEqual(['jpy']);
  });

  it('writes one CSV row per currency and period, in the columns named', () => {
    const rows = metricsCsvRows(metricsReport(history, range));
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r).toHaveLength(metricsCsvColumns.length);
    expect(rows[3]!.slice(0, 5)).toEqual([
      'usd',
      '2026-02',
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      15_000,
    ]);
  });

  it('opens a movement to the customers behind it, summing to the figure', () => {
    const churn = movementsReport(history, {
      start: day('2026-02-01'),
      end: day('2026-03-01'),
      currency: 'usd',
      kind: 'churn',
    });
    expect(churn.totals).toEqual([{ currency: 'usd', kind: 'churn', amount: 5_000 }]);
    expect(churn.data).toEqual([
      {
        currency: 'usd',
        kind: 'churn',
        customer: 'b',
        at: Date.UTC(2026, 1, 5) / 1000,
        amount: 5_000,
        mrr_before: 5_000,
        mrr_after: 0,
        churn_kind: 'involuntary',
        subscriptions: [{ subscription: 'sub_b', mrr_before: 5_000, mrr_after: 0 }],
      },
    ]);
  });

  it("without a currency or kind, gives every movement of the period with each figure's total", () => {
    const all = movementsReport(history, { start: day('2026-01-01'), end: day('2026-03-01') });
    expect(all.totals).toEqual([
      { currency: 'jpy', kind: 'new', amount: 1_000 },
      { currency: 'usd', kind: 'new', amount: 15_000 },
      { currency: 'usd', kind: 'churn', amount: 5_000 },
    ]);
    expect(all.data.map((r) => [r.currency, r.kind, r.customer])).toEqual([
      ['usd', 'new', 'a'],
      ['usd', 'new', 'b'],
      ['jpy', 'new', 'c'],
      ['usd', 'churn', 'b'],
    ]);
  });

  it('gives cohorts their customer and MRR retention', () => {
    const [jan] = cohortsReport(history, { ...range, currency: 'usd' });
    expect(jan).toMatchObject({
      currency: 'usd',
      period: '2026-01',
      customers: 2,
      initial_mrr: 15_000,
    });
    expect(jan!.cells[1]).toMatchObject({
      offset: 1,
      period: '2026-02',
      retained_customers: 1,
      retained_mrr: 10_000,
      customer_retention: { percent: '50.00' },
      mrr_retention: { numerator: '10000', denominator: '15000', percent: '66.67' },
    });
  });
});
