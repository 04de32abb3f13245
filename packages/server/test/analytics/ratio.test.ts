import { describe, expect, it } from 'vitest';
import { divideHalfUp, formatPercent, meanOfRatios, ratio } from '../../src/analytics/ratio.ts';
import { lifetimeValue } from '../../src/analytics/ratios.ts';

describe('ratios', () => {
  it('a zero denominator is a null ratio; a negative one moves its sign to the numerator', () => {
    expect(ratio(5, 0)).toBeNull();
    expect(ratio(5, -10)).toEqual({ numerator: -5n, denominator: 10n });
  });

  it('formats percentages with two decimals, halves away from zero', () => {
    expect(formatPercent(ratio(17, 32))).toBe('53.13'); // 53.125
    expect(formatPercent(ratio(-17, 32))).toBe('-53.13');
    expect(formatPercent(ratio(-400, 780))).toBe('-51.28');
    expect(formatPercent(ratio(1, 1))).toBe('100.00');
    expect(formatPercent(ratio(0, 3))).toBe('0.00');
    expect(formatPercent(ratio(-1, 1_000_000))).toBe('0.00');
    expect(formatPercent(ratio(1, 3))).toBe('33.33');
    expect(formatPercent(ratio(2, 3))).toBe('66.67');
    expect(formatPercent(null)).toBeNull();
  });

  it('stays exact beyond the range of floating point numbers', () => {
    const big = 2n ** 70n;
    expect(formatPercent({ numerator: big + 1n, denominator: big })).toBe('100.00');
    expect(divideHalfUp(big * 3n + 1n, 2n)).toBe((big * 3n) / 2n + 1n);
  });

  it('rounds halves away from zero', () => {
    expect([divideHalfUp(5n, 2n), divideHalfUp(-5n, 2n), divideHalfUp(7n, 3n), divideHalfUp(8n, 3n)]).toEqual(
      [3n, -3n, 2n, 3n],
    );
  });

  it('averages ratios exactly', () => {
    expect(meanOfRatios([])).toBeNull();
    expect(
      meanOfRatios([
        { numerator: 0n, denominator: 4n },
        { numerator: 2n, denominator: 5n },
      ]),
    ).toEqual({
      numerator: 1n,
      denominator: 5n,
    });
    const thirds = meanOfRatios([
      { numerator: 1n, denominator: 3n },
      { numerator: 1n, denominator: 6n },
    ]);
    expect(thirds).toEqual({ numerator: 1n, denominator: 4n });
  });

  it('LTV: ARPA ÷ the mean churn rate, half-up to minor units; null without churn or prior months', () => {
    expect(lifetimeValue(25_600, [ratio(0, 4), ratio(2, 5)])).toBe(128_000);
    expect(lifetimeValue(1_000, [ratio(1, 3)])).toBe(3_000);
    expect(lifetimeValue(1_001, [ratio(2, 3)])).toBe(1_502); // 1,501.5
    expect(lifetimeValue(25_600, [ratio(0, 4)])).toBeNull();
    expect(lifetimeValue(25_600, [])).toBeNull();
    expect(lifetimeValue(25_600, [null, ratio(1, 2)])).toBe(51_200); // a month with nobody paying is skipped
    expect(lifetimeValue(null, [ratio(1, 2)])).toBeNull();
  });
});
