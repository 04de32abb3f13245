import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantMrrReport } from '../../src/analytics/service.ts';
import { asUuid } from '../../src/http/ids.ts';
import { scopeInTenant } from '../../src/scope/tenant.ts';
import { replayMatching } from '../../src/webhooks/service.ts';
import { createTestTenant, type TestTenant } from '../helpers/app.ts';
import { connectTenant } from '../helpers/payments.ts';
import { type Pipeline, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';
import {
  APR_1,
  advanceTo,
  DAY,
  FEB_1,
  historyBySubscription,
  JAN_1,
  MAR_1,
  settled,
} from './capture-sandbox.ts';

/**
 * A discount on a tenant's customer (`customer.discount`) discounts each of the customer's subscriptions
 * with no discount of its own (Stripe's Subscriptions API, `discounts`: "If not specified or empty, inherits
 * the discount from the subscription's customer"). Through the sandbox, a test clock and the real webhooks:
 * a customer coupon added mid-month is a contraction from that instant, a repeating one running out restores
 * the MRR at its end, a deleted one at its event, and a subscription's own discount takes precedence.
 */
describe("capture of a tenant's customers' discounts", () => {
  let p: Pipeline;
  let tenant: TestTenant;
  let acct: string;
  let clock: string;
  const on = () => ({ stripeAccount: acct });
  // basil (2025-03-31) removed `coupon` from customers; the Dashboard and older versions still apply one
  const legacy = () => ({ ...on(), apiVersion: '2024-06-20' }) as Stripe.RequestOptions;

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
    tenant = await createTestTenant(p.t, 'Customer discounts');
    acct = await connectTenant(p.t, tenant);
    clock = (await p.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1 }, on())).id;
  });
  afterAll(() => p?.close());

  async function customer(name: string) {
    const cus = await p.stripe.customers.create({ name, test_clock: clock }, on());
    const pm = await p.stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id }, on());
    await p.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } }, on());
    return cus.id;
  }
  const giveCoupon = (cus: string, coupon: string) =>
    p.stripe.customers.update(cus, { coupon } as Stripe.CustomerUpdateParams, legacy());
  const history = () => historyBySubscription(p, 'mrr_changes', `tenant_id = '${tenant.id}'`);
  /** waits for the follow-up the discount's event enqueued to have recorded `rows` for `sub` */
  const recorded = (sub: string, rows: [number, number, string | null][]) =>
    waitFor(
      async () => JSON.stringify((await history()).get(sub)) === JSON.stringify(rows) || null,
      `${sub}'s history`,
      async () => (await history()).get(sub),
    );

  it('deducts a customer coupon while it applies, and the ledger adds up', async () => {
    const product = await p.stripe.products.create({ name: 'Pro' }, on());
    const pro = await p.stripe.prices.create(
      { product: product.id, currency: 'usd', unit_amount: 10_000, recurring: { interval: 'month' } },
      on(),
    );
    const coupon = (params: Stripe.CouponCreateParams) => p.stripe.coupons.create(params, on());
    const tenOff = await coupon({ percent_off: 10, duration: 'forever' });
    const fifthOff = await coupon({ percent_off: 20, duration: 'forever' });
    const quarterOff = await coupon({ percent_off: 25, duration: 'forever' });
    const halfOff = await coupon({ percent_off: 50, duration: 'forever' });
    const halfForAMonth = await coupon({ percent_off: 50, duration: 'repeating', duration_in_months: 1 });

    const hCus = await customer('H');
    const iCus = await customer('I');
    const jCus = await customer('J');
    const h = await p.stripe.subscriptions.create({ customer: hCus, items: [{ price: pro.id }] }, on());
    const i = await p.stripe.subscriptions.create(
      { customer: iCus, items: [{ price: pro.id }], discounts: [{ coupon: tenOff.id }] },
      on(),
    );
    const j = await p.stripe.subscriptions.create({ customer: jCus, items: [{ price: pro.id }] }, on());
    await settled(p);

    // Jan 10: coupons on H (20 %), I (50 %, but its subscription has its own 10 %) and J (25 %)
    await advanceTo(p, clock, JAN_1 + 9 * DAY, on());
    await giveCoupon(hCus, fifthOff.id);
    await giveCoupon(iCus, halfOff.id);
    await giveCoupon(jCus, quarterOff.id);
    await settled(p);
    await recorded(h.id, [
      [JAN_1, 10_000, null],
      [JAN_1 + 9 * DAY, 8_000, null],
    ]);
    await recorded(j.id, [
      [JAN_1, 10_000, null],
      [JAN_1 + 9 * DAY, 7_500, null],
    ]);
    // Jan 15: H switches to 50 % for one month (`customer.discount.updated`), which runs out on Feb 15
    await advanceTo(p, clock, JAN_1 + 14 * DAY, on());
    await giveCoupon(hCus, halfForAMonth.id);
    await settled(p);
    await recorded(h.id, [
      [JAN_1, 10_000, null],
      [JAN_1 + 9 * DAY, 8_000, null],
      [JAN_1 + 14 * DAY, 5_000, null],
      [JAN_1 + 45 * DAY, 10_000, null],
    ]);
    // Feb 20: J's coupon is deleted; renewals on Feb 1 and Mar 1 come in between
    await advanceTo(p, clock, FEB_1 + 19 * DAY, on());
    await p.stripe.customers.deleteDiscount(jCus, {}, on());
    await settled(p);
    await recorded(j.id, [
      [JAN_1, 10_000, null],
      [JAN_1 + 9 * DAY, 7_500, null],
      [FEB_1 + 19 * DAY, 10_000, null],
    ]);
    await advanceTo(p, clock, MAR_1 + DAY, on());

    const expected = {
      // 20 % from Jan 10, 50 % from Jan 15 for one month, then the full price with no event at Stripe
      [h.id]: [
        [JAN_1, 10_000, null],
        [JAN_1 + 9 * DAY, 8_000, null],
        [JAN_1 + 14 * DAY, 5_000, null],
        [JAN_1 + 45 * DAY, 10_000, null],
      ],
      // its own 10 % takes precedence over its customer's 50 %
      [i.id]: [[JAN_1, 9_000, null]],
      [j.id]: [
        [JAN_1, 10_000, null],
        [JAN_1 + 9 * DAY, 7_500, null],
        [FEB_1 + 19 * DAY, 10_000, null],
      ],
    };
    const rows = await history();
    expect(Object.fromEntries(rows)).toEqual(expected);

    // Stripe billed as the history says: H's February invoice took 50 % off, March's nothing
    const invoices = await p.stripe.invoices.list({ subscription: h.id, limit: 10 }, on());
    expect(invoices.data.map((x) => [x.period_end, x.total]).sort((x, y) => x[0]! - y[0]!)).toEqual([
      [JAN_1, 10_000],
      [FEB_1, 5_000],
      [MAR_1, 10_000],
    ]);

    const report = await tenantMrrReport(scopeInTenant(p.t.systemCtx, asUuid('tenant', tenant.id)), {
      from: new Date(JAN_1 * 1000),
      to: new Date(APR_1 * 1000),
    });
    expect(report.violations).toEqual([]);
    expect(
      report.periods.map((m) => [
        m.startMrr,
        m.movements.new,
        m.movements.expansion,
        m.movements.contraction,
        m.movements.churnVoluntary + m.movements.churnInvoluntary,
        m.endMrr,
      ]),
    ).toEqual([
      [0, 29_000, 0, 7_500, 0, 21_500],
      [21_500, 0, 7_500, 0, 0, 29_000],
      [29_000, 0, 0, 0, 0, 29_000],
    ]);

    // every event again: the same rows
    const replayed = await replayMatching(p.t.systemCtx, p.jobs, { since: new Date(0) });
    expect(replayed).toBeGreaterThan(10);
    await settled(p);
    expect(Object.fromEntries(await history())).toEqual(expected);
    const dead = await systemRows(
      p.t.database,
      `select id, type, last_error from stripe_events where status = 'dead'`,
    );
    expect(dead).toEqual([]);
  }, 300_000);
});
