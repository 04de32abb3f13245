import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySubscription } from '../../src/billing/tenant-plan/sync.ts';
import { tenantBilling } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId, toPublicId } from '../../src/http/ids.ts';
import { purgeExpired } from '../../src/maintenance.ts';
import { bearer, createTestTenant, type TestTenant } from '../helpers/app.ts';
import { sandboxAdmin, tenantApi } from '../helpers/payments.ts';
import {
  ownerSql,
  type Pipeline,
  pipelineState,
  startPipeline,
  systemRows,
  waitFor,
} from '../helpers/webhooks.ts';
import { defaultFreePlan } from './plan-fixtures.ts';
import {
  APR_1,
  APR_16,
  advanceClock,
  apiPlan,
  billingCustomer as billingCustomerOf,
  type ClockSetting,
  MAY_1,
  moneyOf,
  onPlanSince,
} from './quote-fixtures.ts';

/**
 * Plan changes with a binding quote, on the sandbox's test clocks through the real pipeline: the worked
 * example (Pro $100/month, Apr 1–May 1 2027, upgraded to Enterprise $500/month at Apr 16 00:00 UTC: −$50.00
 * unused Pro, +$250.00 remaining Enterprise, $200.00 due and charged), a quote that is spent, expired or
 * outdated charging nothing, and a downgrade at the period's end through a subscription schedule.
 */

describe('plan changes with a quote', () => {
  let p: Pipeline;
  const lookup = randomUUID().slice(0, 6);
  let pro: string;
  let enterprise: string;

  const platform = (method: 'GET' | 'POST', url: string, payload?: object) =>
    p.t.app.inject({
      method,
      url,
      headers: {
        ...bearer(p.t.platformKey),
        ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
      },
      ...(payload ? { payload } : {}),
    });

  const setting = (): ClockSetting => ({
    stripe: p.stripe,
    database: p.t.database,
    post: async (url, body) => {
      const res = await platform('POST', url, body);
      return { status: res.statusCode, body: res.body };
    },
  });
  const plan = (name: string, amount: number, trialDays = 0, yearly?: number) =>
    apiPlan(setting(), { name, amount, suffix: lookup, trialDays, yearly });
  const billingCustomer = (tenant: TestTenant, planId: string, clock: string, card?: string | null) =>
    billingCustomerOf(setting(), tenant.publicId, planId, clock, card);
  const advance = (clock: string, to: number) => advanceClock(p.stripe, clock, to);

  /** A tenant on Pro (or `on`) since Apr 1 2027 (its first invoice paid by card), its clock at `at`. */
  async function onPro(name: string, at: number, on = pro) {
    const tenant = await createTestTenant(p.t, name);
    const { clock, customer } = await onPlanSince(setting(), tenant.publicId, on, at);
    return { tenant, clock, customer, api: tenantApi(p.t, tenant) };
  }

  const quote = async (api: ReturnType<typeof tenantApi>, planId: string) => {
    const res = await api('POST', '/billing/quotes', { plan: planId, interval: 'month' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  let trial: string;
  let free: string;
  let flex: string;

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
    pro = await plan('Pro', 10_000);
    enterprise = await plan('Enterprise', 50_000);
    trial = await plan('Trial', 10_000, 14);
    flex = await plan('Flex', 10_000, 0, 100_000);
    free = toPublicId('plan', (await defaultFreePlan(p.t)).id);
  });
  afterAll(() => p?.close());

  it('the worked example: Pro → Enterprise at Apr 16 is −$50.00 + $250.00 = $200.00, charged exactly', async () => {
    const { tenant, customer, api } = await onPro('Quote worked example', APR_16);
    const q = await quote(api, `enterprise_${lookup}`);
    expect(q).toMatchObject({
      object: 'quote',
      plan: { id: enterprise, lookup_key: `enterprise_${lookup}` },
      interval: 'month',
      kind: 'upgrade',
      currency: 'usd',
      amount_due: 20_000,
      proration_date: APR_16,
      effective_at: APR_16,
    });
    expect(q.id).toMatch(/^quo_/);
    expect(q.lines.map((l: { amount: number }) => l.amount).sort((a: number, b: number) => a - b)).toEqual([
      -5_000, 25_000,
    ]);
    for (const l of q.lines) {
      expect(l).toMatchObject({ currency: 'usd', proration: true, period: { start: APR_16, end: MAY_1 } });
    }
    expect(q.expires_at - Math.floor(Date.now() / 1000)).toBeGreaterThan(14 * 60);

    const accept = await api('POST', '/billing/subscription', { quote: q.id });
    expect(accept.statusCode, accept.body).toBe(200);
    const done = accept.json();
    expect(done).toMatchObject({
      object: 'plan_change',
      status: 'applied',
      url: null,
      invoice: { amount_due: 20_000, amount_paid: 20_000, currency: 'usd', status: 'paid' },
      billing: { plan: { lookup_key: `enterprise_${lookup}` }, pending_change: null },
      entitlements: { plan: { lookup_key: `enterprise_${lookup}` }, features: { sso: true } },
    });
    const paid = await p.stripe.invoices.retrieve(done.invoice.id);
    expect(paid.amount_paid).toBe(20_000);
    expect(paid.billing_reason).toBe('subscription_update');
    const [row] = await withTenant(p.t.database.db, tenant.id, (tx) => tx.select().from(tenantBilling));
    const sub = await p.stripe.subscriptions.retrieve(row!.stripeSubscriptionId!);
    expect(sub.items.data.map((i) => i.price.unit_amount)).toEqual([50_000]);
    const [changed] = await systemRows<{ data: { plan: { id: string }; cause: string } }>(
      p.t.database,
      `select data from outbound_events where tenant_id = '${tenant.id}' and type = 'tenant.plan.changed'`,
    );
    expect(changed!.data).toMatchObject({ plan: { id: enterprise }, cause: 'quote' });

    expect((await api('GET', `/billing/quotes/${q.id}`)).json().used_at).toEqual(expect.any(Number));
    // spent: a second acceptance is refused before Stripe is called, nothing charged
    const before = await moneyOf(p.stripe, customer);
    const again = await api('POST', '/billing/subscription', { quote: q.id });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().error.code).toBe('quote_used');
    expect(await moneyOf(p.stripe, customer)).toEqual(before);
  });

  it('an expired quote, or one whose price or balance moved since, is a 409 and charges nothing', async () => {
    const { customer, api, tenant } = await onPro('Quote refusals', APR_16);
    const money = await moneyOf(p.stripe, customer);

    const expired = await quote(api, enterprise);
    await ownerSql(
      p.t.database,
      `update plan_quotes set expires_at = now() - interval '1 second' where id = '${fromPublicId('quote', expired.id)}'`,
    );
    const late = await api('POST', '/billing/subscription', { quote: expired.id });
    expect(late.statusCode, late.body).toBe(409);
    expect(late.json().error.code).toBe('quote_expired');

    // the customer's balance moved (a credit): the quote's amount would be wrong
    const credited = await quote(api, enterprise);
    await p.stripe.customers.update(customer, { balance: -1_000 });
    const moved = await api('POST', '/billing/subscription', { quote: credited.id });
    expect(moved.statusCode, moved.body).toBe(409);
    expect(moved.json().error.code).toBe('quote_changed');
    await p.stripe.customers.update(customer, { balance: 0 });

    // the subscription's price changed since (here at Stripe, behind our back)
    const priced = await quote(api, enterprise);
    const [row] = await withTenant(p.t.database.db, tenant.id, (tx) => tx.select().from(tenantBilling));
    const sub = await p.stripe.subscriptions.retrieve(row!.stripeSubscriptionId!);
    const other = await p.stripe.prices.create({
      product: sub.items.data[0]!.price.product as string,
      currency: 'usd',
      unit_amount: 12_000,
      recurring: { interval: 'month' },
    });
    await p.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: other.id }],
      proration_behavior: 'none',
    });
    const stale = await api('POST', '/billing/subscription', { quote: priced.id });
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json().error.code).toBe('quote_changed');

    const after = await moneyOf(p.stripe, customer);
    expect(after.charges).toEqual(money.charges);
    expect(after.invoices).toEqual(money.invoices);
  });

  it('two acceptances of one quote at once: one change, one charge, the other 409 quote_used', async () => {
    const { customer, api } = await onPro('Quote race', APR_16);
    const q = await quote(api, enterprise);
    const answers = await Promise.all([
      api('POST', '/billing/subscription', { quote: q.id }),
      api('POST', '/billing/subscription', { quote: q.id }),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.statusCode === 409)!.json().error.code).toBe('quote_used');
    const updates = (await p.stripe.invoices.list({ customer, limit: 100 })).data.filter(
      (i) => i.billing_reason === 'subscription_update',
    );
    expect(updates.map((i) => i.amount_paid)).toEqual([20_000]);
  });

  it('a renewal between the quote and its acceptance is a 409: the quoted proration is of a period gone', async () => {
    const { customer, clock, api } = await onPro('Quote across renewal', APR_16);
    const q = await quote(api, enterprise);
    expect(q.amount_due).toBe(20_000);
    // the period ends and renews (paid) before the tenant accepts
    await advance(clock, MAY_1 + 2 * 3600);
    await waitFor(async () => {
      const list = await p.stripe.invoices.list({ customer, limit: 10 });
      return list.data.some((i) => i.billing_reason === 'subscription_cycle' && i.status === 'paid') || null;
    }, 'the renewal paid');
    const money = await moneyOf(p.stripe, customer);
    const res = await api('POST', '/billing/subscription', { quote: q.id });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.code).toBe('quote_changed');
    expect(await moneyOf(p.stripe, customer)).toEqual(money);
  });

  it('two different quotes accepted at once: one change at its quoted price, the other 409', async () => {
    const { customer, api } = await onPro('Two quotes race', APR_16);
    const [a, b] = [await quote(api, enterprise), await quote(api, enterprise)];
    const answers = await Promise.all([
      api('POST', '/billing/subscription', { quote: a.id }),
      api('POST', '/billing/subscription', { quote: b.id }),
    ]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const updates = (await p.stripe.invoices.list({ customer, limit: 100 })).data.filter(
      (i) => i.billing_reason === 'subscription_update',
    );
    expect(updates.map((i) => i.amount_paid)).toEqual([20_000]);
  });

  it('a subscription left incomplete (no card then) is replaced by an accepted quote once a card is on file', async () => {
    const tenant = await createTestTenant(p.t, 'Quote after incomplete');
    const clock = await p.stripe.testHelpers.testClocks.create({ frozen_time: APR_1 });
    const customer = await billingCustomer(tenant, pro, clock.id, null);
    const first = await platform('POST', `/v1/tenants/${tenant.publicId}/billing/plan`, {
      plan: pro,
      interval: 'month',
      currency: 'usd',
    });
    expect(first.statusCode, first.body).toBe(200);
    const [row] = await withTenant(p.t.database.db, tenant.id, (tx) => tx.select().from(tenantBilling));
    expect(row!.stripeStatus).toBe('incomplete');
    const pm = await p.stripe.paymentMethods.attach('pm_card_visa', { customer });
    await p.stripe.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
    const api = tenantApi(p.t, tenant);
    const q = await quote(api, enterprise);
    expect(q.kind).toBe('new');
    const res = await api('POST', '/billing/subscription', { quote: q.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().billing.plan.id).toBe(enterprise);
  });

  it("a first paid plan's quote is its first invoice after the customer's credit, and charges exactly that", async () => {
    const tenant = await createTestTenant(p.t, 'Quote first with credit');
    const clock = await p.stripe.testHelpers.testClocks.create({ frozen_time: APR_1 });
    const customer = await billingCustomer(tenant, pro, clock.id);
    await p.stripe.customers.createBalanceTransaction(customer, { amount: -3_000, currency: 'usd' });
    const api = tenantApi(p.t, tenant);
    const q = await quote(api, pro);
    expect(q).toMatchObject({ kind: 'new', amount_due: 7_000, currency: 'usd' });
    const res = await api('POST', '/billing/subscription', { quote: q.id });
    expect(res.statusCode, res.body).toBe(200);
    const invoices = await p.stripe.invoices.list({ customer, limit: 10 });
    expect(invoices.data.map((i) => [i.billing_reason, i.total, i.amount_due])).toEqual([
      ['subscription_create', 10_000, 7_000],
    ]);
  });

  it('a quote read back by its tenant only; unspent ones are forgotten a week after they expire', async () => {
    const { api } = await onPro('Quote read back', APR_16);
    const q = await quote(api, enterprise);
    const read = await api('GET', `/billing/quotes/${q.id}`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toEqual({ ...q, used_at: null });
    // another tenant, on its own path: RLS hides the row
    const other = await createTestTenant(p.t, 'Quote reader elsewhere');
    const hidden = await tenantApi(p.t, other)('GET', `/billing/quotes/${q.id}`);
    expect(hidden.statusCode, hidden.body).toBe(404);
    expect(hidden.json().error.code).toBe('resource_missing');

    const id = fromPublicId('quote', q.id)!;
    await ownerSql(
      p.t.database,
      `update plan_quotes set expires_at = now() - interval '6 days' where id = '${id}'`,
    );
    expect((await purgeExpired(p.t.database.db, p.t.config)).quotes).toBe(0);
    await ownerSql(
      p.t.database,
      `update plan_quotes set expires_at = now() - interval '8 days' where id = '${id}'`,
    );
    expect((await purgeExpired(p.t.database.db, p.t.config)).quotes).toBe(1);
    expect((await api('GET', `/billing/quotes/${q.id}`)).statusCode).toBe(404);
  });

  it('a first paid plan whose first payment is declined moves nothing; with 3-D Secure it moves once paid', async () => {
    for (const [card, name] of [
      ['pm_card_chargeCustomerFail', 'First declined'],
      ['pm_card_authenticationRequired', 'First 3DS'],
    ] as const) {
      const tenant = await createTestTenant(p.t, name);
      const clock = await p.stripe.testHelpers.testClocks.create({ frozen_time: APR_1 });
      const customer = await billingCustomer(tenant, free, clock.id, card);
      const api = tenantApi(p.t, tenant);
      const q = await quote(api, pro);
      const res = await api('POST', '/billing/subscription', { quote: q.id });
      const billing = (await api('GET', '/billing')).json();
      expect(billing.plan?.id ?? null).not.toBe(pro);
      expect(billing.state).toBe('active');
      const entitlements = (await api('GET', '/entitlements')).json();
      expect(entitlements.plan?.id ?? null).not.toBe(pro);
      if (card === 'pm_card_chargeCustomerFail') {
        expect(res.statusCode, res.body).toBe(402);
        expect(res.json().error.code).toBe('plan_payment_failed');
        const subs = await p.stripe.subscriptions.list({ customer, status: 'all' });
        expect(subs.data.map((s) => s.status)).toEqual(['canceled']);
        continue;
      }
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ status: 'requires_action', invoice: { amount_due: 10_000 } });
      expect(res.json().url).toMatch(/^https?:\/\//);
      await p.stripe.invoices.pay(res.json().invoice.id, { payment_method: 'pm_card_visa' });
      await waitFor(
        async () => ((await api('GET', '/billing')).json().plan?.id === pro ? true : null),
        'the first invoice paid moves the plan',
        pipelineState(p),
      );
    }
  });

  it("an upgrade bills each meter once: an old plan's overage item is re-priced or deleted once paid", async () => {
    const metered = async (name: string, metrics: string[]) => {
      const res = await platform('POST', '/v1/billing/plans', {
        name,
        lookup_key: `${name.toLowerCase().replace(' ', '_')}_${lookup}`,
        prices: [
          { currency: 'usd', interval: 'month', unit_amount: name === 'Metered big' ? 30_000 : 10_000 },
        ],
        limits: metrics.map((metric) => ({
          metric,
          limit: 1000,
          enforcement: 'soft',
          overage_unit_amount_decimal: '5',
        })),
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().id as string;
    };
    // the second plan bills only the second metric: listed first, a pairing by position would put its
    // overage price on the first metric's item and leave the second metric billed twice
    const small = await metered('Metered small', [`calls_${lookup}`, `seatz_${lookup}`]);
    const big = await metered('Metered big', [`seatz_${lookup}`]);
    const { api, tenant } = await onPro('Quote meters', APR_16, small);
    const q = await quote(api, big);
    const res = await api('POST', '/billing/subscription', { quote: q.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('applied');
    const [row] = await withTenant(p.t.database.db, tenant.id, (tx) => tx.select().from(tenantBilling));
    const meterOf = async () =>
      (await p.stripe.subscriptions.retrieve(row!.stripeSubscriptionId!)).items.data.map((i) => [
        i.price.unit_amount,
        i.price.recurring?.meter ?? null,
      ]);
    const bigPlan = (await platform('GET', `/v1/billing/plans/${big}`)).json();
    const seatsMeter = (await p.stripe.billing.meters.list({ limit: 100 })).data.find(
      (m) => m.event_name === `tributary_seatz_${lookup}`,
    )!.id;
    await waitFor(
      async () => ((await meterOf()).length === 2 ? true : null),
      'the leftover item deleted',
      pipelineState(p),
    );
    expect((await meterOf()).sort()).toEqual(
      [
        [30_000, null],
        [null, seatsMeter],
      ].sort(),
    );
    expect(bigPlan.id).toBe(big);
  });

  it("a change for the period's end is refused while the plan is set to end then", async () => {
    const { api } = await onPro('Downgrade while canceling', APR_16, enterprise);
    const canceled = await api('POST', '/billing/subscription/cancel', {});
    expect(canceled.statusCode, canceled.body).toBe(200);
    const res = await api('POST', '/billing/quotes', { plan: pro, interval: 'month' });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.code).toBe('plan_change_invalid');
  });

  it('a subscription snapshot fetched before the cancellation, applied after it, does not undo it', async () => {
    const { tenant, api } = await onPro('Stale snapshot after cancel', APR_16);
    const [before] = await withTenant(p.t.database.db, tenant.id, (tx) => tx.select().from(tenantBilling));
    const fetchedAt = new Date();
    const stale = await p.stripe.subscriptions.retrieve(before!.stripeSubscriptionId!);
    expect(stale.cancel_at_period_end).toBe(false);
    const canceled = await api('POST', '/billing/subscription/cancel', {});
    expect(canceled.statusCode, canceled.body).toBe(200);
    // an event's refetch from before the cancellation, its batch applying only now
    await withTenant(p.t.database.db, tenant.id, (tx) => applySubscription(tx, tenant.id, stale, fetchedAt));
    const [row] = await withTenant(p.t.database.db, tenant.id, (tx) => tx.select().from(tenantBilling));
    expect(row!.cancelAtPeriodEnd).toBe(true);
  });

  it('a first paid plan needs a card on file: 402 card_required, nothing made', async () => {
    const tenant = await createTestTenant(p.t, 'Quote without card');
    const api = tenantApi(p.t, tenant);
    const q = await quote(api, pro);
    expect(q).toMatchObject({ kind: 'new', amount_due: 10_000, currency: 'usd' });
    const res = await api('POST', '/billing/subscription', { quote: q.id });
    expect(res.statusCode, res.body).toBe(402);
    expect(res.json().error.code).toBe('card_required');
    expect((await api('GET', '/billing')).json().plan?.lookup_key ?? null).not.toBe(`pro_${lookup}`);
  });

  it('bad input: an unknown plan or quote, the plan already held, no Idempotency-Key', async () => {
    const { api, tenant } = await onPro('Quote bad input', APR_1);
    const missing = await api('POST', '/billing/quotes', { plan: 'nope', interval: 'month' });
    expect(missing.json().error).toMatchObject({ code: 'resource_missing', param: 'plan' });
    const same = await api('POST', '/billing/quotes', { plan: pro, interval: 'month' });
    expect(same.json().error).toMatchObject({ code: 'plan_change_invalid' });
    const yearly = await api('POST', '/billing/quotes', { plan: pro, interval: 'year' });
    expect(yearly.json().error).toMatchObject({ code: 'parameter_invalid', param: 'interval' });
    const unknown = await api('POST', '/billing/subscription', { quote: 'quo_nope' });
    expect(unknown.json().error).toMatchObject({ code: 'resource_missing', param: 'quote' });
    const noKey = await p.t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/billing/subscription`,
      headers: bearer(tenant.key),
      payload: { quote: 'quo_nope' },
    });
    expect(noKey.json().error.code).toBe('idempotency_key_required');
  });

  it('a downgrade waits for the period end through a schedule: nothing charged now, pending until then', async () => {
    const { clock, customer, api } = await onPro('Quote downgrade', APR_1);
    // first up to Enterprise (Apr 1, the whole month: $500 − $100)
    const up = await quote(api, enterprise);
    expect(up.amount_due).toBe(40_000);
    expect((await api('POST', '/billing/subscription', { quote: up.id })).json().status).toBe('applied');
    await advance(clock, APR_16);
    const money = await moneyOf(p.stripe, customer);

    const down = await quote(api, pro);
    expect(down).toMatchObject({ kind: 'downgrade', amount_due: 0, lines: [], effective_at: MAY_1 });
    const res = await api('POST', '/billing/subscription', { quote: down.id });
    expect(res.statusCode, res.body).toBe(200);
    const pending = {
      plan: { id: pro, lookup_key: `pro_${lookup}` },
      interval: 'month',
      effective_at: MAY_1,
    };
    expect(res.json()).toMatchObject({ status: 'scheduled', billing: { pending_change: pending } });
    expect((await api('GET', '/billing')).json()).toMatchObject({
      plan: { id: enterprise },
      pending_change: pending,
    });
    expect((await api('GET', '/entitlements')).json()).toMatchObject({
      plan: { id: enterprise },
      pending_change: pending,
    });
    expect(await moneyOf(p.stripe, customer)).toEqual(money);

    await advance(clock, MAY_1 + 3600);
    await waitFor(
      async () => {
        const b = (await api('GET', '/billing')).json();
        return b.plan.id === pro && b.pending_change === null ? b : null;
      },
      'the downgrade applied at May 1',
      pipelineState(p),
    );
    expect((await api('GET', '/entitlements')).json()).toMatchObject({
      plan: { id: pro },
      pending_change: null,
    });
    const renewal = await waitFor(async () => {
      const list = await p.stripe.invoices.list({ customer, limit: 20 });
      return list.data.find((i) => i.billing_reason === 'subscription_cycle') ?? null;
    }, 'the May renewal');
    expect(renewal.amount_due).toBe(10_000);
    // the schedule still manages the subscription in its last phase (Stripe refuses a direct cancellation):
    // canceling releases it first
    const cancel = await api('POST', '/billing/subscription/cancel', {});
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json()).toMatchObject({ cancel_at_period_end: true, plan: { id: pro } });
  });

  it("a quote for the period's end is refused once the plan is set to end; a change waiting for 3-D Secure blocks others", async () => {
    const { api } = await onPro('Quote after cancel', APR_16, enterprise);
    const down = await quote(api, pro);
    expect((await api('POST', '/billing/subscription/cancel', {})).statusCode).toBe(200);
    const refused = await api('POST', '/billing/subscription', { quote: down.id });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error.code).toBe('plan_change_invalid');
    expect((await api('POST', '/billing/subscription/resume', {})).statusCode).toBe(200);

    const { api: upApi, customer: upCustomer } = await onPro('Quote while pending', APR_16);
    const pm3ds = await p.stripe.paymentMethods.attach('pm_card_authenticationRequired', {
      customer: upCustomer,
    });
    await p.stripe.customers.update(upCustomer, { invoice_settings: { default_payment_method: pm3ds.id } });
    const up = await quote(upApi, enterprise);
    const waiting = await upApi('POST', '/billing/subscription', { quote: up.id });
    expect(waiting.json().status).toBe('requires_action');
    const another = await upApi('POST', '/billing/quotes', { plan: flex, interval: 'month' });
    expect(another.statusCode, another.body).toBe(409);
    expect(another.json().error.code).toBe('plan_change_pending');
  });

  it('an interval switch: monthly to yearly is paid now as quoted; yearly to monthly waits for the period end', async () => {
    const { api } = await onPro('Quote interval', APR_16, flex);
    const yearly = await api('POST', '/billing/quotes', { plan: flex, interval: 'year' });
    expect(yearly.statusCode, yearly.body).toBe(200);
    const q = yearly.json();
    expect(q).toMatchObject({ kind: 'interval_change', interval: 'year', effective_at: APR_16 });
    expect(q.amount_due).toBeGreaterThan(0);
    expect(q.lines.some((l: { amount: number }) => l.amount === -5_000)).toBe(true);
    const res = await api('POST', '/billing/subscription', { quote: q.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'applied',
      invoice: { amount_paid: q.amount_due },
      billing: { plan: { id: flex }, interval: 'year' },
    });
    const back = await api('POST', '/billing/quotes', { plan: flex, interval: 'month' });
    expect(back.json()).toMatchObject({ kind: 'interval_change', amount_due: 0, lines: [] });
    // at the end of the period Stripe bills now (Stripe starts a yearly cycle on the switch; the sandbox
    // keeps the monthly anchor: either way the subscription's period end, as the billing row shows it)
    expect(back.json().effective_at).toBe((await api('GET', '/billing')).json().current_period_end);
  });

  it('cancel at the period end, then resume', async () => {
    const { api } = await onPro('Quote cancel', APR_1);
    const cancel = await api('POST', '/billing/subscription/cancel');
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json()).toMatchObject({ cancel_at_period_end: true, plan: { id: pro } });
    const resume = await api('POST', '/billing/subscription/resume');
    expect(resume.statusCode, resume.body).toBe(200);
    expect(resume.json()).toMatchObject({ cancel_at_period_end: false, plan: { id: pro } });
  });

  it('a trial: quoted at 0 until it ends, the plan at once; a trial ending without a card is the default plan', async () => {
    const tenant = await createTestTenant(p.t, 'Quote trial');
    const clock = await p.stripe.testHelpers.testClocks.create({ frozen_time: APR_1 });
    const customer = await billingCustomer(tenant, free, clock.id, null);
    const api = tenantApi(p.t, tenant);
    const q = await quote(api, trial);
    expect(q).toMatchObject({ kind: 'new', amount_due: 0, effective_at: APR_1 });
    expect(q.lines).toEqual([
      {
        description: 'Trial (trial)',
        amount: 0,
        currency: 'usd',
        period: { start: APR_1, end: APR_1 + 14 * 86400 },
        proration: false,
      },
    ]);
    const res = await api('POST', '/billing/subscription', { quote: q.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'applied',
      billing: { plan: { id: trial }, state: 'trialing', trial_end: APR_1 + 14 * 86400 },
    });
    // trialing, an upgrade costs nothing until the trial ends
    const up = await quote(api, enterprise);
    expect(up).toMatchObject({ kind: 'upgrade', amount_due: 0 });
    expect((await api('POST', '/billing/subscription', { quote: up.id })).json()).toMatchObject({
      status: 'applied',
      billing: { plan: { id: enterprise }, state: 'trialing' },
    });
    // the trial ends with no card on file: Stripe cancels, and the tenant is on the default plan
    await advance(clock.id, APR_1 + 15 * 86400);
    await waitFor(
      async () => ((await api('GET', '/billing')).json().plan.id === free ? true : null),
      'back on the default plan',
      pipelineState(p),
    );
    const invoices = await p.stripe.invoices.list({ customer, limit: 10 });
    expect(invoices.data.filter((i) => i.amount_paid > 0)).toEqual([]);
  });

  it('a declined upgrade leaves the plan as it was: 402 with the decline in words', async () => {
    const { api, tenant, customer } = await onPro('Quote declined', APR_16);
    const pm = await p.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer });
    await p.stripe.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
    const q = await quote(api, enterprise);
    const res = await api('POST', '/billing/subscription', { quote: q.id });
    expect(res.statusCode, res.body).toBe(402);
    expect(res.json().error).toMatchObject({ code: 'plan_payment_failed' });
    expect(res.json().error.message).toContain('declined');
    expect((await api('GET', '/billing')).json().plan.id).toBe(pro);
    // the entitlements too: Pro's limits and features, nothing of Enterprise's
    const ent = (await api('GET', '/entitlements')).json();
    expect(ent).toMatchObject({ plan: { id: pro }, features: { sso: false } });
    expect(ent.metrics.payment_volume.limit).toBe(10_000 * 500);
    // and the subscription still bills Pro (the change waits, pending, for a payment that did not come)
    const [row] = await withTenant(p.t.database.db, tenant.id, (tx) => tx.select().from(tenantBilling));
    const sub = await p.stripe.subscriptions.retrieve(row!.stripeSubscriptionId!);
    expect(sub.items.data.map((i) => i.price.unit_amount)).toEqual([10_000]);
  });

  it('3-D Secure: requires_action with the invoice page; the plan moves when Stripe applies the update', async () => {
    const { api, customer } = await onPro('Quote 3DS', APR_16);
    const pm = await p.stripe.paymentMethods.attach('pm_card_authenticationRequired', { customer });
    await p.stripe.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
    const q = await quote(api, enterprise);
    const res = await api('POST', '/billing/subscription', { quote: q.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'requires_action', billing: { plan: { id: pro } } });
    expect(res.json().url).toMatch(/^https?:\/\//);
    // the tenant authenticates on the page: Stripe pays the invoice and applies the pending update
    await p.stripe.invoices.pay(res.json().invoice.id, { payment_method: 'pm_card_visa' });
    await waitFor(
      async () => ((await api('GET', '/billing')).json().plan.id === enterprise ? true : null),
      'the pending update applied',
      pipelineState(p),
    );
  });
  it('an acceptance retried with its Idempotency-Key after its answer was lost finishes the change, charged once', async () => {
    const { api, tenant, customer } = await onPro('Quote retried', APR_16);
    const q = await quote(api, enterprise);
    // Stripe makes the change but every answer (the SDK's tries) is lost: the first request fails
    await sandboxAdmin(p.t, 'faults', {
      type: 'drop_response',
      count: 3,
      method: 'POST',
      path: '/v1/subscriptions/',
    });
    const key = randomUUID();
    const accept = () =>
      p.t.app.inject({
        method: 'POST',
        url: `/v1/tenants/${tenant.publicId}/billing/subscription`,
        headers: { ...bearer(tenant.key), 'idempotency-key': key },
        payload: { quote: q.id },
      });
    const first = await accept();
    expect(first.statusCode, first.body).toBeGreaterThanOrEqual(500);
    const retried = await accept();
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toMatchObject({
      status: 'applied',
      invoice: { amount_paid: 20_000 },
      billing: { plan: { id: enterprise } },
    });
    const paid = (await p.stripe.invoices.list({ customer, limit: 100 })).data.filter(
      (i) => i.billing_reason === 'subscription_update',
    );
    expect(paid.map((i) => i.amount_paid)).toEqual([20_000]);
    // another request (another key) is still refused: the quote is spent
    const other = await api('POST', '/billing/subscription', { quote: q.id });
    expect(other.statusCode, other.body).toBe(409);
    expect(other.json().error.code).toBe('quote_used');
  });
});
