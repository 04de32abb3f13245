import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantMrrReport } from '../../src/analytics/service.ts';
import { asUuid } from '../../src/http/ids.ts';
import { scopeInTenant } from '../../src/scope/tenant.ts';
import { replayMatching } from '../../src/webhooks/service.ts';
import { createTestTenant, type TestTenant } from '../helpers/app.ts';
import { connectTenant } from '../helpers/payments.ts';
import { type Pipeline, startPipeline, systemRows } from '../helpers/webhooks.ts';
import {
  APR_1,
  advanceTo,
  billingSettings,
  DAY,
  FEB_1,
  HOUR,
  historyBySubscription,
  JAN_1,
  MAR_1,
  settled,
} from './capture-sandbox.ts';

/**
 * A tenant's own customers' subscriptions on its (Standard-like) connected account, made and changed at
 * Stripe on one test clock; the MRR history is captured from their real webhook events alone: creation,
 * an upgrade, a downgrade at the period's end, a cancellation at the period's end, a trial, discounts (one
 * running out with no event), and a renewal failing into past_due then unpaid. The engine's ledger over the
 * stored rows adds up, and replaying every event changes nothing.
 */
describe('capture of a tenant’s MRR history from its webhooks', () => {
  let p: Pipeline;
  let tenant: TestTenant;
  let acct: string;
  let clock: string;
  const on = () => ({ stripeAccount: acct });

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
    tenant = await createTestTenant(p.t, 'Analytics capture');
    acct = await connectTenant(p.t, tenant);
    clock = (await p.stripe.testHelpers.testClocks.create({ frozen_time: JAN_1 }, on())).id;
    // retries on days 1, 3, 5 and 7; a renewal still unpaid after the last leaves its subscription unpaid
    await billingSettings(p, { retry_days: [1, 3, 5, 7], final_subscription_status: 'unpaid' });
  });
  afterAll(() => p?.close());

  async function customer(name: string, card = 'pm_card_visa') {
    const cus = await p.stripe.customers.create({ name, test_clock: clock }, on());
    const pm = await p.stripe.paymentMethods.attach(card, { customer: cus.id }, on());
    await p.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } }, on());
    return cus.id;
  }
  async function price(amount: number, interval: 'month' | 'year') {
    const product = await p.stripe.products.create({ name: `Plan ${amount}/${interval}` }, on());
    return (
      await p.stripe.prices.create(
        { product: product.id, currency: 'usd', unit_amount: amount, recurring: { interval } },
        on(),
      )
    ).id;
  }

  it('stores one row per change at its effective time, and the ledger adds up', async () => {
    const pro = await price(10_000, 'month');
    const enterprise = await price(50_000, 'month');
    const annual = await price(96_000, 'year');
    const half = await p.stripe.coupons.create(
      { percent_off: 50, duration: 'repeating', duration_in_months: 2 },
      on(),
    );
    const quarter = await p.stripe.coupons.create({ percent_off: 25, duration: 'forever' }, on());
    const subscribe = async (cus: string, params: Record<string, unknown>) =>
      p.stripe.subscriptions.create({ customer: cus, ...params } as never, on());

    const a = await subscribe(await customer('A'), { items: [{ price: pro }] });
    const b = await subscribe(await customer('B'), { items: [{ price: pro }] });
    const c = await subscribe(await customer('C'), { items: [{ price: enterprise }] });
    const d = await subscribe(await customer('D'), {
      items: [{ price: pro }],
      discounts: [{ coupon: half.id }],
    });
    const g = await subscribe(await customer('G'), {
      items: [{ price: annual }],
      discounts: [{ coupon: quarter.id }],
    });
    const eCustomer = await customer('E');
    const e = await subscribe(eCustomer, { items: [{ price: pro }] });
    const f = await subscribe(await customer('F'), { items: [{ price: pro }], trial_period_days: 14 });
    await settled(p);

    // Jan 5: B asks to cancel at the period's end (no change yet); Jan 10: A upgrades at once
    await advanceTo(p, clock, JAN_1 + 4 * DAY, on());
    await p.stripe.subscriptions.update(b.id, { cancel_at_period_end: true }, on());
    await advanceTo(p, clock, JAN_1 + 9 * DAY, on());
    await p.stripe.subscriptions.update(
      a.id,
      { items: [{ id: a.items.data[0]!.id, price: enterprise }], proration_behavior: 'create_prorations' },
      on(),
    );
    // Jan 20: C moves to Pro from its next period (a schedule's second phase)
    await advanceTo(p, clock, JAN_1 + 19 * DAY, on());
    const schedule = await p.stripe.subscriptionSchedules.create({ from_subscription: c.id }, on());
    await p.stripe.subscriptionSchedules.update(
      schedule.id,
      {
        end_behavior: 'release',
        proration_behavior: 'none',
        phases: [
          { items: [{ price: enterprise }], start_date: JAN_1, end_date: FEB_1 },
          { items: [{ price: pro }], start_date: FEB_1 },
        ],
      },
      on(),
    );
    // E's card fails from the next renewal on
    const failing = await p.stripe.paymentMethods.attach(
      'pm_card_chargeCustomerFail',
      { customer: eCustomer },
      on(),
    );
    await p.stripe.customers.update(
      eCustomer,
      { invoice_settings: { default_payment_method: failing.id } },
      on(),
    );

    await advanceTo(p, clock, FEB_1 + 2 * HOUR, on()); // renewals: C's phase, B's end, E's failure
    await advanceTo(p, clock, FEB_1 + 8 * DAY, on()); // E's retries fail: unpaid after the last
    await advanceTo(p, clock, MAR_1 + DAY, on()); // D's two discounted months run out

    const rows = await historyBySubscription(p, 'mrr_changes', `tenant_id = '${tenant.id}'`);
    expect(Object.fromEntries(rows)).toEqual({
      [a.id]: [
        [JAN_1, 10_000, null],
        [JAN_1 + 9 * DAY, 50_000, null],
      ],
      // ended at the period's end, not on the day it asked
      [b.id]: [
        [JAN_1, 10_000, null],
        [FEB_1, 0, 'voluntary'],
      ],
      [c.id]: [
        [JAN_1, 50_000, null],
        [FEB_1, 10_000, null],
      ],
      // 50 % off for two months, then the full price with no event at Stripe
      [d.id]: [
        [JAN_1, 5_000, null],
        [MAR_1, 10_000, null],
      ],
      [g.id]: [[JAN_1, 6_000, null]], // $960 a year, 25 % off
      // past_due still counts; unpaid after the last retry (Feb 8, an hour after the first failure's time)
      [e.id]: [
        [JAN_1, 10_000, null],
        [FEB_1 + 7 * DAY + HOUR, 0, 'involuntary'],
      ],
      // the trial counts nothing; paying from its end
      [f.id]: [[JAN_1 + 14 * DAY, 10_000, null]],
    });

    // B's end came as `customer.subscription.deleted` alone: the mirror and the platform's app hear of it too
    const [mirrored] = await systemRows<{ status: string }>(
      p.t.database,
      `select status from subscriptions where stripe_subscription_id = '${b.id}'`,
    );
    expect(mirrored?.status).toBe('canceled');
    const told = await systemRows(
      p.t.database,
      `select 1 from outbound_events where type = 'subscription.canceled' and data->'object'->>'id' = '${b.id}'`,
    );
    expect(told).toHaveLength(1);

    const report = await tenantMrrReport(scopeInTenant(p.t.systemCtx, asUuid('tenant', tenant.id)), {
      from: new Date(JAN_1 * 1000),
      to: new Date(APR_1 * 1000),
    });
    expect(report.violations).toEqual([]);
    expect(
      report.periods.map((m) => [
        m.startMrr,
        m.movements.new,
        m.movements.reactivation,
        m.movements.expansion,
        m.movements.contraction,
        m.movements.churnVoluntary,
        m.movements.churnInvoluntary,
        m.endMrr,
      ]),
    ).toEqual([
      [0, 101_000, 0, 40_000, 0, 0, 0, 141_000],
      [141_000, 0, 0, 0, 40_000, 10_000, 10_000, 81_000],
      [81_000, 0, 0, 5_000, 0, 0, 0, 86_000],
    ]);

    // the same figures through the API, as the tenant's own key reads them
    const get = (path: string, accept = 'application/json') =>
      p.t.app.inject({
        method: 'GET',
        url: `/v1/tenants/${tenant.publicId}/analytics/${path}`,
        headers: { authorization: `Bearer ${tenant.key}`, accept },
      });
    const mrr = await get('mrr?from=2027-01&to=2027-03');
    expect(mrr.statusCode, mrr.body).toBe(200);
    const [usd] = mrr.json().data;
    expect(usd.ledger_ok).toBe(true);
    expect(
      usd.periods.map((x: { period: string; mrr_start: number; mrr_end: number; movements: object }) => [
        x.period,
        x.mrr_start,
        x.movements,
        x.mrr_end,
      ]),
    ).toEqual([
      [
        '2027-01',
        0,
        {
          new: 101_000,
          reactivation: 0,
          expansion: 40_000,
          contraction: 0,
          churn: 0,
          churn_voluntary: 0,
          churn_involuntary: 0,
        },
        141_000,
      ],
      [
        '2027-02',
        141_000,
        {
          new: 0,
          reactivation: 0,
          expansion: 0,
          contraction: 40_000,
          churn: 20_000,
          churn_voluntary: 10_000,
          churn_involuntary: 10_000,
        },
        81_000,
      ],
      [
        '2027-03',
        81_000,
        {
          new: 0,
          reactivation: 0,
          expansion: 5_000,
          contraction: 0,
          churn: 0,
          churn_voluntary: 0,
          churn_involuntary: 0,
        },
        86_000,
      ],
    ]);
    expect(mrr.json().definitions.churn).toMatch(/never at the cancel request/);
    const churned = await get('movements?period=2027-02&currency=usd&kind=churn');
    expect(churned.statusCode, churned.body).toBe(200);
    expect(churned.json().totals).toEqual([{ currency: 'usd', kind: 'churn', amount: 20_000 }]);
    expect(
      churned
        .json()
        .data.map((r: { churn_kind: string }) => r.churn_kind)
        .sort(),
    ).toEqual(['involuntary', 'voluntary']);
    const csv = await get('mrr?from=2027-01&to=2027-03', 'text/csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.trim().split('\r\n')).toHaveLength(4);
    const cohorts = await get('cohorts?from=2027-01&to=2027-03');
    expect(cohorts.statusCode, cohorts.body).toBe(200);
    expect(cohorts.json().data[0]).toMatchObject({ currency: 'usd', period: '2027-01' });

    // every event again, in whatever order the worker takes them: the same rows
    const replayed = await replayMatching(p.t.systemCtx, p.jobs, { since: new Date(0) });
    expect(replayed).toBeGreaterThan(20);
    await settled(p);
    expect(await historyBySubscription(p, 'mrr_changes', `tenant_id = '${tenant.id}'`)).toEqual(rows);
    const dead = await systemRows(
      p.t.database,
      `select id, type, last_error from stripe_events where status = 'dead'`,
    );
    expect(dead).toEqual([]);
  }, 300_000);
});

/**
 * An Express-like tenant's customers' subscriptions live on the platform account, paying out to the tenant's
 * account: their history is the tenant's, never the platform's (whose history is its plans').
 */
describe('capture of an Express-like tenant’s MRR history', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'express' }, { freshDatabase: true });
  });
  afterAll(() => p?.close());

  it('a subscription on the platform paying out to the tenant is in the tenant’s history', async () => {
    const tenant = await createTestTenant(p.t, 'Express capture');
    const acct = await connectTenant(p.t, tenant);
    const cus = await p.stripe.customers.create({ name: 'Express customer' });
    const pm = await p.stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
    await p.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
    const product = await p.stripe.products.create({ name: 'Express plan' });
    const price = await p.stripe.prices.create({
      product: product.id,
      currency: 'eur',
      unit_amount: 4_800,
      recurring: { interval: 'month', interval_count: 3 },
    });
    const sub = await p.stripe.subscriptions.create({
      customer: cus.id,
      items: [{ price: price.id, quantity: 2 }],
      transfer_data: { destination: acct },
      on_behalf_of: acct,
    });
    await settled(p);
    const rows = await systemRows<{ tenant: string; currency: string; mrr: string }>(
      p.t.database,
      `select tenant_id as tenant, currency, mrr from mrr_changes where stripe_subscription_id = '${sub.id}'`,
    );
    expect(rows).toEqual([{ tenant: tenant.id, currency: 'eur', mrr: expect.anything() }]);
    expect(Number(rows[0]!.mrr)).toBe(3_200); // 2 × €48 every 3 months
    const platform = await systemRows(
      p.t.database,
      `select 1 from platform_mrr_changes where stripe_subscription_id = '${sub.id}'`,
    );
    expect(platform).toEqual([]);
  }, 120_000);
});
