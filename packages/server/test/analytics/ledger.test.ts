import { describe, expect, it } from 'vitest';
import { drillDown } from '../../src/analytics/drilldown.ts';
import { checkLedger, computeLedger } from '../../src/analytics/movements.ts';
import { periodsBetween } from '../../src/analytics/periods.ts';
import { computeMetrics } from '../../src/analytics/ratios.ts';
import { customerEvents } from '../../src/analytics/timeline.ts';
import type { LedgerRow, MrrChange } from '../../src/analytics/types.ts';

const at = (iso: string) => new Date(iso);
const c = (
  subscription: string,
  customer: string,
  mrr: number,
  when: string,
  extra: Partial<MrrChange> = {},
) => ({
  subscription,
  customer,
  currency: 'usd',
  mrr,
  at: at(when),
  ...extra,
});
const march = { from: at('2026-03-01T00:00:00Z'), to: at('2026-04-01T00:00:00Z') };

describe('customer-level movements', () => {
  it('a customer swapping subscriptions at one instant moves by the difference only', () => {
    const history = [
      c('sub_1', 'cus_1', 1_000, '2026-02-01T00:00:00Z'),
      c('sub_1', 'cus_1', 0, '2026-03-05T10:00:00Z'),
      c('sub_2', 'cus_1', 1_500, '2026-03-05T10:00:00Z'),
      c('sub_2', 'cus_1', 0, '2026-03-20T10:00:00Z', { churnKind: 'voluntary' }),
      c('sub_3', 'cus_1', 1_500, '2026-03-20T10:00:00Z'),
    ];
    const [row] = computeLedger(history, march);
    expect(row?.movements).toMatchObject({ new: 0, expansion: 500, churn: 0, contraction: 0 });
    expect(customerEvents(history).map((e) => e.kind)).toEqual(['new', 'expansion', null]);
    expect(
      drillDown(history, { currency: 'usd', start: march.from, end: march.to, kind: 'expansion' }),
    ).toEqual([
      {
        customer: 'cus_1',
        at: at('2026-03-05T10:00:00Z'),
        amount: 500,
        before: 1_000,
        after: 1_500,
        subscriptions: [
          { subscription: 'sub_1', before: 1_000, after: 0 },
          { subscription: 'sub_2', before: 0, after: 1_500 },
        ],
      },
    ]);
  });

  it('subscriptions ending together churn involuntarily when one of them ended unpaid', () => {
    const history = [
      c('sub_1', 'cus_1', 1_000, '2026-02-01T00:00:00Z'),
      c('sub_2', 'cus_1', 300, '2026-02-01T00:00:00Z'),
      c('sub_1', 'cus_1', 0, '2026-03-05T00:00:00Z', { churnKind: 'voluntary' }),
      c('sub_2', 'cus_1', 0, '2026-03-05T00:00:00Z', { churnKind: 'involuntary' }),
    ];
    const [m] = computeMetrics(history, march);
    expect(m?.movements).toMatchObject({ churn: 1_300, churnInvoluntary: 1_300, churnVoluntary: 0 });
    expect(m?.churnedCustomers).toEqual({ total: 1, voluntary: 0, involuntary: 1 });
  });

  it('a customer new and gone within the month counts as new, churned, and a churned customer', () => {
    const history = [
      c('sub_0', 'cus_0', 2_000, '2026-01-10T00:00:00Z'),
      c('sub_1', 'cus_1', 1_000, '2026-03-02T00:00:00Z'),
      c('sub_1', 'cus_1', 0, '2026-03-09T00:00:00Z', { churnKind: 'involuntary' }),
    ];
    const [m] = computeMetrics(history, march);
    expect(m?.movements).toMatchObject({ new: 1_000, churn: 1_000, churnInvoluntary: 1_000 });
    expect(m?.customerChurn).toEqual({ numerator: 1n, denominator: 1n });
  });

  it('keeps currencies apart, even for one customer', () => {
    const history = [
      c('sub_1', 'cus_1', 1_000, '2026-03-02T00:00:00Z'),
      { ...c('sub_2', 'cus_1', 150_000, '2026-03-03T00:00:00Z'), currency: 'jpy' },
    ];
    const rows = computeLedger(history, march);
    expect(rows.map((r) => [r.currency, r.endMrr, r.movements.new])).toEqual([
      ['jpy', 150_000, 150_000],
      ['usd', 1_000, 1_000],
    ]);
  });

  it('with no MRR at the start or no paying customer, the ratios are null rather than a division error', () => {
    const [m] = computeMetrics([c('sub_1', 'cus_1', 0, '2026-03-02T00:00:00Z')], march);
    expect(m).toMatchObject({
      growth: null,
      nrr: null,
      grr: null,
      customerChurn: null,
      arpa: null,
      ltv: null,
    });
  });

  it('refuses a negative or fractional MRR', () => {
    expect(() => customerEvents([c('sub_1', 'cus_1', -1, '2026-03-02T00:00:00Z')])).toThrow(RangeError);
    expect(() => customerEvents([c('sub_1', 'cus_1', 1.5, '2026-03-02T00:00:00Z')])).toThrow(RangeError);
  });
});

describe('periods', () => {
  it('weeks start on Monday (UTC); the last period stops at `to`', () => {
    const weeks = periodsBetween(at('2026-03-04T12:00:00Z'), at('2026-03-18T06:00:00Z'), 'week');
    expect(weeks.map((p) => [p.start.toISOString(), p.end.toISOString()])).toEqual([
      ['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z'],
      ['2026-03-09T00:00:00.000Z', '2026-03-16T00:00:00.000Z'],
      ['2026-03-16T00:00:00.000Z', '2026-03-18T06:00:00.000Z'],
    ]);
  });
});

describe('checkLedger', () => {
  const movements = {
    new: 100,
    reactivation: 0,
    expansion: 50,
    contraction: 20,
    churn: 30,
    churnVoluntary: 30,
    churnInvoluntary: 0,
  };
  const good: LedgerRow = {
    currency: 'usd',
    start: march.from,
    end: march.to,
    startMrr: 1_000,
    endMrr: 1_100,
    movements,
  };

  it('finds nothing wrong in a ledger that adds up', () => {
    const april: LedgerRow = {
      ...good,
      start: march.to,
      end: at('2026-05-01T00:00:00Z'),
      startMrr: 1_100,
      endMrr: 1_200,
    };
    expect(checkLedger([april, good])).toEqual([]);
  });

  it('reports an end that the movements do not reach, a churn split that does not add up and a broken chain', () => {
    const april: LedgerRow = {
      ...good,
      start: march.to,
      end: at('2026-05-01T00:00:00Z'),
      startMrr: 1_000,
      endMrr: 1_100,
    };
    const wrong: LedgerRow = { ...good, endMrr: 1_099, movements: { ...movements, churnInvoluntary: 5 } };
    expect(checkLedger([wrong, april]).map((v) => v.problem)).toEqual([
      'start and movements give 1100, end is 1099',
      'churn 30 is not voluntary 30 + involuntary 5',
      'starts at 1000, the previous period ended at 1099',
    ]);
  });
});
