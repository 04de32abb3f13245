import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantBilling } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { bearer, createTestTenant, sessionFor, type TestTenant } from '../helpers/app.ts';
import { connectTenant, paidPayment, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';

interface Alert {
  metric: string;
  threshold: number;
  limit: number;
  used: number;
  limits_version?: number;
}
interface Entitlements {
  plan: { lookup_key: string } | null;
  metrics: Record<string, { limit: number; used: number; percent: number; remaining: number }>;
  alerts: Alert[];
}

/**
 * The worked example end to end: Pro with a soft payment_volume limit of $50,000 and 0.5 % overage;
 * the tenant's real payments on its connected account count as usage through the webhook pipeline; alerts
 * at 80 % and 100 % fire once and re-base on an upgrade to Enterprise ($250,000); the overage of a period
 * reaches the platform's invoice on the tenant's test clock through the Stripe meter.
 */
describe('platform billing: the worked example', () => {
  let p: Pipeline;
  const lookup = randomUUID().slice(0, 6);

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

  async function plan(name: string, amount: number, limit: number): Promise<string> {
    const res = await platform('POST', '/v1/billing/plans', {
      name,
      lookup_key: `${name.toLowerCase()}_${lookup}`,
      prices: [{ currency: 'usd', interval: 'month', unit_amount: amount }],
      limits: [
        {
          metric: 'payment_volume',
          currency: 'usd',
          limit,
          enforcement: 'soft',
          overage_unit_amount_decimal: '0.005',
        },
      ],
      features: { sso: name === 'Enterprise' },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().id as string;
  }

  /** The tenant's billing customer on the platform, with a card (and a test clock, when given). */
  async function billingCustomer(tenant: TestTenant, planId: string, clock?: string): Promise<string> {
    const cus = await p.stripe.customers.create({
      name: tenant.publicId,
      metadata: { tributary_kind: 'platform_plan' },
      ...(clock ? { test_clock: clock } : {}),
    });
    const pm = await p.stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
    await p.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
    const now = new Date();
    await withTenant(p.t.database.db, tenant.id, (tx) =>
      tx.insert(tenantBilling).values({
        tenantId: tenant.id,
        planId: fromPublicId('plan', planId)!,
        periodStart: now,
        periodEnd: new Date(now.getTime() + 30 * 86400_000),
        stripeCustomerId: cus.id,
      }),
    );
    return cus.id;
  }

  async function subscribe(tenant: TestTenant, planId: string) {
    const res = await platform('POST', `/v1/tenants/${tenant.publicId}/billing/plan`, {
      plan: planId,
      interval: 'month',
      currency: 'usd',
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  const entitlements = async (tenant: TestTenant): Promise<Entitlements> => {
    const res = await tenantApi(p.t, tenant)('GET', '/entitlements');
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const volumeReaches = (tenant: TestTenant, used: number) =>
    waitFor(async () => {
      const e = await entitlements(tenant);
      return e.metrics.payment_volume?.used === used ? e : null;
    }, `payment_volume ${used}`);

  let pro: string;
  let enterprise: string;

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
    pro = await plan('Pro', 10_000, 5_000_000);
    enterprise = await plan('Enterprise', 50_000, 25_000_000);
  });
  afterAll(() => p?.close());

  it('80 % fires once, re-bases on the upgrade, and fires again against the new limit', async () => {
    const tenant = await createTestTenant(p.t, 'Worked example A');
    await connectTenant(p.t, tenant);
    await billingCustomer(tenant, pro);
    await subscribe(tenant, pro);
    const api = tenantApi(p.t, tenant);

    await paidPayment(api, 'a1@example.com', 'pm_card_visa', 3_900_000);
    expect((await volumeReaches(tenant, 3_900_000)).alerts).toEqual([]);

    await paidPayment(api, 'a2@example.com', 'pm_card_visa', 200_000);
    const at41k = await volumeReaches(tenant, 4_100_000);
    expect(at41k.alerts.map((a) => [a.threshold, a.limit])).toEqual([[80, 5_000_000]]);

    await paidPayment(api, 'a3@example.com', 'pm_card_visa', 100_000);
    expect((await volumeReaches(tenant, 4_200_000)).alerts).toHaveLength(1);

    await subscribe(tenant, enterprise);
    const upgraded = await entitlements(tenant);
    expect(upgraded.plan?.lookup_key).toBe(`enterprise_${lookup}`);
    expect(upgraded.metrics.payment_volume).toMatchObject({
      limit: 25_000_000,
      used: 4_200_000,
      percent: 16.8,
    });

    await paidPayment(api, 'a4@example.com', 'pm_card_visa', 17_000_000);
    const at212k = await volumeReaches(tenant, 21_200_000);
    const fired = at212k.alerts.map((a) => [a.threshold, a.limit]).sort((x, y) => x[1]! - y[1]!);
    expect(fired).toEqual([
      [80, 5_000_000],
      [80, 25_000_000],
    ]);
    const outbound = await systemRows<{ type: string }>(
      p.t.database,
      `select type from outbound_events where tenant_id = '${tenant.id}' and type = 'tenant.usage.threshold_reached'`,
    );
    expect(outbound).toHaveLength(2);
    const mails = await systemRows<{ template: string }>(
      p.t.database,
      `select template from notifications where tenant_id = '${tenant.id}' and template like 'usage%'`,
    );
    expect(mails.length).toBeGreaterThanOrEqual(2);
  });

  it('on Pro, $39,000 → $51,000 fires 80 % then 100 %, and the $1,000 over is $5.00 on the next invoice', async () => {
    const tenant = await createTestTenant(p.t, 'Worked example B');
    await connectTenant(p.t, tenant);
    const clock = await p.stripe.testHelpers.testClocks.create({
      frozen_time: Math.floor(Date.now() / 1000),
    });
    const customer = await billingCustomer(tenant, pro, clock.id);
    await subscribe(tenant, pro);
    const api = tenantApi(p.t, tenant);

    await paidPayment(api, 'b1@example.com', 'pm_card_visa', 3_900_000);
    await volumeReaches(tenant, 3_900_000);
    await paidPayment(api, 'b2@example.com', 'pm_card_visa', 1_200_000);
    const over = await volumeReaches(tenant, 5_100_000);
    // newest first
    expect(over.alerts.map((a) => a.threshold)).toEqual([100, 80]);
    const order = await systemRows<{ threshold: number }>(
      p.t.database,
      `select (data->>'threshold')::int as threshold from outbound_events
        where tenant_id = '${tenant.id}' and type = 'tenant.usage.threshold_reached' order by created_at, id`,
    );
    expect(order.map((o) => o.threshold)).toEqual([80, 100]);

    // every meter event is at Stripe before the period ends
    await waitFor(async () => {
      const rows = await systemRows<{ pending: number; sent: number }>(
        p.t.database,
        `select count(*) filter (where status <> 'sent')::int as pending, count(*)::int as sent
           from meter_reports where tenant_id = '${tenant.id}'`,
      );
      return rows[0]!.pending === 0 && rows[0]!.sent > 0 ? true : null;
    }, 'meter reports sent');

    const [row] = await withTenant(p.t.database.db, tenant.id, (tx) => tx.select().from(tenantBilling));
    const sub = await p.stripe.subscriptions.retrieve(row!.stripeSubscriptionId!);
    const end = sub.items.data[0]!.current_period_end;
    await p.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: end + 3600 });
    const renewal = await waitFor(async () => {
      const list = await p.stripe.invoices.list({ customer, limit: 10 });
      return list.data.find((i) => i.billing_reason === 'subscription_cycle') ?? null;
    }, 'renewal invoice');
    const lines = await p.stripe.invoices.listLineItems(renewal.id!, { limit: 10 });
    const amounts = lines.data.map((l) => l.amount).sort((a, b) => a - b);
    expect(amounts).toEqual([500, 10_000]);
  });

  it('a refund after the limit is a negative meter event: the invoice bills the net overage', async () => {
    const tenant = await createTestTenant(p.t, 'Worked example C');
    await connectTenant(p.t, tenant);
    const clock = await p.stripe.testHelpers.testClocks.create({
      frozen_time: Math.floor(Date.now() / 1000),
    });
    const customer = await billingCustomer(tenant, pro, clock.id);
    await subscribe(tenant, pro);
    const api = tenantApi(p.t, tenant);
    await paidPayment(api, 'c1@example.com', 'pm_card_visa', 5_000_000);
    // counted before the next payment: the pipeline may apply two payments' events in either order
    await volumeReaches(tenant, 5_000_000);
    const { payment } = await paidPayment(api, 'c2@example.com', 'pm_card_visa', 300_000);
    await volumeReaches(tenant, 5_300_000);
    const refund = await api('POST', `/payments/${payment.id}/refunds`, { amount: 200_000 });
    expect(refund.statusCode, refund.body).toBe(200);
    await volumeReaches(tenant, 5_100_000);
    const sent = await waitFor(async () => {
      const rows = await systemRows<{ value: string; status: string }>(
        p.t.database,
        `select value::text, status from meter_reports where tenant_id = '${tenant.id}' order by created_at`,
      );
      return rows.length === 3 && rows.every((r) => r.status === 'sent') ? rows : null;
    }, 'meter reports sent');
    expect(sent.map((r) => Number(r.value))).toEqual([5_000_000, 300_000, -200_000]);

    const [row] = await withTenant(p.t.database.db, tenant.id, (tx) => tx.select().from(tenantBilling));
    const sub = await p.stripe.subscriptions.retrieve(row!.stripeSubscriptionId!);
    await p.stripe.testHelpers.testClocks.advance(clock.id, {
      frozen_time: sub.items.data[0]!.current_period_end + 3600,
    });
    const renewal = await waitFor(async () => {
      const list = await p.stripe.invoices.list({ customer, limit: 10 });
      return list.data.find((i) => i.billing_reason === 'subscription_cycle') ?? null;
    }, 'renewal invoice');
    const lines = await p.stripe.invoices.listLineItems(renewal.id!, { limit: 10 });
    // $1,000 over the $50,000 limit at 0.5 %
    expect(lines.data.map((l) => l.amount).sort((a, b) => a - b)).toEqual([500, 10_000]);
  });

  it('seats over a soft limit are billed every period, also one in which no member joined or left', async () => {
    const res = await platform('POST', '/v1/billing/plans', {
      name: 'Team',
      lookup_key: `team_${lookup}`,
      prices: [{ currency: 'usd', interval: 'month', unit_amount: 1_000 }],
      limits: [{ metric: 'seats', limit: 1, enforcement: 'soft', overage_unit_amount_decimal: '500' }],
    });
    expect(res.statusCode, res.body).toBe(200);
    const team = res.json().id as string;
    const tenant = await createTestTenant(p.t, 'Seats overage');
    const clock = await p.stripe.testHelpers.testClocks.create({
      frozen_time: Math.floor(Date.now() / 1000),
    });
    const customer = await billingCustomer(tenant, team, clock.id);
    await subscribe(tenant, team);
    for (const who of ['one', 'two', 'three']) await sessionFor(p.t, tenant, `${who}@seats.test`, 'member');

    const renewals = async (n: number) =>
      waitFor(async () => {
        const list = await p.stripe.invoices.list({ customer, limit: 10 });
        const found = list.data.filter((i) => i.billing_reason === 'subscription_cycle');
        return found.length >= n ? found : null;
      }, `${n} renewal invoices`);
    const seatsSent = (n: number) =>
      waitFor(async () => {
        const rows = await systemRows<{ n: number }>(
          p.t.database,
          `select count(*)::int as n from meter_reports where tenant_id = '${tenant.id}' and status = 'sent'`,
        );
        return rows[0]!.n >= n ? true : null;
      }, `${n} seat reports sent`);
    const periodEnd = async () => {
      const [row] = await withTenant(p.t.database.db, tenant.id, (tx) => tx.select().from(tenantBilling));
      return Math.floor(row!.periodEnd.getTime() / 1000);
    };

    await seatsSent(3);
    const firstEnd = await periodEnd();
    await p.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: firstEnd + 3600 });
    await renewals(1);
    // the new period's seats, recorded when the renewal moved the period
    await waitFor(async () => ((await periodEnd()) > firstEnd ? true : null), 'the next period');
    await seatsSent(4);
    await p.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: (await periodEnd()) + 3600 });
    const [second, first] = (await renewals(2)).sort((a, b) => b.created - a.created);
    for (const invoice of [first!, second!]) {
      const lines = await p.stripe.invoices.listLineItems(invoice.id!, { limit: 10 });
      // two seats over the limit of one at $5.00, and the plan's $10.00
      expect(lines.data.map((l) => l.amount).sort((a, b) => a - b)).toEqual([1_000, 1_000]);
    }
  });
});
