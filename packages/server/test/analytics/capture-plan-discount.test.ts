import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformMrrReport } from '../../src/analytics/service.ts';
import { APR_1, DAY, MAY_1, onPlanSinceApril, platformCall } from '../billing/dunning-fixtures.ts';
import { type Pipeline, startPipeline, waitFor } from '../helpers/webhooks.ts';
import { advanceTo, historyBySubscription, settled } from './capture-sandbox.ts';

/**
 * A discount on a tenant's billing customer discounts its plan subscription (Stripe: a subscription with no
 * discounts of its own inherits its customer's), so the platform's MRR from the plan follows the
 * `customer.discount.*` events of the platform account: a coupon added on Apr 10 contracts it from then, its
 * deletion on Apr 20 restores it. Through the sandbox, a test clock and the real webhooks.
 */
describe("capture of a tenant's billing customer's discount", () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
  });
  afterAll(() => p?.close());

  it('the plan’s MRR deducts it while it applies, and the ledger adds up', async () => {
    const created = await platformCall(p)('POST', '/v1/billing/plans', {
      name: 'Pro',
      lookup_key: `pro_${randomUUID().slice(0, 6)}`,
      prices: [{ currency: 'usd', interval: 'month', unit_amount: 10_000 }],
      limits: [],
      features: {},
    });
    expect(created.statusCode, created.body).toBe(200);
    const { clock, customer } = await onPlanSinceApril(p, created.json().id, 'Plan discount');
    await settled(p);
    const [sub] = (await p.stripe.subscriptions.list({ customer })).data;
    const history = async () =>
      (await historyBySubscription(p, 'platform_mrr_changes', `stripe_customer_id = '${customer}'`)).get(
        sub!.id,
      );
    const recorded = (rows: [number, number, string | null][]) =>
      waitFor(
        async () => JSON.stringify(await history()) === JSON.stringify(rows) || null,
        'the plan’s history',
        history,
      );

    await advanceTo(p, clock, APR_1 + 9 * DAY);
    const coupon = await p.stripe.coupons.create({ percent_off: 30, duration: 'forever' });
    // basil (2025-03-31) removed `coupon` from customers; the Dashboard and older versions still apply one
    await p.stripe.customers.update(
      customer,
      { coupon: coupon.id } as Stripe.CustomerUpdateParams,
      {
        apiVersion: '2024-06-20',
      } as Stripe.RequestOptions,
    );
    await settled(p);
    await recorded([
      [APR_1, 10_000, null],
      [APR_1 + 9 * DAY, 7_000, null],
    ]);
    await advanceTo(p, clock, APR_1 + 19 * DAY);
    await p.stripe.customers.deleteDiscount(customer);
    await settled(p);
    await recorded([
      [APR_1, 10_000, null],
      [APR_1 + 9 * DAY, 7_000, null],
      [APR_1 + 19 * DAY, 10_000, null],
    ]);

    const report = await platformMrrReport(p.t.systemCtx, {
      from: new Date(APR_1 * 1000),
      to: new Date(MAY_1 * 1000),
    });
    expect(report.violations).toEqual([]);
    expect(
      report.periods.map((m) => [
        m.startMrr,
        m.movements.new,
        m.movements.expansion,
        m.movements.contraction,
        m.endMrr,
      ]),
    ).toEqual([[0, 10_000, 3_000, 3_000, 10_000]]);
  }, 300_000);
});
