import { describe, expect, it } from 'vitest';
import {
  type CouponLike,
  type DiscountLike,
  discountTerms,
  effectiveAt,
  type ItemLike,
  type SubscriptionLike,
  statusRank,
  valueAt,
  valueSchedule,
} from '../../src/analytics/mrr.ts';

// A subscription's MRR from Stripe's object (docs/analytics.md, "Capture"): minor units, rounded once per
// subscription, half to even.

const JAN_1 = Date.UTC(2026, 0, 1) / 1000;
const at = new Date(JAN_1 * 1000);

type Recurring = { interval: string; interval_count?: number; usage_type?: string };
const price = (
  amount: number | string,
  recurring: Recurring = { interval: 'month' },
  more: Record<string, unknown> = {},
) => ({
  id: 'price_x',
  product: 'prod_a',
  ...(typeof amount === 'string' ? { unit_amount_decimal: amount } : { unit_amount: amount }),
  recurring: { interval_count: 1, usage_type: 'licensed', ...recurring },
  billing_scheme: 'per_unit',
  ...more,
});
const item = (
  p: ReturnType<typeof price>,
  quantity = 1,
  discounts: ItemLike['discounts'] = [],
): ItemLike => ({
  price: p as ItemLike['price'],
  quantity,
  discounts,
});
const sub = (items: ItemLike[], more: Partial<SubscriptionLike> = {}): SubscriptionLike => ({
  id: 'sub_1',
  status: 'active',
  currency: 'usd',
  customer: 'cus_1',
  items: { data: items },
  discounts: [],
  ...more,
});
const discount = (coupon: CouponLike, more: Partial<DiscountLike> = {}): DiscountLike => ({
  id: `di_${Math.random().toString(36).slice(2)}`,
  object: 'discount',
  start: JAN_1 - 86_400,
  end: null,
  source: { coupon },
  ...more,
});
const forever = (c: Partial<CouponLike>): CouponLike => ({ duration: 'forever', ...c });
const mrr = (s: SubscriptionLike, when = at) => valueAt(s, when, discountTerms(s)).mrr;

describe('a subscription’s MRR', () => {
  it.each([
    ['$100 a month', [item(price(10_000))], 10_000],
    ['$960 a year is $80', [item(price(96_000, { interval: 'year' }))], 8_000],
    ['$10 a week × 52 ÷ 12', [item(price(1_000, { interval: 'week' }))], 4_333],
    ['$25 every 2 weeks', [item(price(2_500, { interval: 'week', interval_count: 2 }))], 5_417],
    ['$300 a quarter', [item(price(30_000, { interval: 'month', interval_count: 3 }))], 10_000],
    ['$1 a day × 365 ÷ 12', [item(price(100, { interval: 'day' }))], 3_042],
    ['$2 every 2 years', [item(price(200, { interval: 'year', interval_count: 2 }))], 8],
    ['3 seats at $20', [item(price(2_000), 3)], 6_000],
    ['two items', [item(price(10_000)), item(price(2_500), 2)], 15_000],
    [
      'a metered item bills usage, not MRR',
      [item(price(10_000)), item(price(5, { interval: 'month', usage_type: 'metered' }))],
      10_000,
    ],
    ['a free plan', [item(price(0))], 0],
    ['only metered', [item(price(5, { interval: 'month', usage_type: 'metered' }))], 0],
    ['a fractional unit amount (0.5¢ × 3)', [item(price('0.5'), 3)], 2],
    // the SDK reads decimals into its own Decimal type; its toString is exact
    [
      'a Decimal of the SDK',
      [item({ ...price(0), unit_amount: null, unit_amount_decimal: { toString: () => '12.5' } } as never, 2)],
      25,
    ],
    [
      'packages of 10, rounded up (25 → 3 × $5)',
      [item(price(500, { interval: 'month' }, { transform_quantity: { divide_by: 10, round: 'up' } }), 25)],
      1_500,
    ],
    [
      'graduated tiers (5 × $10, then 3 × $5)',
      [
        item(
          price(
            0,
            { interval: 'month' },
            {
              billing_scheme: 'tiered',
              tiers_mode: 'graduated',
              tiers: [
                { up_to: 5, unit_amount: 1_000, flat_amount: null },
                { up_to: null, unit_amount: 500, flat_amount: null },
              ],
            },
          ),
          8,
        ),
      ],
      6_500,
    ],
    [
      'volume tiers (8 × $5 + $2 flat)',
      [
        item(
          price(
            0,
            { interval: 'month' },
            {
              billing_scheme: 'tiered',
              tiers_mode: 'volume',
              tiers: [
                { up_to: 5, unit_amount: 1_000, flat_amount: null },
                { up_to: null, unit_amount: 500, flat_amount: 200 },
              ],
            },
          ),
          8,
        ),
      ],
      4_200,
    ],
  ])('%s', (_name, items, expected) => {
    expect(mrr(sub(items))).toBe(expected);
  });

  it.each([
    ['active', 10_000, undefined],
    ['past_due', 10_000, undefined],
    ['trialing', 0, 'voluntary'],
    ['incomplete', 0, 'voluntary'],
    ['incomplete_expired', 0, 'voluntary'],
    ['paused', 0, 'voluntary'],
    ['unpaid', 0, 'involuntary'],
    ['canceled', 0, 'voluntary'],
  ])('status %s counts %i', (status, expected, churnKind) => {
    const v = valueAt(sub([item(price(10_000))], { status }), at);
    expect(v).toEqual({ currency: 'usd', mrr: expected, ...(churnKind ? { churnKind } : {}) });
  });

  it('a cancellation for non-payment is involuntary churn; collection paused counts 0', () => {
    const failed = sub([item(price(10_000))], {
      status: 'canceled',
      cancellation_details: { reason: 'payment_failed' },
    });
    expect(valueAt(failed, at)).toEqual({ currency: 'usd', mrr: 0, churnKind: 'involuntary' });
    const paused = sub([item(price(10_000))], { pause_collection: { behavior: 'void' } });
    expect(valueAt(paused, at)).toEqual({ currency: 'usd', mrr: 0, churnKind: 'voluntary' });
  });

  it.each([
    // currency, amount per interval, interval, MRR (minor units; halves to even)
    ['jpy', 12_000, 'year', 1_000],
    ['jpy', 1_000, 'week', 4_333],
    ['kwd', 10_000, 'month', 10_000],
    ['kwd', 1_000, 'year', 83],
    ['usd', 30, 'year', 2], // 2.5 → 2
    ['usd', 42, 'year', 4], // 3.5 → 4
    ['usd', 18, 'year', 2], // 1.5 → 2
    ['usd', 6, 'year', 0], // 0.5 → 0
  ])('in %s: %i a %s is %i', (currency, amount, interval, expected) => {
    expect(mrr(sub([item(price(amount, { interval }))], { currency }))).toBe(expected);
  });
});

describe('discounts', () => {
  const monthly = () => [item(price(10_000))];
  it.each([
    ['20 % forever', [discount(forever({ percent_off: 20 }))], 8_000],
    ['12.5 % forever', [discount(forever({ percent_off: 12.5 }))], 8_750],
    ['$15 off forever', [discount(forever({ amount_off: 1_500, currency: 'usd' }))], 8_500],
    ['more off than the price', [discount(forever({ amount_off: 20_000, currency: 'usd' }))], 0],
    [
      'an amount off in another currency does not apply',
      [discount(forever({ amount_off: 1_500, currency: 'eur' }))],
      10_000,
    ],
    [
      "an amount off in the subscription's currency option",
      [
        discount(
          forever({ amount_off: 1_500, currency: 'eur', currency_options: { usd: { amount_off: 1_000 } } }),
        ),
      ],
      9_000,
    ],
    ['once: the first invoice only, no MRR', [discount({ duration: 'once', percent_off: 50 })], 10_000],
    [
      'repeating, while it applies',
      [discount({ duration: 'repeating', percent_off: 50 }, { end: JAN_1 + 86_400 })],
      5_000,
    ],
    [
      'repeating, once it ended',
      [discount({ duration: 'repeating', percent_off: 50 }, { end: JAN_1 })],
      10_000,
    ],
    ['not started yet', [discount(forever({ percent_off: 50 }), { start: JAN_1 + 1 })], 10_000],
    [
      'stacked in order: 10 %, then $10 off',
      [discount(forever({ percent_off: 10 })), discount(forever({ amount_off: 1_000, currency: 'usd' }))],
      8_000,
    ],
    [
      'stacked in order: $10 off, then 10 %',
      [discount(forever({ amount_off: 1_000, currency: 'usd' })), discount(forever({ percent_off: 10 }))],
      8_100,
    ],
  ])('%s', (_name, discounts, expected) => {
    expect(mrr(sub(monthly(), { discounts }))).toBe(expected);
  });

  it('an amount off per year is taken off per month', () => {
    const yearly = sub([item(price(96_000, { interval: 'year' }))], {
      discounts: [discount(forever({ amount_off: 12_000, currency: 'usd' }))],
    });
    expect(mrr(yearly)).toBe(7_000);
  });

  it("item discounts first, then the subscription's; a coupon for some products only", () => {
    const a = { ...price(10_000), product: 'prod_a' };
    const b = { ...price(5_000), product: 'prod_b' };
    const s = sub([item(a, 1, [discount(forever({ percent_off: 20 }))]), item(b)], {
      discounts: [discount(forever({ percent_off: 10 }))],
    });
    expect(mrr(s)).toBe(11_700); // (8,000 + 5,000) × 0.9
    const onlyB = sub([item(a), item(b)], {
      discounts: [discount(forever({ percent_off: 50, applies_to: { products: ['prod_b'] } }))],
    });
    expect(mrr(onlyB)).toBe(12_500);
  });

  it('discounts given as ids take their terms from an expanded copy (the refetched object)', () => {
    const d = discount(forever({ percent_off: 25 }));
    const asIds = sub([item(price(10_000))], { discounts: [d.id] });
    expect(valueAt(asIds, at).mrr).toBe(10_000);
    const expanded = sub([item(price(10_000))], { discounts: [d] });
    expect(valueAt(asIds, at, discountTerms(expanded)).mrr).toBe(7_500);
  });

  it("a repeating coupon's end raises the MRR later, with no event at Stripe", () => {
    const end = JAN_1 + 90 * 86_400;
    const s = sub([item(price(10_000))], {
      discounts: [discount({ duration: 'repeating', percent_off: 50 }, { end })],
    });
    expect(valueSchedule(s, at, discountTerms(s))).toEqual({
      first: { currency: 'usd', mrr: 5_000 },
      later: [{ at: new Date(end * 1000), mrr: 10_000 }],
    });
    expect(valueSchedule({ ...s, status: 'trialing' }, at, discountTerms(s)).later).toEqual([]);
  });
});

describe("the customer's discount", () => {
  // Stripe: a subscription whose `discounts` are not given or empty inherits its customer's discount (the
  // Subscriptions API's `discounts` parameter); the subscription's own take precedence.
  const withCustomer = (d: DiscountLike | null, more: Partial<SubscriptionLike> = {}) =>
    sub([item(price(10_000))], { customer: { id: 'cus_1', discount: d }, ...more });

  it.each([
    ['forever', discount(forever({ percent_off: 20 })), 8_000],
    ['$15 off forever', discount(forever({ amount_off: 1_500, currency: 'usd' })), 8_500],
    [
      'repeating, while it applies',
      discount({ duration: 'repeating', percent_off: 50 }, { end: JAN_1 + 1 }),
      5_000,
    ],
    [
      'repeating, once it ended',
      discount({ duration: 'repeating', percent_off: 50 }, { end: JAN_1 }),
      10_000,
    ],
    ['once: never', discount({ duration: 'once', percent_off: 50 }), 10_000],
    ['not started yet (added later)', discount(forever({ percent_off: 50 }), { start: JAN_1 + 1 }), 10_000],
    ['none', null, 10_000],
  ])('%s', (_name, d, expected) => {
    expect(mrr(withCustomer(d))).toBe(expected);
  });

  it("the subscription's own discount takes precedence; the customer's applies once it has ended", () => {
    const end = JAN_1 + 30 * 86_400;
    const own = discount({ duration: 'repeating', percent_off: 10 }, { end });
    const s = withCustomer(discount(forever({ percent_off: 50 })), { discounts: [own] });
    expect(mrr(s)).toBe(9_000);
    expect(valueSchedule(s, at, discountTerms(s))).toEqual({
      first: { currency: 'usd', mrr: 9_000 },
      later: [{ at: new Date(end * 1000), mrr: 5_000 }],
    });
    // a `once` discount of the subscription's never counts: the customer's does
    const once = withCustomer(discount(forever({ percent_off: 50 })), {
      discounts: [discount({ duration: 'once', percent_off: 10 })],
    });
    expect(mrr(once)).toBe(5_000);
  });

  it("item discounts still apply first; the customer's applies to what they left", () => {
    const s = sub([item(price(10_000), 1, [discount(forever({ percent_off: 20 }))])], {
      customer: { id: 'cus_1', discount: discount(forever({ percent_off: 50 })) },
    });
    expect(mrr(s)).toBe(4_000);
  });

  it('a repeating customer coupon running out raises the MRR at its end', () => {
    const end = JAN_1 + 60 * 86_400;
    const s = withCustomer(discount({ duration: 'repeating', percent_off: 25 }, { end }));
    expect(valueSchedule(s, at, discountTerms(s))).toEqual({
      first: { currency: 'usd', mrr: 7_500 },
      later: [{ at: new Date(end * 1000), mrr: 10_000 }],
    });
  });
});

describe('when a copy took effect', () => {
  const changedAt = new Date((JAN_1 + 30 * 86_400) * 1000);
  it('an ended subscription at its end, never at the cancel request', () => {
    const s = sub([item(price(10_000))], {
      status: 'canceled',
      canceled_at: JAN_1 + 5 * 86_400, // asked on Jan 6, at period end
      ended_at: JAN_1 + 29 * 86_400,
    });
    expect(effectiveAt(s, changedAt)).toEqual(new Date((JAN_1 + 29 * 86_400) * 1000));
  });

  it('any other change when Stripe announced it; a cancel request is no change', () => {
    const asked = sub([item(price(10_000))], { canceled_at: JAN_1, ended_at: null });
    expect(effectiveAt(asked, changedAt)).toEqual(changedAt);
    expect(mrr({ ...asked, cancel_at_period_end: true } as SubscriptionLike)).toBe(10_000);
  });

  it('statuses rank in the order a subscription lives them', () => {
    const order = ['incomplete', 'trialing', 'active', 'unpaid', 'canceled'].map(statusRank);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(statusRank('past_due')).toBe(statusRank('active'));
  });
});
