import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformMrrReport } from '../../src/analytics/service.ts';
import {
  APR_1,
  DAY,
  FAILED_AT,
  MAY_1,
  mails,
  onPlanSinceApril,
  PAYMENT_FAILED_AT,
  platformCall,
  stateOf,
} from '../billing/dunning-fixtures.ts';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';
import { advanceTo, historyBySubscription, settled } from './capture-sandbox.ts';

/**
 * The platform's MRR from a tenant's plan, captured from the platform account's webhooks and dunning on the
 * tenant's test clock: the plan bought, upgraded at once, downgraded at the period's end (a schedule), its
 * renewal failing (past due still counts), suspended on day 7 (involuntary churn at the suspension's date),
 * and paid again (back at the plan's MRR from the payment). The engine's ledger over the stored rows adds up.
 */
describe('capture of the platform’s MRR history from plan events and dunning', () => {
  let p: Pipeline;

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
  });
  afterAll(() => p?.close());

  async function plan(name: string, amount: number): Promise<string> {
    const res = await platformCall(p)('POST', '/v1/billing/plans', {
      name,
      lookup_key: `${name.toLowerCase()}_${randomUUID().slice(0, 6)}`,
      prices: [{ currency: 'usd', interval: 'month', unit_amount: amount }],
      limits: [],
      features: {},
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().id as string;
  }

  it('upgrade, downgrade at the period end, suspension and recovery', async () => {
    const pro = await plan('Pro', 10_000);
    const enterprise = await plan('Enterprise', 50_000);
    const { tenant, clock, customer, card } = await onPlanSinceApril(p, pro, 'Plan MRR');
    await settled(p);
    const [sub] = (await p.stripe.subscriptions.list({ customer })).data;
    const proPrice = sub!.items.data[0]!.price.id;

    // Apr 10: up to Enterprise at once
    await advanceTo(p, clock, APR_1 + 9 * DAY);
    const up = await platformCall(p)('POST', `/v1/tenants/${tenant.publicId}/billing/plan`, {
      plan: enterprise,
      interval: 'month',
      currency: 'usd',
    });
    expect(up.statusCode, up.body).toBe(200);
    await settled(p);
    // Apr 20: back to Pro from the next period, made at Stripe
    await advanceTo(p, clock, APR_1 + 19 * DAY);
    const entPrice = (await p.stripe.subscriptions.retrieve(sub!.id)).items.data[0]!.price.id;
    const schedule = await p.stripe.subscriptionSchedules.create({ from_subscription: sub!.id });
    await p.stripe.subscriptionSchedules.update(schedule.id, {
      end_behavior: 'release',
      proration_behavior: 'none',
      phases: [
        { items: [{ price: entPrice }], start_date: APR_1, end_date: MAY_1 },
        { items: [{ price: proPrice }], start_date: MAY_1 },
      ],
    });
    // the card fails from the renewal on
    const failing = await p.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer });
    await p.stripe.customers.update(customer, { invoice_settings: { default_payment_method: failing.id } });
    await p.stripe.paymentMethods.detach(card);

    await advanceTo(p, clock, FAILED_AT); // May 1: Pro again; its renewal fails an hour later
    await waitFor(
      async () => (await mails(p, tenant)).some((m) => m.template === 'plan_payment_failed'),
      'the failure e-mail',
      pipelineState(p),
    );
    for (const [day, n] of [
      [1, 1],
      [3, 2],
      [5, 3],
    ] as const) {
      await advanceTo(p, clock, FAILED_AT + day * DAY + 60);
      await waitFor(
        async () => (await mails(p, tenant)).filter((m) => m.template === 'plan_attempt_failed').length === n,
        `attempt ${n} failed`,
        pipelineState(p),
      );
    }
    await advanceTo(p, clock, FAILED_AT + 7 * DAY + 60);
    await waitFor(async () => (await stateOf(p, tenant)) === 'suspended', 'suspended', pipelineState(p));
    const [open] = await systemRows<{ suspend_at: string }>(
      p.t.database,
      `select suspend_at from dunning_cases where tenant_id = '${tenant.id}'`,
    );
    const suspendedAt = new Date(open!.suspend_at).getTime() / 1000;
    expect(suspendedAt).toBe(PAYMENT_FAILED_AT + 7 * DAY);

    // paid with a good card (as the recovery page would): counted again from the payment
    const [invoice] = (await p.stripe.invoices.list({ customer, status: 'open' })).data;
    const good = await p.stripe.paymentMethods.attach('pm_card_visa', { customer });
    const paid = await p.stripe.invoices.pay(invoice!.id!, { payment_method: good.id, off_session: true });
    await waitFor(async () => (await stateOf(p, tenant)) === 'active', 'active again', pipelineState(p));
    await settled(p);

    const paidAt = paid.status_transitions.paid_at!;
    const rows = await historyBySubscription(p, 'platform_mrr_changes', `stripe_customer_id = '${customer}'`);
    expect(Object.fromEntries(rows)).toEqual({
      [sub!.id]: [
        [APR_1, 10_000, null],
        [APR_1 + 9 * DAY, 50_000, null],
        [MAY_1, 10_000, null],
        [suspendedAt, 0, 'involuntary'],
        [paidAt, 10_000, null],
      ],
    });
    const [billed] = await systemRows<{ billed: string }>(
      p.t.database,
      `select distinct billed_tenant_id as billed from platform_mrr_changes where stripe_customer_id = '${customer}'`,
    );
    expect(billed?.billed).toBe(tenant.id);

    const report = await platformMrrReport(p.t.systemCtx, {
      from: new Date(APR_1 * 1000),
      to: new Date((MAY_1 + 31 * DAY) * 1000),
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
      [0, 10_000, 0, 40_000, 0, 0, 0, 50_000],
      [50_000, 0, 10_000, 0, 40_000, 0, 10_000, 10_000],
    ]);
  }, 300_000);
});
