import { describe, expect, it } from 'vitest';
import { type FeeFact, feeFigures, feeFiguresByTenant } from '../../src/analytics/fees.ts';
import { addMonths, isMonth, monthOf, monthsBetween, monthsSpanned } from '../../src/analytics/months.ts';
import { formatPercent } from '../../src/analytics/ratio.ts';
import { unitEconomics } from '../../src/analytics/unit-economics.ts';

const fact = (
  tenant: string,
  month: string,
  currency: string,
  kind: FeeFact['kind'],
  amount: number,
  count = 1,
) => ({ tenant, month, currency, kind, amount, count }) satisfies FeeFact;

describe('months', () => {
  it('names, spans and walks calendar months in UTC', () => {
    expect(isMonth('2025-01')).toBe(true);
    for (const bad of ['2025-1', '2025-13', '2025-00', '25-01', '2025-01-01', ''])
      expect(isMonth(bad), bad).toBe(false);
    expect(monthOf(new Date('2025-01-31T23:59:59.999Z'))).toBe('2025-01');
    expect(monthOf(new Date('2025-02-01T00:00:00Z'))).toBe('2025-02');
    expect(addMonths('2025-11', 3)).toBe('2026-02');
    expect(addMonths('2025-01', -1)).toBe('2024-12');
    expect(monthsSpanned('2024-12', '2025-02')).toBe(3);
    expect(monthsSpanned('2025-02', '2025-01')).toBe(0);
    expect(monthsBetween('2024-11', '2025-01')).toEqual(['2024-11', '2024-12', '2025-01']);
  });
});

describe('fee figures', () => {
  const range = { from: '2025-01', to: '2025-03' };

  it("the issue's example: a $1.30 fee, $0.52 of it refunded with a $40 refund, leaves $0.78", () => {
    const [jan] = feeFigures(
      [
        fact('a', '2025-01', 'usd', 'payment', 10_000),
        fact('a', '2025-01', 'usd', 'application_fee', 130),
        fact('a', '2025-01', 'usd', 'refund', 4_000),
        fact('a', '2025-01', 'usd', 'application_fee_refund', 52),
      ],
      { from: '2025-01', to: '2025-01' },
    );
    expect(jan).toMatchObject({ gmv: 6_000, grossFeeRevenue: 78, stripeFees: 0, netFeeRevenue: 78 });
    expect(jan!.takeRate).toEqual({ numerator: 78n, denominator: 6_000n });
    expect(formatPercent(jan!.takeRate)).toBe('1.30');
  });

  it('nets the Stripe fees the platform pays, month by month and per currency, never adding currencies', () => {
    const rows = feeFigures(
      [
        fact('a', '2025-01', 'usd', 'payment', 10_000),
        fact('a', '2025-01', 'usd', 'application_fee', 450),
        fact('a', '2025-01', 'usd', 'stripe_fee', 320),
        fact('b', '2025-01', 'usd', 'payment', 5_000, 2),
        fact('b', '2025-01', 'usd', 'application_fee', 80, 2),
        fact('b', '2025-02', 'usd', 'dispute_opened', 5_000),
        fact('b', '2025-02', 'usd', 'dispute_net', -6_500),
        fact('b', '2025-02', 'usd', 'dispute_fee', 1_500),
        fact('a', '2025-03', 'jpy', 'payment', 10_000),
        fact('a', '2025-03', 'jpy', 'application_fee', 100),
        fact('a', '2025-04', 'usd', 'payment', 99_999), // outside the range
      ],
      range,
    );
    expect(rows.map((r) => `${r.currency} ${r.month}`)).toEqual([
      'jpy 2025-01',
      'jpy 2025-02',
      'jpy 2025-03',
      'usd 2025-01',
      'usd 2025-02',
      'usd 2025-03',
    ]);
    const usd = rows.filter((r) => r.currency === 'usd');
    expect(usd[0]).toMatchObject({ payments: 3, paymentVolume: 15_000, gmv: 15_000, grossFeeRevenue: 530 });
    expect(usd[0]).toMatchObject({ stripeFees: 320, netFeeRevenue: 210 });
    expect(formatPercent(usd[0]!.takeRate)).toBe('1.40');
    // a month of disputes only: the fee is a cost, and there is no GMV to take a rate of
    expect(usd[1]).toMatchObject({
      disputes: 1,
      disputedAmount: 5_000,
      disputeNet: -6_500,
      stripeFees: 1_500,
    });
    expect(usd[1]).toMatchObject({ netFeeRevenue: -1_500, takeRate: null, feeRate: null });
    expect(usd[2]).toMatchObject({ payments: 0, gmv: 0, takeRate: null });
    expect(rows.find((r) => r.currency === 'jpy' && r.month === '2025-03')).toMatchObject({
      paymentVolume: 10_000,
      grossFeeRevenue: 100,
    });
  });

  it('a month refunding more than it sold has no take rate', () => {
    const [row] = feeFigures(
      [
        fact('a', '2025-01', 'usd', 'payment', 1_000),
        fact('a', '2025-01', 'usd', 'refund', 3_000),
        fact('a', '2025-01', 'usd', 'application_fee_refund', 60),
      ],
      { from: '2025-01', to: '2025-01' },
    );
    expect(row).toMatchObject({ gmv: -2_000, grossFeeRevenue: -60, takeRate: null });
  });

  it('one currency asked for: its months even with nothing in them, and no other currency', () => {
    const rows = feeFigures([fact('a', '2025-01', 'usd', 'payment', 100)], { ...range, currency: 'eur' });
    expect(rows.map((r) => [r.currency, r.month, r.paymentVolume])).toEqual([
      ['eur', '2025-01', 0],
      ['eur', '2025-02', 0],
      ['eur', '2025-03', 0],
    ]);
    expect(feeFigures([], range)).toEqual([]);
  });

  it("each tenant's figures add up to the platform's", () => {
    const facts = [
      fact('a', '2025-01', 'usd', 'payment', 10_000),
      fact('a', '2025-01', 'usd', 'application_fee', 130),
      fact('b', '2025-01', 'usd', 'payment', 2_000),
      fact('b', '2025-01', 'usd', 'application_fee', 50),
      fact('b', '2025-02', 'usd', 'refund', 500),
    ];
    const platform = feeFigures(facts, range);
    const byTenant = feeFiguresByTenant(facts, range);
    expect([...byTenant.keys()].sort()).toEqual(['a', 'b']);
    for (const [i, p] of platform.entries()) {
      const sum = (k: 'gmv' | 'grossFeeRevenue' | 'paymentVolume' | 'refundedVolume') =>
        [...byTenant.values()].reduce((n, rows) => n + rows[i]![k], 0);
      expect([p.gmv, p.grossFeeRevenue, p.paymentVolume, p.refundedVolume]).toEqual([
        sum('gmv'),
        sum('grossFeeRevenue'),
        sum('paymentVolume'),
        sum('refundedVolume'),
      ]);
    }
  });
});

describe('unit economics', () => {
  // $1,000 revenue, $30 of Stripe fees, $170 cost of revenue: an 80 % gross margin; $500 of marketing won 5
  // customers ($100 each) paying $50 a month: $40 of margin a month, paid back in 2.5 months; $2,000 of fixed
  // costs need 50 such customers; $1,700 burnt a month from $10,200 lasts 6 months.
  const month = {
    revenue: 100_000,
    stripeFees: 3_000,
    costOfRevenue: 17_000,
    marketingSpend: 50_000,
    fixedCosts: 200_000,
    cashBalance: 1_020_000,
    newCustomers: 5,
    arpa: 5_000,
  };

  it('CAC, gross margin, payback, break-even and runway, exactly', () => {
    const u = unitEconomics(month);
    expect(u.cac).toEqual({ numerator: 50_000n, denominator: 5n });
    expect(u.grossProfit).toBe(80_000);
    expect(formatPercent(u.grossMargin)).toBe('80.00');
    const value = (r: { numerator: bigint; denominator: bigint } | null) =>
      r && Number(r.numerator) / Number(r.denominator);
    expect(value(u.paybackMonths)).toBe(2.5);
    expect(value(u.breakEvenCustomers)).toBe(50);
    expect(u.burn).toBe(170_000);
    expect(value(u.runwayMonths)).toBe(6);
  });

  it('null on a division by zero, and where nothing pays back or nothing is burnt', () => {
    expect(unitEconomics({ ...month, newCustomers: 0 })).toMatchObject({ cac: null, paybackMonths: null });
    expect(unitEconomics({ ...month, revenue: 0 })).toMatchObject({
      grossMargin: null,
      paybackMonths: null,
      breakEvenCustomers: null,
    });
    expect(unitEconomics({ ...month, arpa: null })).toMatchObject({
      paybackMonths: null,
      breakEvenCustomers: null,
    });
    // a margin of 0 or less: a customer never pays back their cost
    expect(unitEconomics({ ...month, costOfRevenue: 97_000 })).toMatchObject({ paybackMonths: null });
    // revenue above every cost: nothing burnt, no end to the runway
    expect(unitEconomics({ ...month, revenue: 1_000_000 }).runwayMonths).toBeNull();
    // more given back than earned: no margin to speak of (never a margin above 100 %)
    expect(unitEconomics({ ...month, revenue: -10_000 })).toMatchObject({
      grossMargin: null,
      paybackMonths: null,
    });
    // no cash left while burning: no runway, not a negative one
    expect(unitEconomics({ ...month, cashBalance: -500_000 }).runwayMonths).toEqual({
      numerator: 0n,
      denominator: 170_000n,
    });
    // inputs not entered
    expect(
      unitEconomics({
        ...month,
        marketingSpend: null,
        fixedCosts: null,
        cashBalance: null,
        costOfRevenue: null,
      }),
    ).toMatchObject({ cac: null, breakEvenCustomers: null, runwayMonths: null, grossProfit: 97_000 });
  });

  it('stays exact with amounts whose products pass 2^53, and takes an exact ARPA', () => {
    const big = unitEconomics({
      ...month,
      revenue: 900_000_000_000_000,
      stripeFees: 0,
      costOfRevenue: 0,
      marketingSpend: 900_000_000_000_000,
      newCustomers: 3,
      arpa: { numerator: 1n, denominator: 3n },
    });
    // CAC 3e14 ÷ (1/3 × 100 %) = 9e14 months
    const r = big.paybackMonths!;
    expect(r.numerator).toBe(r.denominator * 900_000_000_000_000n);
    expect(r.numerator).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
  });
});
