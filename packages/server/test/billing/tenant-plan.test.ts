import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPublicId } from '../../src/http/ids.ts';
import { bearer, createTestTenant, sessionFor, type TestTenant } from '../helpers/app.ts';
import { connectTenant, tenantApi } from '../helpers/payments.ts';
import {
  ownerSql,
  type Pipeline,
  pipelineState,
  startPipeline,
  systemRows,
  waitFor,
} from '../helpers/webhooks.ts';
import { defaultFreePlan, type PlanFixture, paidPlan } from './plan-fixtures.ts';

/**
 * Each tenant's plan with the platform, end to end: the plan change makes the tenant's customer and
 * subscription on the platform account (the sandbox), and the platform account's events about them come
 * back through the real pipeline to the tenant's billing row, never to its payments, invoices or
 * subscriptions.
 */

let p: Pipeline;
let free: PlanFixture;
let pro: PlanFixture;
let team: PlanFixture;

const setPlan = (tenant: TestTenant, body: Record<string, unknown>, key?: string | null) =>
  p.t.app.inject({
    method: 'POST',
    url: `/v1/tenants/${tenant.publicId}/billing/plan`,
    headers: {
      ...bearer(key ?? p.t.platformKey),
      ...(key === null ? {} : { 'idempotency-key': randomUUID() }),
    },
    payload: body,
  });

const billing = async (tenant: TestTenant) => {
  const r = await tenantApi(p.t, tenant)('GET', '/billing');
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};

const row = async (tenant: TestTenant) =>
  (
    await systemRows<{
      plan_id: string;
      state: string;
      stripe_status: string | null;
      stripe_customer_id: string | null;
      stripe_subscription_id: string | null;
      limits_version: number;
      currency: string | null;
    }>(p.t.database, `select * from tenant_billing where tenant_id = '${tenant.id}'`)
  )[0]!;

/** The tenant's own money rows, which plan billing must never create. */
const tenantMoneyRows = async (tenant: TestTenant) =>
  (
    await systemRows<{ n: number }>(
      p.t.database,
      `select (select count(*) from payments where tenant_id = '${tenant.id}')
            + (select count(*) from invoices where tenant_id = '${tenant.id}')
            + (select count(*) from subscriptions where tenant_id = '${tenant.id}')
            + (select count(*) from subscription_invoices where tenant_id = '${tenant.id}') as n`,
    )
  )[0]!.n;

const handled = (type: string, objectId: string) =>
  waitFor(
    async () =>
      (
        await systemRows<{ id: string; tenant_id: string | null; status: string; account: string | null }>(
          p.t.database,
          `select id, tenant_id, status, account from stripe_events
            where type = '${type}' and payload->'data'->'object'->>'id' = '${objectId}'
              and status in ('processed', 'ignored', 'dead') order by received_at desc`,
        )
      )[0],
    `${type} of ${objectId} handled`,
    pipelineState(p),
  );

const audits = (tenant: TestTenant, action: string) =>
  systemRows<{ data: Record<string, unknown> }>(
    p.t.database,
    `select data from audit_log where tenant_id = '${tenant.id}' and action = '${action}' order by created_at`,
  );

beforeAll(async () => {
  p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'express' });
  free = await defaultFreePlan(p.t);
  pro = await paidPlan(p.t, p.stripe, { name: 'Pro', amount: 2900 });
  team = await paidPlan(p.t, p.stripe, { name: 'Team', amount: 9900 });
});
afterAll(() => p?.close());

describe("a tenant's plan", () => {
  it('starts on the default plan; a plan change needs the platform and an Idempotency-Key', async () => {
    const a = await createTestTenant(p.t);
    expect(await billing(a)).toMatchObject({
      object: 'tenant_billing',
      tenant: a.publicId,
      plan: { id: toPublicId('plan', free.id), lookup_key: free.lookupKey },
      state: 'active',
      interval: 'month',
      currency: null,
      trial_end: null,
      cancel_at_period_end: false,
    });
    const b = await billing(a);
    expect(b.current_period_end).toBeGreaterThan(b.current_period_start);
    expect(
      (await setPlan(a, { plan: pro.lookupKey, currency: 'usd', interval: 'month' }, null)).json().error,
    ).toMatchObject({ code: 'idempotency_key_required' });
    expect(
      (await setPlan(a, { plan: pro.lookupKey, currency: 'usd', interval: 'month' }, a.key)).statusCode,
    ).toBe(403);
    expect((await setPlan(a, { plan: 'plan_nope' })).json().error).toMatchObject({
      code: 'resource_missing',
      param: 'plan',
    });
    expect((await setPlan(a, { plan: pro.lookupKey })).json().error).toMatchObject({
      code: 'parameter_missing',
      param: 'currency',
    });
    expect(
      (await setPlan(a, { plan: pro.lookupKey, currency: 'eur', interval: 'month' })).json().error,
    ).toMatchObject({ code: 'parameter_invalid', param: 'currency' });
  });

  it('a paid plan: customer and subscription on the platform account; its invoice paid is not a tenant payment', async () => {
    const a = await createTestTenant(p.t);
    await sessionFor(p.t, a, `owner-${a.id.slice(0, 8)}@example.com`, 'owner');
    const r = await setPlan(a, { plan: toPublicId('plan', pro.id), currency: 'USD', interval: 'month' });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      plan: { lookup_key: pro.lookupKey },
      currency: 'usd',
      interval: 'month',
    });
    const mine = await row(a);
    expect(mine.stripe_customer_id).toMatch(/^cus_/);
    expect(mine.limits_version).toBe(2);

    const customer = await p.stripe.customers.retrieve(mine.stripe_customer_id!);
    // no verified billing contact: an owner's address
    expect((customer as { email: string }).email).toBe(`owner-${a.id.slice(0, 8)}@example.com`);
    expect((customer as { metadata: Record<string, string> }).metadata).toMatchObject({
      tributary_kind: 'platform_plan',
      tributary_tenant_id: a.publicId,
    });
    const sub = await p.stripe.subscriptions.retrieve(mine.stripe_subscription_id!);
    expect(sub.items.data.map((i) => i.price.id).sort()).toEqual(
      [pro.stripePriceId, pro.overageStripePriceId].sort(),
    );
    expect(sub.metadata).toMatchObject({
      tributary_kind: 'platform_plan',
      tributary_plan_id: toPublicId('plan', pro.id),
    });

    // the tenant pays its first plan invoice
    const invoiceId = typeof sub.latest_invoice === 'string' ? sub.latest_invoice : sub.latest_invoice!.id!;
    await p.stripe.invoices.pay(invoiceId, { payment_method: 'pm_card_visa' });
    const paid = await handled('invoice.paid', invoiceId);
    expect(paid).toMatchObject({ tenant_id: a.id, status: 'processed', account: null });
    await waitFor(async () => (await row(a)).stripe_status === 'active' || null, 'subscription active');
    expect((await billing(a)).state).toBe('active');
    expect(await audits(a, 'billing.invoice_paid')).toHaveLength(1);
    expect(await audits(a, 'billing.plan_changed')).toHaveLength(1);

    // the operator replays it: billing again, recorded once
    const replay = await p.t.app.inject({
      method: 'POST',
      url: `/v1/events/${paid.id}/replay`,
      headers: bearer(p.t.platformKey),
    });
    expect(replay.statusCode, replay.body).toBe(200);
    await waitFor(
      async () =>
        (
          await systemRows<{ n: number }>(
            p.t.database,
            `select count(*)::int as n from stripe_event_attempts
              where event_id = '${paid.id}' and outcome = 'processed' and tenant_id = '${a.id}'`,
          )
        )[0]!.n >= 2 || null,
      'the replay processed',
      pipelineState(p),
    );
    expect(await audits(a, 'billing.invoice_paid')).toHaveLength(1);
    expect(Number(await tenantMoneyRows(a))).toBe(0);
    const payments = await tenantApi(p.t, a)('GET', '/payments');
    expect(payments.json().data).toEqual([]);
  });

  it('a failed plan invoice: past_due, still no tenant payment', async () => {
    const a = await createTestTenant(p.t);
    expect((await setPlan(a, { plan: pro.lookupKey, currency: 'usd', interval: 'month' })).statusCode).toBe(
      200,
    );
    const mine = await row(a);
    const sub = await p.stripe.subscriptions.retrieve(mine.stripe_subscription_id!);
    const invoiceId = typeof sub.latest_invoice === 'string' ? sub.latest_invoice : sub.latest_invoice!.id!;
    await expect(
      p.stripe.invoices.pay(invoiceId, { payment_method: 'pm_card_chargeDeclined' }),
    ).rejects.toThrow();
    const failed = await handled('invoice.payment_failed', invoiceId);
    expect(failed).toMatchObject({ tenant_id: a.id, status: 'processed' });
    expect(await audits(a, 'billing.invoice_payment_failed')).toHaveLength(1);
    expect((await billing(a)).state).toBe('past_due');
    expect(Number(await tenantMoneyRows(a))).toBe(0);

    // never paid: another plan replaces the subscription (Stripe takes no item change on an incomplete one)
    const moved = await setPlan(a, { plan: team.lookupKey, currency: 'usd', interval: 'month' });
    expect(moved.statusCode, moved.body).toBe(200);
    const after = await row(a);
    expect(after.stripe_subscription_id).not.toBe(mine.stripe_subscription_id);
    expect((await p.stripe.subscriptions.retrieve(mine.stripe_subscription_id!)).status).toBe('canceled');
    const replaced = await p.stripe.subscriptions.retrieve(after.stripe_subscription_id!);
    expect(replaced.items.data.map((i) => i.price.id).sort()).toEqual(
      [team.stripePriceId, team.overageStripePriceId].sort(),
    );
  });

  it('another paid plan swaps the items (one subscription); a free plan cancels it at once', async () => {
    const a = await createTestTenant(p.t);
    await setPlan(a, { plan: pro.lookupKey, currency: 'usd', interval: 'month' });
    const first = await row(a);
    const made = await p.stripe.subscriptions.retrieve(first.stripe_subscription_id!);
    await p.stripe.invoices.pay(String(made.latest_invoice), { payment_method: 'pm_card_visa' });
    await waitFor(async () => (await row(a)).stripe_status === 'active' || null, 'subscription active');
    const r = await setPlan(a, { plan: team.lookupKey, currency: 'usd', interval: 'month' });
    expect(r.statusCode, r.body).toBe(200);
    const second = await row(a);
    expect(second.stripe_subscription_id).toBe(first.stripe_subscription_id);
    expect((await row(a)).limits_version).toBe(first.limits_version + 1);
    const swapped = await p.stripe.subscriptions.retrieve(second.stripe_subscription_id!);
    expect(swapped.items.data.map((i) => i.price.id).sort()).toEqual(
      [team.stripePriceId, team.overageStripePriceId].sort(),
    );

    const back = await setPlan(a, { plan: free.lookupKey });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({
      plan: { lookup_key: free.lookupKey },
      state: 'active',
      currency: null,
    });
    const canceled = await p.stripe.subscriptions.retrieve(first.stripe_subscription_id!);
    expect(canceled.status).toBe('canceled');
    // the unused time of the paid plan is credited on a final invoice at once
    const invoices = await p.stripe.invoices.list({ subscription: canceled.id });
    const credited = invoices.data.filter((i) => i.lines.data.some((l) => l.amount < 0));
    expect(credited.length).toBeGreaterThan(0);
    const third = await row(a);
    expect(third).toMatchObject({ plan_id: free.id, stripe_subscription_id: null });
    expect(third.stripe_customer_id).toBe(first.stripe_customer_id);
    // the cancellation's event comes back and changes nothing more
    await handled('customer.subscription.deleted', first.stripe_subscription_id!);
    expect(await row(a)).toMatchObject({ plan_id: free.id, stripe_subscription_id: null, state: 'active' });
    expect(Number(await tenantMoneyRows(a))).toBe(0);
  });
});

describe('a plan change whose answer was lost', () => {
  it('a retry after the row moved keeps one subscription: the one Stripe made is adopted, not doubled', async () => {
    const a = await createTestTenant(p.t);
    // no card: the first subscription waits for its invoice (incomplete)
    expect((await setPlan(a, { plan: pro.lookupKey, currency: 'usd', interval: 'month' })).statusCode).toBe(
      200,
    );
    const first = await row(a);
    expect(first.stripe_status).toBe('incomplete');
    // the database fails after Stripe said yes to the change to Team
    const fn = `fail_${a.id.replace(/-/g, '')}`;
    await ownerSql(
      p.t.database,
      `create function ${fn}() returns trigger language plpgsql as $$ begin
         if new.tenant_id = '${a.id}' and new.plan_id = '${team.id}' then raise exception 'connection lost'; end if;
         return new; end $$;
       create trigger ${fn} before update on tenant_billing for each row execute function ${fn}()`,
    );
    const lost = await setPlan(a, { plan: team.lookupKey, currency: 'usd', interval: 'month' });
    expect(lost.statusCode).toBe(500);
    // the replaced subscription's end comes back and moves the row (to the default plan)
    await handled('customer.subscription.deleted', first.stripe_subscription_id!);
    await waitFor(async () => (await row(a)).stripe_subscription_id === null || null, 'row moved');
    await ownerSql(p.t.database, `drop trigger ${fn} on tenant_billing; drop function ${fn}()`);
    const retry = await setPlan(a, { plan: team.lookupKey, currency: 'usd', interval: 'month' });
    expect(retry.statusCode, retry.body).toBe(200);
    const now = await row(a);
    const subs = await p.stripe.subscriptions.list({ customer: now.stripe_customer_id!, status: 'all' });
    const open = subs.data.filter((s) => !['canceled', 'incomplete_expired'].includes(s.status));
    expect(open.map((s) => s.id)).toEqual([now.stripe_subscription_id]);
    expect(now.plan_id).toBe(team.id);
  });
});

describe("the operator's tenant list", () => {
  it("shows each tenant's plan and billing state; a tenant's own key sees no billing there", async () => {
    const paying = await createTestTenant(p.t, 'Paying');
    const fresh = await createTestTenant(p.t, 'Fresh');
    await setPlan(paying, { plan: pro.lookupKey, currency: 'usd', interval: 'month' });
    const list = await p.t.app.inject({
      method: 'GET',
      url: '/v1/tenants?limit=100',
      headers: bearer(p.t.platformKey),
    });
    expect(list.statusCode, list.body).toBe(200);
    const byId = new Map(list.json().data.map((t: { id: string }) => [t.id, t]));
    expect(byId.get(paying.publicId)).toMatchObject({
      billing: {
        plan: { id: toPublicId('plan', pro.id), lookup_key: pro.lookupKey, name: 'Pro' },
        state: 'past_due',
      },
    });
    // no billing row yet: the default plan, and the list made none
    expect(byId.get(fresh.publicId)).toMatchObject({
      billing: { plan: { lookup_key: free.lookupKey }, state: 'active' },
    });
    expect(
      await systemRows(p.t.database, `select 1 from tenant_billing where tenant_id = '${fresh.id}'`),
    ).toEqual([]);
    const own = await p.t.app.inject({ method: 'GET', url: '/v1/tenants', headers: bearer(fresh.key) });
    expect(own.json().data[0]).not.toHaveProperty('billing');
  });
});

describe("a tenant's own objects tagged as plan billing stay its own", () => {
  let b: TestTenant;
  let acct: string;
  beforeAll(async () => {
    b = await createTestTenant(p.t, 'Tags its own invoices');
    acct = await connectTenant(p.t, b);
    // its billing row exists (on the default plan) before its own objects' events come
    await billing(b);
  });

  it("an Express-like tenant's destination subscription on the platform, tagged platform_plan", async () => {
    const api = tenantApi(p.t, b);
    const customer = (await api('POST', '/customers', { email: 'buyer@example.com' })).json();
    await api('POST', `/customers/${customer.id}/setup_intents`, { payment_method: 'pm_card_visa' });
    const product = (await api('POST', '/products', { name: 'Seat' })).json();
    const price = (
      await api('POST', '/prices', { product: product.id, unit_amount: 1500, interval: 'month' })
    ).json();
    const made = await api('POST', '/subscriptions', { customer: customer.id, price: price.id });
    expect(made.statusCode, made.body).toBe(200);
    const stripeSub = made.json().stripe.subscription as string;
    // someone with the platform's Stripe dashboard writes the reserved tags on the tenant's objects
    const sub = await p.stripe.subscriptions.update(stripeSub, {
      metadata: { tributary_kind: 'platform_plan', tributary_tenant_id: b.publicId },
    });
    const invoiceId = typeof sub.latest_invoice === 'string' ? sub.latest_invoice : sub.latest_invoice!.id!;
    await p.stripe.invoices.update(invoiceId, { metadata: { tributary_kind: 'platform_plan' } });
    const updated = await handled('invoice.updated', invoiceId);
    expect(updated).toMatchObject({ tenant_id: b.id, status: 'processed', account: null });
    await handled('customer.subscription.updated', stripeSub);
    // its own payment and subscription invoice (the payment's own events may land after those waited on
    // above), and no plan state at all
    await waitFor(
      async () => ((await api('GET', '/payments')).json().data.length > 0 ? true : null),
      "the tenant's payment",
    );
    expect(Number(await tenantMoneyRows(b))).toBeGreaterThan(0);
    expect(await row(b)).toMatchObject({
      plan_id: free.id,
      stripe_customer_id: null,
      stripe_subscription_id: null,
    });
    expect(await audits(b, 'billing.invoice_paid')).toHaveLength(0);
  });

  it("a platform subscription of a stranger's customer naming the tenant in its metadata routes nowhere", async () => {
    const before = await row(b);
    const stranger = await p.stripe.customers.create({
      email: 'stranger@example.com',
      metadata: { tributary_kind: 'platform_plan', tributary_tenant_id: b.publicId },
    });
    const forged = await p.stripe.subscriptions.create({
      customer: stranger.id,
      items: [{ price: pro.stripePriceId! }],
      payment_behavior: 'default_incomplete',
      metadata: {
        tributary_kind: 'platform_plan',
        tributary_tenant_id: b.publicId,
        tributary_plan_id: toPublicId('plan', team.id),
      },
    });
    const created = await handled('customer.subscription.created', forged.id);
    expect(created).toMatchObject({ tenant_id: null, account: null });
    expect(await row(b)).toEqual(before);
  });

  it("an invoice on the tenant's connected account, tagged platform_plan, paid", async () => {
    const opts = { stripeAccount: acct };
    const customer = await p.stripe.customers.create({ email: 'direct@example.com' }, opts);
    await p.stripe.invoiceItems.create({ customer: customer.id, amount: 4200, currency: 'usd' }, opts);
    const inv = await p.stripe.invoices.create(
      {
        customer: customer.id,
        pending_invoice_items_behavior: 'include',
        metadata: { tributary_kind: 'platform_plan', tributary_tenant_id: b.publicId },
      },
      opts,
    );
    await p.stripe.invoices.finalizeInvoice(inv.id!, {}, opts);
    await p.stripe.invoices.pay(inv.id!, { payment_method: 'pm_card_visa' }, opts);
    const paid = await handled('invoice.paid', inv.id!);
    expect(paid).toMatchObject({ tenant_id: b.id, account: acct, status: 'processed' });
    expect(await row(b)).toMatchObject({ plan_id: free.id, stripe_customer_id: null, state: 'active' });
    expect(await audits(b, 'billing.invoice_paid')).toHaveLength(0);
  });
});
