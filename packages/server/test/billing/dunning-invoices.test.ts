import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestTenant } from '../helpers/app.ts';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';
import {
  advance,
  DAY,
  FAILED_AT,
  failedRenewal,
  JUNE_1,
  mails,
  operatorCase,
  outbound,
  payCalls,
  platformCall,
  proPlan,
  stateOf,
} from './dunning-fixtures.ts';

/**
 * Renewals that fail while a tenant's case is open (its suspension outlasting a billing period): the June 1
 * renewal joins the case of May's, which owes both — no second case, no new day-0 e-mail or state, Stripe's
 * retries held off for it, attempts paying the oldest first, recovered only once both are paid.
 */

const HOUR = 3600;

async function casesOf(p: Pipeline, tenant: TestTenant) {
  return systemRows<{ phase: string; outcome: string | null }>(
    p.t.database,
    `select phase, outcome from dunning_cases where tenant_id = '${tenant.id}'`,
  );
}

/** May's renewal failed, the tenant suspended on day 7, then June's renewal failed too and joined the case. */
async function joinedWhileSuspended(p: Pipeline, plan: string, name: string) {
  const dunned = await failedRenewal(p, plan, name, ['pm_card_chargeCustomerFail']);
  const { tenant, clock, customer } = dunned;
  const [may] = (await p.stripe.invoices.list({ customer, status: 'open' })).data;
  await advance(p, clock, FAILED_AT + 7 * DAY + 60);
  await waitFor(async () => (await stateOf(p, tenant)) === 'suspended', 'suspended', pipelineState(p));
  await advance(p, clock, JUNE_1 + 2 * HOUR);
  const june = await waitFor(
    async () =>
      (await p.stripe.invoices.list({ customer, status: 'open' })).data.find((i) => i.id !== may!.id),
    "June's renewal open",
    pipelineState(p),
  );
  // the run took it off Stripe's retries
  await waitFor(
    async () => (await p.stripe.invoices.retrieve(june.id!)).auto_advance === false,
    "June's invoice held off Stripe's retries",
    pipelineState(p),
  );
  return { ...dunned, may: may!, june };
}

describe('dunning: renewals joined to the open case', () => {
  let p: Pipeline;
  let pro: string;

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
    pro = await proPlan(p);
  });
  afterAll(() => p?.close());

  it('a renewal failing while suspended joins the case: no new case, state, e-mail or webhook; Stripe holds off', async () => {
    const { tenant, customer, may, june } = await joinedWhileSuspended(p, pro, 'Joined renewal');
    expect(june).toMatchObject({ billing_reason: 'subscription_cycle', amount_due: 10_000 });
    const held = await p.stripe.invoices.retrieve(june.id!);
    expect(held).toMatchObject({ status: 'open', auto_advance: false, next_payment_attempt: null });
    expect(await stateOf(p, tenant)).toBe('suspended');
    expect(await casesOf(p, tenant)).toEqual([{ phase: 'suspended', outcome: null }]);
    expect((await mails(p, tenant)).map((m) => m.template)).toEqual([
      'plan_payment_failed',
      'plan_attempt_failed',
      'plan_attempt_failed',
      'plan_attempt_failed',
      'plan_suspended',
    ]);
    expect((await outbound(p, tenant)).map((e) => e.type)).toEqual([
      'tenant.billing.past_due',
      'tenant.billing.warning',
      'tenant.billing.suspended',
    ]);
    expect(await operatorCase(p, tenant)).toMatchObject({
      phase: 'suspended',
      invoice: may.id,
      invoices: [
        { id: may.id, amount: 10_000, settled: false },
        { id: june.id, amount: 10_000, settled: false },
      ],
      amount_owed: 20_000,
    });
    // the subscription is still past due at Stripe (its latest invoice unpaid)
    const [sub] = (await p.stripe.subscriptions.list({ customer, status: 'all' })).data;
    expect(sub!.status).toBe('past_due');
  }, 240_000);

  it('a card saved meanwhile pays both, the oldest first; recovered once, when both are paid', async () => {
    const { tenant, customer, may, june } = await joinedWhileSuspended(p, pro, 'Joined card saved');
    const setup = await p.stripe.setupIntents.create({
      customer,
      payment_method: 'pm_card_visa',
      confirm: true,
      usage: 'off_session',
    });
    const visa = setup.payment_method as string;
    await waitFor(
      async () => (await casesOf(p, tenant))[0]?.phase === 'closed',
      'the case closed',
      pipelineState(p),
    );
    expect(await stateOf(p, tenant)).toBe('active');
    // May's three scheduled attempts with the failing card came before
    expect((await payCalls(p, [may.id!, june.id!])).filter(([, pm]) => pm === visa)).toEqual([
      [may.id, visa],
      [june.id, visa],
    ]);
    for (const inv of [may, june]) expect((await p.stripe.invoices.retrieve(inv.id!)).status).toBe('paid');
    expect(await casesOf(p, tenant)).toEqual([{ phase: 'closed', outcome: 'recovered' }]);
    await waitFor(
      async () => (await mails(p, tenant)).at(-1)?.template === 'plan_recovered',
      'the recovered e-mail',
    );
    expect((await mails(p, tenant)).filter((m) => m.template === 'plan_recovered')).toHaveLength(1);
    expect((await outbound(p, tenant)).map((e) => e.type).at(-1)).toBe('tenant.billing.recovered');
    const charges = (await p.stripe.charges.list({ customer })).data.filter((c) => c.status === 'succeeded');
    // the first month's, then May's and June's, once each
    expect(charges.map((c) => c.amount)).toEqual([10_000, 10_000, 10_000]);
  }, 240_000);

  it('paid one at a time elsewhere (the hosted page): the case stays open until the second is paid', async () => {
    const { tenant, customer, may, june } = await joinedWhileSuspended(p, pro, 'Joined paid apart');
    const visa = await p.stripe.paymentMethods.attach('pm_card_visa', { customer });
    await p.stripe.invoices.pay(may.id!, { payment_method: visa.id });
    await waitFor(
      async () => (await operatorCase(p, tenant))?.invoices[0]?.settled,
      "May's invoice settled on the case",
      pipelineState(p),
    );
    expect(await operatorCase(p, tenant)).toMatchObject({
      phase: 'suspended',
      amount_owed: 10_000,
      invoices: [
        { id: may.id, settled: true },
        { id: june.id, settled: false },
      ],
    });
    // Stripe keeps the subscription past due while its latest invoice is unpaid
    const [sub] = (await p.stripe.subscriptions.list({ customer, status: 'all' })).data;
    expect(sub!.status).toBe('past_due');
    expect(await stateOf(p, tenant)).toBe('suspended');
    expect((await mails(p, tenant)).map((m) => m.template)).not.toContain('plan_recovered');

    await p.stripe.invoices.pay(june.id!, { payment_method: visa.id });
    await waitFor(async () => (await stateOf(p, tenant)) === 'active', 'active again', pipelineState(p));
    expect(await casesOf(p, tenant)).toEqual([{ phase: 'closed', outcome: 'recovered' }]);
  }, 240_000);

  it("the latest invoice paid first: Stripe's subscription active, the tenant still dunning's until May is paid", async () => {
    const { tenant, customer, may, june } = await joinedWhileSuspended(p, pro, 'Joined latest first');
    const visa = await p.stripe.paymentMethods.attach('pm_card_visa', { customer });
    await p.stripe.invoices.pay(june.id!, { payment_method: visa.id });
    const [sub] = (await p.stripe.subscriptions.list({ customer, status: 'all' })).data;
    expect(sub!.status).toBe('active');
    // both events applied: the subscription's (its status synced) and the invoice's (settled on the case)
    await waitFor(
      async () => {
        const [row] = await systemRows<{ stripe_status: string }>(
          p.t.database,
          `select stripe_status from tenant_billing where tenant_id = '${tenant.id}'`,
        );
        return row?.stripe_status === 'active' && (await operatorCase(p, tenant))?.invoices[1]?.settled;
      },
      "the subscription's and June's events applied",
      pipelineState(p),
    );
    expect(await stateOf(p, tenant)).toBe('suspended');
    expect(await operatorCase(p, tenant)).toMatchObject({ phase: 'suspended', amount_owed: 10_000 });

    await p.stripe.invoices.pay(may.id!, { payment_method: visa.id });
    await waitFor(async () => (await stateOf(p, tenant)) === 'active', 'active again', pipelineState(p));
    expect(await casesOf(p, tenant)).toEqual([{ phase: 'closed', outcome: 'recovered' }]);
  }, 240_000);

  it("the operator's mark paid settles every invoice the case owes", async () => {
    const { tenant, may, june } = await joinedWhileSuspended(p, pro, 'Joined marked paid');
    const c = await operatorCase(p, tenant);
    const paid = await platformCall(p)('POST', `/v1/billing/dunning/${c!.id}/mark_paid`, {
      note: 'Wire transfer for May and June',
    });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({
      phase: 'closed',
      outcome: 'recovered',
      invoices: [
        { id: may.id, settled: true },
        { id: june.id, settled: true },
      ],
    });
    for (const inv of [may, june]) expect((await p.stripe.invoices.retrieve(inv.id!)).status).toBe('paid');
    expect(await stateOf(p, tenant)).toBe('active');
    const [audit] = await systemRows<{ data: Record<string, unknown> }>(
      p.t.database,
      `select data from audit_log where tenant_id = '${tenant.id}' and action = 'billing.dunning_marked_paid'`,
    );
    expect(audit!.data).toMatchObject({ invoices: [may.id, june.id], amount: 20_000, settled: true });
  }, 240_000);
});

/**
 * With retries that outlast a billing period (days 1 and 35), June's renewal fails while the case is still
 * past due: it joins, and the day-35 attempt pays both invoices, the oldest first, each with every method.
 */
describe('dunning: a renewal joined before the last attempt', () => {
  let p: Pipeline;
  let pro: string;

  beforeAll(async () => {
    p = await startPipeline(
      { CONNECT_ACCOUNT_KIND: 'standard', DUNNING_RETRY_DAYS: '1,35', DUNNING_GRACE_DAYS: '40' },
      { freshDatabase: true },
    );
    pro = await proPlan(p);
  });
  afterAll(() => p?.close());

  it('the scheduled attempt pays both, the oldest first', async () => {
    const { tenant, clock, customer, saved } = await failedRenewal(p, pro, 'Joined past due', [
      'pm_card_chargeCustomerFail',
    ]);
    const [failing] = saved as [string];
    const [may] = (await p.stripe.invoices.list({ customer, status: 'open' })).data;
    await advance(p, clock, FAILED_AT + DAY + 60);
    await waitFor(
      async () => (await mails(p, tenant)).some((m) => m.template === 'plan_attempt_failed'),
      'attempt 1 failed',
      pipelineState(p),
    );
    await advance(p, clock, JUNE_1 + 2 * HOUR);
    const june = await waitFor(
      async () => (await operatorCase(p, tenant))?.invoices[1],
      "June's renewal joined",
      pipelineState(p),
    );
    expect(await stateOf(p, tenant)).toBe('past_due');
    expect(await casesOf(p, tenant)).toEqual([{ phase: 'past_due', outcome: null }]);
    expect((await mails(p, tenant)).map((m) => m.template)).toEqual([
      'plan_payment_failed',
      'plan_attempt_failed',
    ]);

    // a working card saved outside Tributary: the next scheduled attempt tries it after the failing default
    const visa = (await p.stripe.paymentMethods.attach('pm_card_visa', { customer })).id;
    await advance(p, clock, FAILED_AT + 35 * DAY + 60);
    await waitFor(
      async () => (await casesOf(p, tenant))[0]?.phase === 'closed',
      'paid on day 35',
      pipelineState(p),
    );
    expect(await stateOf(p, tenant)).toBe('active');
    expect(await payCalls(p, [may!.id!, june.id])).toEqual([
      [may!.id, failing],
      [may!.id, failing],
      [may!.id, visa],
      [june.id, failing],
      [june.id, visa],
    ]);
    expect(await casesOf(p, tenant)).toEqual([{ phase: 'closed', outcome: 'recovered' }]);
  }, 240_000);
});
