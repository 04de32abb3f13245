import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeFees,
  type FeeSchedule,
  percentOf,
  platformFeeFor,
  stripeFeeFor,
  subscriptionFeePercent,
} from '../../src/fees/model.ts';

const runs = Number(process.env.TRIBUTARY_PROPERTY_RUNS ?? 100);
const schedule: FeeSchedule = { percentBps: 250, fixed: {}, passThroughStripeFee: true };

describe('application fee model', () => {
  it('$100.00 at 2.5 % with pass-through: Stripe $3.20, tenant $94.30, platform $2.50, for both kinds', () => {
    const express = computeFees({ amount: 10_000, currency: 'usd', kind: 'express', schedule });
    expect(express).toMatchObject({
      stripeFee: 320,
      platformFee: 250,
      applicationFeeAmount: 570,
      tenantNet: 9430,
      platformNet: 250,
      stripeFeePayer: 'platform',
    });
    const standard = computeFees({ amount: 10_000, currency: 'usd', kind: 'standard', schedule });
    expect(standard).toMatchObject({
      stripeFee: 320,
      platformFee: 250,
      applicationFeeAmount: 250,
      tenantNet: 9430,
      platformNet: 250,
      stripeFeePayer: 'account',
    });
  });

  it('without pass-through the platform absorbs Stripe on Express accounts', () => {
    const f = computeFees({
      amount: 10_000,
      currency: 'usd',
      kind: 'express',
      schedule: { ...schedule, passThroughStripeFee: false },
    });
    expect(f).toMatchObject({ applicationFeeAmount: 250, tenantNet: 9750, platformNet: -70 });
  });

  it('rounds half up at the minor unit', () => {
    expect(percentOf(1, 5000)).toBe(1); // 0.5 → 1
    expect(percentOf(3, 5000)).toBe(2); // 1.5 → 2
    expect(percentOf(1999, 250)).toBe(50); // 49.975 → 50
    expect(percentOf(1979, 250)).toBe(49); // 49.475 → 49
    expect(stripeFeeFor(1000, 'usd')).toBe(59); // 29 + 30, as Stripe's $10 example
  });

  it('applies fixed parts per currency and clamps to min and max', () => {
    const s: FeeSchedule = {
      percentBps: 100,
      fixed: { usd: 10 },
      min: { usd: 50 },
      max: { usd: 500 },
      passThroughStripeFee: false,
    };
    expect(platformFeeFor(1000, 'usd', s)).toBe(50);
    expect(platformFeeFor(10_000, 'usd', s)).toBe(110);
    expect(platformFeeFor(1_000_000, 'usd', s)).toBe(500);
    expect(platformFeeFor(1000, 'eur', s)).toBe(10);
    expect(platformFeeFor(20, 'usd', s)).toBe(20); // never more than the amount
  });

  it('subscriptions carry the percent as application_fee_percent', () => {
    expect(subscriptionFeePercent({ ...schedule, percentBps: 275 })).toBe(2.75);
  });

  it('rejects amounts that are not integer minor units', () => {
    expect(() => computeFees({ amount: 10.5, currency: 'usd', kind: 'express', schedule })).toThrow(
      RangeError,
    );
    expect(() => computeFees({ amount: -1, currency: 'usd', kind: 'express', schedule })).toThrow(RangeError);
  });

  it('property: money is conserved and, with pass-through, both kinds net the same', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 500 }),
        (amount, bps, fixed) => {
          const s: FeeSchedule = { percentBps: bps, fixed: { usd: fixed }, passThroughStripeFee: true };
          const e = computeFees({ amount, currency: 'usd', kind: 'express', schedule: s });
          const d = computeFees({ amount, currency: 'usd', kind: 'standard', schedule: s });
          for (const f of [e, d]) {
            expect(Number.isInteger(f.applicationFeeAmount)).toBe(true);
            expect(f.applicationFeeAmount).toBeLessThanOrEqual(amount);
            expect(f.tenantNet + f.platformNet + f.stripeFee).toBe(amount);
          }
          if (e.platformFee + e.stripeFee <= amount) {
            expect(e.tenantNet).toBe(d.tenantNet);
            expect(e.platformNet).toBe(d.platformNet);
          }
        },
      ),
      { numRuns: runs },
    );
  });
});
