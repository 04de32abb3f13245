import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantBilling } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { bearer } from '../helpers/app.ts';
import { tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';
import {
  APR_1,
  advance,
  attempts,
  DAY,
  FAILED_AT,
  failedRenewal,
  mails,
  onPlanSinceApril,
  proPlan,
  reportLost,
  stateOf,
} from './dunning-fixtures.ts';

/**
 * Which methods dunning tries, and which failures start it: a card declined as lost is never tried again, a
 * method saved during dunning pays at once, and a plan change's failed proration invoice starts nothing.
 */
describe('dunning: payment methods', () => {
  let p: Pipeline;
  let pro: string;

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
    pro = await proPlan(p);
  });
  afterAll(() => p?.close());

  const atDay = async (clock: string, day: number) => advance(p, clock, FAILED_AT + day * DAY + 60);

  it('a hard-declined card is not tried again; the other card is, on every attempt', async () => {
    const { tenant, clock, saved } = await failedRenewal(
      p,
      pro,
      'Dunning hard decline',
      ['pm_card_visa', 'pm_card_chargeCustomerFail'],
      async ([lost]) => reportLost(p, lost!),
    );
    const [lost, generic] = saved as [string, string];
    await atDay(clock, 1);
    await waitFor(async () => (await attempts(p, tenant)).length === 2, 'attempt 1', pipelineState(p));
    await atDay(clock, 3);
    await waitFor(async () => (await attempts(p, tenant)).length === 3, 'attempt 2', pipelineState(p));
    await waitFor(
      async () => (await mails(p, tenant)).filter((m) => m.template === 'plan_attempt_failed').length === 2,
      'the second attempt e-mail',
    );
    expect(
      (await attempts(p, tenant)).map((a) => [a.number, a.payment_method, a.status, a.decline_code]),
    ).toEqual([
      [1, lost, 'failed', 'lost_card'],
      [1, generic, 'failed', 'generic_decline'],
      [2, generic, 'failed', 'generic_decline'],
    ]);
    const [c] = await systemRows<{ skipped_methods: string[] }>(
      p.t.database,
      `select skipped_methods from dunning_cases where tenant_id = '${tenant.id}'`,
    );
    expect(c!.skipped_methods).toEqual([lost]);
  }, 180_000);

  it('a method saved during dunning pays the invoice at once', async () => {
    const { tenant, customer } = await failedRenewal(p, pro, 'Dunning new card', [
      'pm_card_chargeCustomerFail',
    ]);
    await p.stripe.setupIntents.create({
      customer,
      payment_method: 'pm_card_visa',
      confirm: true,
      usage: 'off_session',
    });
    await waitFor(
      async () => (await stateOf(p, tenant)) === 'active',
      'paid with the new card',
      pipelineState(p),
    );
    expect((await attempts(p, tenant)).map((a) => [a.number, a.status])).toEqual([[100, 'succeeded']]);
    expect((await mails(p, tenant)).map((m) => m.template)).toEqual([
      'plan_payment_failed',
      'plan_recovered',
    ]);
  }, 120_000);

  it("a plan change's failed proration invoice starts no dunning", async () => {
    const lookup = randomUUID().slice(0, 6);
    const made = await p.t.app.inject({
      method: 'POST',
      url: '/v1/billing/plans',
      headers: { ...bearer(p.t.platformKey), 'idempotency-key': randomUUID() },
      payload: {
        name: 'Enterprise',
        lookup_key: `enterprise_${lookup}`,
        prices: [{ currency: 'usd', interval: 'month', unit_amount: 50_000 }],
        limits: [],
        features: {},
      },
    });
    expect(made.statusCode, made.body).toBe(200);
    // on Pro with a card that pays nothing more, mid-period (the renewal is weeks away)
    const { tenant, customer } = await onProMidPeriod();
    const api = tenantApi(p.t, tenant);
    const q = await api('POST', '/billing/quotes', { plan: `enterprise_${lookup}`, interval: 'month' });
    expect(q.statusCode, q.body).toBe(200);
    const accept = await api('POST', '/billing/subscription', { quote: q.json().id });
    expect(accept.statusCode, accept.body).toBe(402);
    const failed = (await p.stripe.invoices.list({ customer })).data.find(
      (i) => i.billing_reason === 'subscription_update',
    )!;
    await waitFor(
      async () =>
        (
          await systemRows<{ n: number }>(
            p.t.database,
            `select count(*)::int as n from stripe_events where type = 'invoice.payment_failed'
               and status = 'processed' and payload->'data'->'object'->>'id' = '${failed.id}'`,
          )
        )[0]!.n > 0,
      'the failure processed',
      pipelineState(p),
    );
    expect(await stateOf(p, tenant)).toBe('active');
    const cases = await systemRows(
      p.t.database,
      `select id from dunning_cases where tenant_id = '${tenant.id}'`,
    );
    expect(cases).toEqual([]);
    expect(await mails(p, tenant)).toEqual([]);
  }, 120_000);

  it('a bank debit still clearing holds the attempt (not counted, not e-mailed) until it settles', async () => {
    const { tenant, clock, customer, saved } = await failedRenewal(p, pro, 'Dunning bank debit', [
      'pm_card_chargeCustomerFail',
    ]);
    // the tenant's only method now: a US bank account (attached at Stripe, no immediate attempt)
    const bank = await p.stripe.paymentMethods.create({
      type: 'us_bank_account',
      us_bank_account: {
        routing_number: '110000000',
        account_number: '000123456789',
        account_holder_type: 'company',
      },
      billing_details: { name: 'Dunning bank debit' },
    });
    await p.stripe.paymentMethods.attach(bank.id, { customer });
    await p.stripe.paymentMethods.detach(saved[0]!);
    await atDay(clock, 1);
    await waitFor(async () => (await stateOf(p, tenant)) === 'active', 'paid once settled', pipelineState(p));
    const [row] = await systemRows<{ payment_method: string; status: string; message: string | null }>(
      p.t.database,
      `select payment_method, status, message from dunning_attempts where tenant_id = '${tenant.id}'`,
    );
    expect(row).toEqual({ payment_method: bank.id, status: 'unavailable', message: 'payment processing' });
    const [c] = await systemRows<{ attempts_made: number; outcome: string }>(
      p.t.database,
      `select attempts_made, outcome from dunning_cases where tenant_id = '${tenant.id}'`,
    );
    expect(c).toEqual({ attempts_made: 0, outcome: 'recovered' });
    await waitFor(
      async () => (await mails(p, tenant)).at(-1)?.template === 'plan_recovered',
      'the recovered e-mail',
    );
    expect((await mails(p, tenant)).map((m) => m.template)).toEqual([
      'plan_payment_failed',
      'plan_recovered',
    ]);
  }, 120_000);

  it('a case whose subscription ended another way closes: nothing more is tried or e-mailed', async () => {
    const { tenant, clock } = await failedRenewal(p, pro, 'Dunning ended', ['pm_card_chargeCustomerFail']);
    await waitFor(async () => (await mails(p, tenant)).length === 1, 'the failure e-mail', pipelineState(p));
    // its recovery link pays and adds cards: the tenant's own view of its outbox does not hand it out
    const listed = await tenantApi(p.t, tenant)('GET', '/notifications');
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.body).toContain('recover#token=REDACTED');
    expect(listed.body).not.toContain('rcv_');
    // the subscription is canceled at Stripe (by the platform in Stripe's dashboard, say)
    const [row] = await withTenant(p.t.database.db, tenant.id, (tx) => tx.select().from(tenantBilling));
    await p.stripe.subscriptions.cancel(row!.stripeSubscriptionId!);
    await waitFor(
      async () => {
        const [r] = await withTenant(p.t.database.db, tenant.id, (tx) => tx.select().from(tenantBilling));
        return r!.stripeSubscriptionId === null || r!.stripeStatus === 'canceled' || null;
      },
      'the subscription ended',
      pipelineState(p),
    );
    await atDay(clock, 1);
    await waitFor(
      async () =>
        (
          await systemRows<{ outcome: string | null }>(
            p.t.database,
            `select outcome from dunning_cases where tenant_id = '${tenant.id}'`,
          )
        )[0]!.outcome === 'ended' || null,
      'the case closed as ended',
      pipelineState(p),
    );
    expect(await attempts(p, tenant)).toEqual([]);
    expect((await mails(p, tenant)).map((m) => m.template)).toEqual(['plan_payment_failed']);
  }, 120_000);

  /** A tenant on Pro whose only card now declines, its clock mid-period (no renewal failed). */
  async function onProMidPeriod() {
    const { tenant, clock, customer, card: good } = await onPlanSinceApril(p, pro, 'Dunning proration');
    await reportLost(p, good);
    await advance(p, clock, APR_1 + 10 * DAY);
    return { tenant, customer };
  }
});
