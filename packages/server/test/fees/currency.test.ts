import { describe, expect, it } from 'vitest';
import { amountStepOf, decimalsOf, formatAmount, isStripeCurrency, stepRule } from '../../src/currency.ts';
import { defaultStripePricing, stripeFeeFor, stripeRateFor } from '../../src/fees/model.ts';
import { defaultStripeRates } from '../../src/fees/stripe-rates.ts';

describe('currency facts', () => {
  it("Stripe's currencies, in any case; nothing else", () => {
    for (const c of ['usd', 'EUR', 'jpy', 'kwd', 'isk']) expect(isStripeCurrency(c)).toBe(true);
    for (const c of ['xyz', 'xxx', 'btc', 'us']) expect(isStripeCurrency(c)).toBe(false);
  });

  it('decimals, steps and amounts in words', () => {
    expect([decimalsOf('usd'), decimalsOf('jpy'), decimalsOf('krw'), decimalsOf('bhd')]).toEqual([
      2, 0, 0, 3,
    ]);
    expect([amountStepOf('usd'), amountStepOf('jpy'), amountStepOf('tnd'), amountStepOf('isk')]).toEqual([
      1, 1, 10, 100,
    ]);
    expect(formatAmount(1250, 'usd')).toBe('12.50 USD');
    expect(formatAmount(500, 'jpy')).toBe('500 JPY');
    expect(formatAmount(5120, 'kwd')).toBe('5.120 KWD');
    expect(formatAmount(-29, 'jpy')).toBe('-29 JPY');
    expect(stepRule('kwd')).toBe('amounts in KWD must be multiples of 0.010 KWD');
  });

  it("Stripe's price by (country, currency): the pair, then any country, then the catch-all", () => {
    const pricing = { ...defaultStripePricing, country: 'FR', rates: { ...defaultStripeRates } };
    expect(stripeRateFor(pricing, 'eur')).toEqual({ percentBps: 150, fixed: 25 });
    expect(stripeFeeFor(10_000, 'eur', pricing)).toBe(175);
    expect(stripeRateFor(pricing, 'usd')).toEqual({ percentBps: 290, fixed: 30 });
    expect(stripeRateFor({ ...pricing, rates: { '*/usd': { percentBps: 390, fixed: 30 } } }, 'usd')).toEqual({
      percentBps: 390,
      fixed: 30,
    });
    expect(stripeFeeFor(50, 'jpy', { ...pricing, country: 'US' })).toBe(1);
    expect(stripeFeeFor(10_000, 'jpy', { ...pricing, country: 'JP' })).toBe(360);
  });
});
