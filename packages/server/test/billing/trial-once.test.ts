import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantBilling } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { toPublicId } from '../../src/http/ids.ts';
import { bearer, createTestTenant, type TestTenant } from '../helpers/app.ts';
import { tenantApi } from '../helpers/payments.ts';
import { type Pipeline, startPipeline, waitFor } from '../helpers/webhooks.ts';
import { defaultFreePlan } from './plan-fixtures.ts';
import { APR_1, apiPlan, billingCustomer, type ClockSetting } from './quote-fixtures.ts';

/**
 * One trial per tenant: a tenant that had a trial (on any plan) or paid for a plan gets none on a later
 * subscription, quoted and made without one; a first subscription left `incomplete` and replaced used none.
 * On the sandbox's test clocks through the real pipeline and SDK.
 */

describe('one trial per tenant', () => {
  let p: Pipeline;
  const lookup = randomUUID().slice(0, 6);
  let trial: string;
  let pro: string;
  let free: string;

  const platform = (url: string, payload: object) =>
    p.t.app.inject({
      method: 'POST',
      url,
      headers: { ...bearer(p.t.platformKey), 'idempotency-key': randomUUID() },
      payload,
    });
  const setting = (): ClockSetting => ({
    stripe: p.stripe,
    database: p.t.database,
    post: async (url, body) => {
      const res = await platform(url, body);
      return { status: res.statusCode, body: res.body };
    },
  });
  const quote = async (api: ReturnType<typeof tenantApi>, planId: string) => {
    const res = await api('POST', '/billing/quotes', { plan: planId, interval: 'month' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const rowOf = async (tenant: TestTenant) =>
    (await withTenant(p.t.database.db, tenant.id, (tx) => tx.select().from(tenantBilling)))[0]!;
  /** A tenant on the free plan with a billing customer on a test clock (a card as its default, or none). */
  async function fresh(name: string, card: string | null) {
    const tenant = await createTestTenant(p.t, name);
    const clock = await p.stripe.testHelpers.testClocks.create({ frozen_time: APR_1 });
    const customer = await billingCustomer(setting(), tenant.publicId, free, clock.id, card);
    return { tenant, customer, api: tenantApi(p.t, tenant) };
  }

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
    trial = await apiPlan(setting(), { name: 'Trial', amount: 10_000, suffix: lookup, trialDays: 14 });
    pro = await apiPlan(setting(), { name: 'Pro', amount: 20_000, suffix: lookup });
    free = toPublicId('plan', (await defaultFreePlan(p.t)).id);
  });
  afterAll(() => p?.close());

  it('a trial once: canceled and subscribed again, the quote and the subscription have none and it is charged', async () => {
    const { tenant, customer, api } = await fresh('Trial once', 'pm_card_visa');
    const first = await quote(api, trial);
    expect(first).toMatchObject({ kind: 'new', amount_due: 0, trial_days: 14 });
    expect(first.lines).toMatchObject([{ description: 'Trial (trial)', amount: 0 }]);
    const took = await api('POST', '/billing/subscription', { quote: first.id });
    expect(took.statusCode, took.body).toBe(200);
    expect(took.json()).toMatchObject({
      status: 'applied',
      billing: { plan: { id: trial }, state: 'trialing', trial_end: APR_1 + 14 * 86400 },
    });
    expect((await rowOf(tenant)).trialUsedAt).not.toBeNull();

    // the operator cancels it at once (the free plan), then the tenant subscribes again
    const cancel = await platform(`/v1/tenants/${tenant.publicId}/billing/plan`, { plan: free });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json()).toMatchObject({ plan: { id: free } });

    const again = await quote(api, trial);
    expect(again).toMatchObject({ kind: 'new', amount_due: 10_000, trial_days: 0 });
    expect(again.lines.map((l: { description: string }) => l.description).join()).not.toContain('(trial)');
    const paid = await api('POST', '/billing/subscription', { quote: again.id });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({
      status: 'applied',
      billing: { plan: { id: trial }, state: 'active', trial_end: null },
    });
    const sub = await p.stripe.subscriptions.retrieve((await rowOf(tenant)).stripeSubscriptionId!);
    expect(sub).toMatchObject({ status: 'active', trial_end: null });
    const invoice = await p.stripe.invoices.retrieve(sub.latest_invoice as string);
    expect(invoice).toMatchObject({
      billing_reason: 'subscription_create',
      amount_paid: 10_000,
      status: 'paid',
    });
    // the Stripe subscriptions of the customer: one trial in all
    const all = await p.stripe.subscriptions.list({ customer, status: 'all', limit: 100 });
    expect(all.data.filter((s) => s.trial_end !== null)).toHaveLength(1);

    // canceled again, the operator's own move to the plan makes no trial either
    expect((await platform(`/v1/tenants/${tenant.publicId}/billing/plan`, { plan: free })).statusCode).toBe(
      200,
    );
    const moved = await platform(`/v1/tenants/${tenant.publicId}/billing/plan`, {
      plan: trial,
      interval: 'month',
      currency: 'usd',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ plan: { id: trial }, state: 'active', trial_end: null });
  });

  it('a tenant that paid for a plan gets no trial on another', async () => {
    const { tenant, api } = await fresh('Paid then trial', 'pm_card_visa');
    const onPro = await platform(`/v1/tenants/${tenant.publicId}/billing/plan`, {
      plan: pro,
      interval: 'month',
      currency: 'usd',
    });
    expect(onPro.statusCode, onPro.body).toBe(200);
    expect(onPro.json()).toMatchObject({ plan: { id: pro }, state: 'active' });
    expect((await platform(`/v1/tenants/${tenant.publicId}/billing/plan`, { plan: free })).statusCode).toBe(
      200,
    );
    // Pro's unused month is credited: the first invoice's $100.00 is paid from that credit, no trial
    const q = await quote(api, trial);
    expect(q).toMatchObject({ kind: 'new', amount_due: 0, trial_days: 0 });
    expect(q.lines).toMatchObject([{ description: expect.not.stringContaining('(trial)'), amount: 10_000 }]);
    const took = await api('POST', '/billing/subscription', { quote: q.id });
    expect(took.statusCode, took.body).toBe(200);
    expect(took.json()).toMatchObject({ billing: { plan: { id: trial }, state: 'active', trial_end: null } });
    const sub = await p.stripe.subscriptions.retrieve((await rowOf(tenant)).stripeSubscriptionId!);
    expect(sub).toMatchObject({ status: 'active', trial_end: null });
  });

  it('a first subscription left incomplete and replaced used no trial: the tenant still gets it', async () => {
    const { tenant, customer, api } = await fresh('Incomplete then trial', null);
    // no card: Pro's first invoice waits for the tenant, the subscription incomplete
    const onPro = await platform(`/v1/tenants/${tenant.publicId}/billing/plan`, {
      plan: pro,
      interval: 'month',
      currency: 'usd',
    });
    expect(onPro.statusCode, onPro.body).toBe(200);
    const incomplete = (await rowOf(tenant)).stripeSubscriptionId!;
    expect((await p.stripe.subscriptions.retrieve(incomplete)).status).toBe('incomplete');
    expect((await rowOf(tenant)).trialUsedAt).toBeNull();

    const q = await quote(api, trial);
    expect(q).toMatchObject({ kind: 'new', amount_due: 0, trial_days: 14 });
    const took = await api('POST', '/billing/subscription', { quote: q.id });
    expect(took.statusCode, took.body).toBe(200);
    expect(took.json()).toMatchObject({
      status: 'applied',
      billing: { plan: { id: trial }, state: 'trialing', trial_end: APR_1 + 14 * 86400 },
    });
    // the incomplete one was replaced (canceled), its event changing nothing
    await waitFor(
      async () => ((await p.stripe.subscriptions.retrieve(incomplete)).status === 'canceled' ? true : null),
      'the incomplete subscription canceled',
    );
    const invoices = await p.stripe.invoices.list({ customer, limit: 10 });
    expect(invoices.data.filter((i) => i.amount_paid > 0)).toEqual([]);
  });

  it('two subscribe requests at once: one claims the trial, one subscription', async () => {
    const { tenant, customer } = await fresh('Trial race', 'pm_card_visa');
    const subscribe = () =>
      platform(`/v1/tenants/${tenant.publicId}/billing/plan`, {
        plan: trial,
        interval: 'month',
        currency: 'usd',
      });
    const both = await Promise.all([subscribe(), subscribe()]);
    // the first claims the trial; the second finds it claimed by a change still being made and is refused
    // (409) — never a subscription without the trial under the same key — or comes after and changes nothing
    expect(both.filter((r) => r.statusCode === 200).length, both.map((r) => r.body).join()).toBeGreaterThan(
      0,
    );
    for (const r of both)
      if (r.statusCode !== 200) {
        expect(r.statusCode, r.body).toBe(409);
        expect(r.body).toContain('plan_change_in_progress');
      }
    const all = await p.stripe.subscriptions.list({ customer, status: 'all', limit: 100 });
    expect(all.data).toHaveLength(1);
    expect(all.data[0]).toMatchObject({ status: 'trialing' });
    const row = await rowOf(tenant);
    expect(row).toMatchObject({ stripeSubscriptionId: all.data[0]!.id, stripeStatus: 'trialing' });
    expect(row.trialUsedAt).not.toBeNull();
  });
});
