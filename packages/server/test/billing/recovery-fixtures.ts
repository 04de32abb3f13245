import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { platformInvoices, tenantBilling } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { bearer, createTestTenant, type TestTenant } from '../helpers/app.ts';
import { type Pipeline, systemRows, waitFor } from '../helpers/webhooks.ts';

// A tenant whose plan renewal failed, on the sandbox's test clocks through the real pipeline: Pro $100/month
// from Apr 1 2027 paid by a card that declines every charge from then on, a second good card saved beside
// it, and the clock past May 1 so the renewal invoice is open and failed (mirrored by its webhooks, its
// dunning case opened). Its dunning state is set by the test (the engine's part).

export const APR_1 = 1806537600; // 2027-04-01T00:00:00Z
export const MAY_1_3AM = 1809129600 + 3 * 3600;

export async function recoveryPlan(p: Pipeline, name = 'Pro'): Promise<string> {
  const res = await p.t.app.inject({
    method: 'POST',
    url: '/v1/billing/plans',
    headers: { ...bearer(p.t.platformKey), 'idempotency-key': randomUUID() },
    payload: {
      name,
      lookup_key: `${name.toLowerCase()}_${randomUUID().slice(0, 6)}`,
      prices: [{ currency: 'usd', interval: 'month', unit_amount: 10_000 }],
    },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().id as string;
}

export interface InDunning {
  tenant: TestTenant;
  customer: string;
  clock: string;
  /** the failed renewal invoice, open */
  invoice: string;
  declining: string;
  good: string;
}

/** A tenant on `plan` whose May renewal failed, in `state`, with `extraCard` saved beside the declining one. */
export async function tenantInDunning(
  p: Pipeline,
  plan: string,
  opts: { name: string; state?: 'past_due' | 'warning' | 'suspended'; extraCard?: string },
): Promise<InDunning> {
  const tenant = await createTestTenant(p.t, opts.name);
  const clock = await p.stripe.testHelpers.testClocks.create({ frozen_time: APR_1 });
  const cus = await p.stripe.customers.create({
    name: tenant.publicId,
    metadata: { tributary_kind: 'platform_plan' },
    test_clock: clock.id,
  });
  const first = await p.stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
  await p.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: first.id } });
  await withTenant(p.t.database.db, tenant.id, (tx) =>
    tx.insert(tenantBilling).values({
      tenantId: tenant.id,
      planId: fromPublicId('plan', plan)!,
      periodStart: new Date(APR_1 * 1000),
      periodEnd: new Date((APR_1 + 30 * 86_400) * 1000),
      stripeCustomerId: cus.id,
    }),
  );
  const res = await p.t.app.inject({
    method: 'POST',
    url: `/v1/tenants/${tenant.publicId}/billing/plan`,
    headers: { ...bearer(p.t.platformKey), 'idempotency-key': randomUUID() },
    payload: { plan, interval: 'month', currency: 'usd' },
  });
  expect(res.statusCode, res.body).toBe(200);
  await waitFor(async () => {
    const list = await p.stripe.invoices.list({ customer: cus.id, limit: 10 });
    return list.data.some((i) => i.status === 'paid') || null;
  }, 'the first invoice paid');
  // from now on the default card declines; a good one waits beside it
  const declining = await p.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: cus.id });
  await p.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: declining.id } });
  await p.stripe.paymentMethods.detach(first.id);
  const good = await p.stripe.paymentMethods.attach(opts.extraCard ?? 'pm_card_mastercard', {
    customer: cus.id,
  });
  await p.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: MAY_1_3AM });
  await waitFor(
    async () => (await p.stripe.testHelpers.testClocks.retrieve(clock.id)).status === 'ready' || null,
    'the clock ready',
  );
  const failed = await waitFor(async () => {
    const list = await p.stripe.invoices.list({ customer: cus.id, status: 'open', limit: 10 });
    return list.data.find((i) => i.attempt_count > 0) ?? null;
  }, 'the renewal invoice failed');
  // mirrored by its webhooks, as the recovery page reads it
  await waitFor(
    () =>
      withTenant(p.t.database.db, tenant.id, async (tx) => {
        const [r] = await tx.select().from(platformInvoices).where(eq(platformInvoices.id, failed.id!));
        return r?.status === 'open' && r.amountRemaining > 0;
      }),
    'the failed invoice mirrored',
  );
  // the case dunning opened for it: what the recovery page lists and pays
  await waitFor(
    async () =>
      (
        await systemRows<{ id: string }>(
          p.t.database,
          `select id from dunning_cases where tenant_id = '${tenant.id}' and stripe_invoice_id = '${failed.id}'`,
        )
      ).length > 0,
    'the dunning case opened',
  );
  // the subscription's own sync first (past due), so it cannot land on the dunning state set next
  await waitFor(
    () =>
      withTenant(p.t.database.db, tenant.id, async (tx) => {
        const [r] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, tenant.id));
        return r?.state === 'past_due' && r.stripeStatus === 'past_due';
      }),
    'the subscription synced as past due',
  );
  await withTenant(p.t.database.db, tenant.id, (tx) =>
    tx
      .update(tenantBilling)
      .set({ state: opts.state ?? 'warning' })
      .where(eq(tenantBilling.tenantId, tenant.id)),
  );
  return {
    tenant,
    customer: cus.id,
    clock: clock.id,
    invoice: failed.id!,
    declining: declining.id,
    good: good.id,
  };
}
