import type Stripe from 'stripe';
import { expect } from 'vitest';
import { tenantBilling } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import type { TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/webhooks.ts';

/**
 * The worked example's setting, for the API's tests and the Billing page's: plans made through the operator's
 * API, and a tenant on one of them since Apr 1 2027 on a sandbox test clock (its first invoice paid by card).
 */

export const APR_1 = 1806537600; // 2027-04-01T00:00:00Z
export const APR_16 = 1807833600; // 2027-04-16T00:00:00Z
export const MAY_1 = 1809129600; // 2027-05-01T00:00:00Z

export interface ClockSetting {
  stripe: Stripe;
  database: TestApp['database'];
  /** a POST as the platform (a fresh Idempotency-Key each): its status and body */
  post: (url: string, body: object) => Promise<{ status: number; body: string }>;
}

/**
 * A plan sold monthly in `currency` (USD; yearly too at `yearly`), a hard payment-volume limit, `sso` on
 * Enterprise.
 */
export async function apiPlan(
  s: ClockSetting,
  o: { name: string; amount: number; suffix: string; trialDays?: number; yearly?: number; currency?: string },
): Promise<string> {
  const currency = o.currency ?? 'usd';
  const res = await s.post('/v1/billing/plans', {
    name: o.name,
    lookup_key: `${o.name.toLowerCase()}_${o.suffix}`,
    prices: [
      { currency, interval: 'month', unit_amount: o.amount },
      ...(o.yearly ? [{ currency, interval: 'year', unit_amount: o.yearly }] : []),
    ],
    limits: [{ metric: 'payment_volume', currency, limit: o.amount * 500, enforcement: 'hard' }],
    features: { sso: o.name === 'Enterprise' },
    ...(o.trialDays ? { trial_days: o.trialDays } : {}),
  });
  expect(res.status, res.body).toBe(200);
  return JSON.parse(res.body).id as string;
}

export async function advanceClock(stripe: Stripe, clock: string, to: number): Promise<void> {
  await stripe.testHelpers.testClocks.advance(clock, { frozen_time: to });
  await waitFor(
    async () => (await stripe.testHelpers.testClocks.retrieve(clock)).status === 'ready' || null,
    'the clock ready',
  );
}

/** The tenant's billing customer on the platform, on a test clock, with a card as its default. */
export async function billingCustomer(
  s: ClockSetting,
  tenantPublicId: string,
  planId: string,
  clock: string,
  card: string | null = 'pm_card_visa',
): Promise<string> {
  const cus = await s.stripe.customers.create({
    name: tenantPublicId,
    metadata: { tributary_kind: 'platform_plan' },
    test_clock: clock,
  });
  if (card) {
    const pm = await s.stripe.paymentMethods.attach(card, { customer: cus.id });
    await s.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
  }
  const tenantId = fromPublicId('tenant', tenantPublicId)!;
  await withTenant(s.database.db, tenantId, (tx) =>
    tx.insert(tenantBilling).values({
      tenantId,
      planId: fromPublicId('plan', planId)!,
      periodStart: new Date(APR_1 * 1000),
      periodEnd: new Date(MAY_1 * 1000),
      stripeCustomerId: cus.id,
    }),
  );
  return cus.id;
}

/**
 * The tenant on `planId` monthly (in `currency`, USD) since Apr 1 2027, its first invoice paid by card, its
 * clock then at `at`.
 */
export async function onPlanSince(
  s: ClockSetting,
  tenantPublicId: string,
  planId: string,
  at: number,
  currency = 'usd',
): Promise<{ clock: string; customer: string }> {
  const clock = await s.stripe.testHelpers.testClocks.create({ frozen_time: APR_1 });
  const customer = await billingCustomer(s, tenantPublicId, planId, clock.id);
  const res = await s.post(`/v1/tenants/${tenantPublicId}/billing/plan`, {
    plan: planId,
    interval: 'month',
    currency,
  });
  expect(res.status, res.body).toBe(200);
  await waitFor(async () => {
    const list = await s.stripe.invoices.list({ customer, limit: 10 });
    return list.data.some((i) => i.status === 'paid') || null;
  }, 'the first invoice paid');
  if (at !== APR_1) await advanceClock(s.stripe, clock.id, at);
  return { clock: clock.id, customer };
}

/** Every invoice and charge of the customer: what a refused acceptance must leave as it was. */
export const moneyOf = async (stripe: Stripe, customer: string) => ({
  invoices: (await stripe.invoices.list({ customer, limit: 100 })).data.map((i) => [i.id, i.status]),
  charges: (await stripe.charges.list({ customer, limit: 100 })).data.map((c) => c.id),
});
