import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOf } from '../../src/analytics/months.ts';
import { bearer, createTestTenant, type TestTenant } from '../helpers/app.ts';
import { connectTenant, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, waitFor } from '../helpers/webhooks.ts';

/**
 * The platform's fee revenue from Stripe's balance transactions, end to end: real charges with an application
 * fee and real refunds with `refund_application_fee` on the sandbox, their events through the webhook
 * pipeline, and the reports' figures. 1 % + 0.30 on 100.00 is a 1.30 fee; a 40.00 refund that gives the fee
 * back pro rata takes back 0.52, leaving 0.78 — and the same in a zero-decimal and a three-decimal currency.
 */
type Money = { amount: number; currency: string };
type Ratio = { numerator: string; denominator: string; percent: string } | null;
type Row = Record<string, Money | Ratio | number | string>;
type Report = { data: Row[]; definitions: Record<string, string>; as_of: number; tenant: string | null };

const month = monthOf(new Date());
const amountOf = (row: Row | undefined, key: string) => (row?.[key] as Money | undefined)?.amount;

for (const kind of ['standard', 'express'] as const) {
  const direct = kind === 'standard';
  describe(`fee revenue from balance transactions (${kind}-like)`, () => {
    let p: Pipeline;
    let tenant: TestTenant;
    let other: TestTenant;

    beforeAll(async () => {
      p = await startPipeline(
        {
          CONNECT_ACCOUNT_KIND: kind,
          PLATFORM_FEE_BPS: '100',
          PLATFORM_FEE_FIXED: '{"usd":30,"kwd":100}',
          // the example: the application fee is the platform's 1 % + 0.30 alone
          PLATFORM_FEE_PASS_THROUGH: 'false',
        },
        { freshDatabase: true },
      );
      tenant = await createTestTenant(p.t, `Fees ${kind}`);
      other = await createTestTenant(p.t, `Fees other ${kind}`);
      await connectTenant(p.t, tenant);
      await connectTenant(p.t, other);
    });
    afterAll(() => p.close());

    const report = async (path: string, key: string) => {
      const res = await p.t.app.inject({ method: 'GET', url: path, headers: bearer(key) });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as Report;
    };
    const platform = (currency: string) =>
      report(`/v1/analytics/fees?from=${month}&to=${month}&currency=${currency}`, p.t.platformKey);
    const own = (t: TestTenant, currency: string) =>
      report(
        `/v1/tenants/${t.publicId}/analytics/fees?from=${month}&to=${month}&currency=${currency}`,
        t.key,
      );
    const until = (what: string, fn: () => Promise<Row | undefined>, ok: (r: Row) => boolean) =>
      waitFor(
        async () => {
          const r = await fn();
          return r && ok(r) ? r : null;
        },
        what,
        pipelineState(p),
      );

    async function payAndRefund(t: TestTenant, currency: string, amount: number, refund: number) {
      const a = tenantApi(p.t, t);
      const c = (
        await a('POST', '/customers', { email: `fees-${currency}-${t.publicId}@example.com` })
      ).json();
      const saved = await a('POST', `/customers/${c.id}/setup_intents`, { payment_method: 'pm_card_visa' });
      expect(saved.statusCode, saved.body).toBe(200);
      const paid = await a('POST', '/payment_intents', {
        amount,
        currency,
        customer: c.id,
        off_session: true,
      });
      expect(paid.json().status, paid.body).toBe('succeeded');
      const r = await a('POST', `/payments/${paid.json().id}/refunds`, {
        amount: refund,
        refund_application_fee: true,
      });
      expect(r.statusCode, r.body).toBe(200);
      return paid.json() as { id: string; fees: { stripe_fee: number } };
    }

    async function pay(t: TestTenant, currency: string, amount: number) {
      const a = tenantApi(p.t, t);
      const c = (
        await a('POST', '/customers', { email: `pay-${currency}-${t.publicId}@example.com` })
      ).json();
      await a('POST', `/customers/${c.id}/setup_intents`, { payment_method: 'pm_card_visa' });
      const paid = await a('POST', '/payment_intents', {
        amount,
        currency,
        customer: c.id,
        off_session: true,
      });
      expect(paid.json().status, paid.body).toBe('succeeded');
    }

    it('1 % + $0.30 on $100 is $1.30; a $40 refund with the fee takes back $0.52: $0.78', async () => {
      const paid = await payAndRefund(tenant, 'usd', 10_000, 4_000);
      const mine = await until(
        'the fee and its refund booked',
        async () => (await own(tenant, 'usd')).data[0],
        (r) => amountOf(r, 'application_fee_refunds') === 52 && amountOf(r, 'refunded_volume') === 4_000,
      );
      expect(mine).toMatchObject({
        month,
        currency: 'usd',
        payments: 1,
        payment_volume: { amount: 10_000, currency: 'usd' },
        refunds: 1,
        refunded_volume: { amount: 4_000, currency: 'usd' },
        net_volume: { amount: 6_000, currency: 'usd' },
        application_fees: { amount: 130, currency: 'usd' },
        application_fee_refunds: { amount: 52, currency: 'usd' },
        fees_paid: { amount: 78, currency: 'usd' },
        fee_rate: { numerator: '78', denominator: '6000', percent: '1.30' },
        disputes: 0,
      });
      // a tenant's report says nothing of the Stripe fees the platform pays
      expect(mine).not.toHaveProperty('stripe_fees');

      // the platform pays Stripe's fee on a destination charge: its balance transaction's, after the charge
      const stripeFee = direct ? 0 : 320;
      const all = await until(
        "the charge's real Stripe fee known",
        async () => (await platform('usd')).data[0],
        (r) => amountOf(r, 'stripe_fees') === stripeFee && amountOf(r, 'application_fee_refunds') === 52,
      );
      expect(paid.fees.stripe_fee).toBe(320);
      expect(all).toMatchObject({
        gmv: { amount: 6_000, currency: 'usd' },
        application_fees: { amount: 130, currency: 'usd' },
        application_fee_refunds: { amount: 52, currency: 'usd' },
        gross_fee_revenue: { amount: 78, currency: 'usd' },
        stripe_fees: { amount: stripeFee, currency: 'usd' },
        net_fee_revenue: { amount: 78 - stripeFee, currency: 'usd' },
        take_rate: {
          numerator: String(78 - stripeFee),
          denominator: '6000',
          percent: direct ? '1.30' : '-4.03', // −242 ÷ 6000 = −4.0333 %
        },
      });
    });

    it('zero-decimal JPY: 1 % of ¥10,000 is ¥100; a ¥4,000 refund takes back ¥40', async () => {
      await payAndRefund(tenant, 'jpy', 10_000, 4_000);
      const mine = await until(
        'the yen fee refund booked',
        async () => (await own(tenant, 'jpy')).data[0],
        (r) => amountOf(r, 'application_fee_refunds') === 40,
      );
      expect(mine).toMatchObject({
        payment_volume: { amount: 10_000, currency: 'jpy' },
        application_fees: { amount: 100, currency: 'jpy' },
        fees_paid: { amount: 60, currency: 'jpy' },
        net_volume: { amount: 6_000, currency: 'jpy' },
        fee_rate: { percent: '1.00' },
      });
    });

    it('three-decimal KWD: 1 % + 0.100 KWD of 10.000 KWD is 0.200; a 4.000 refund takes back 0.080', async () => {
      await payAndRefund(other, 'kwd', 10_000, 4_000);
      const mine = await until(
        'the dinar fee refund booked',
        async () => (await own(other, 'kwd')).data[0],
        (r) => amountOf(r, 'application_fee_refunds') === 80,
      );
      expect(mine).toMatchObject({
        payment_volume: { amount: 10_000, currency: 'kwd' },
        application_fees: { amount: 200, currency: 'kwd' },
        fees_paid: { amount: 120, currency: 'kwd' },
        fee_rate: { percent: '2.00' },
      });
      // one tenant's report holds only its own figures; the platform's holds every tenant's
      const firstInKwd = (await own(tenant, 'kwd')).data[0];
      expect(firstInKwd).toMatchObject({
        payments: 0,
        fees_paid: { amount: 0, currency: 'kwd' },
        fee_rate: null,
      });
      const all = (await platform('kwd')).data[0];
      expect(all).toMatchObject({ gross_fee_revenue: { amount: 120, currency: 'kwd' }, payments: 1 });
      // the platform's figures tenant by tenant: only the tenant with dinar payments has dinar rows
      const grouped = await report(
        `/v1/analytics/fees?from=${month}&to=${month}&currency=kwd&group_by=tenant`,
        p.t.platformKey,
      );
      expect((grouped as Report & { by_tenant: Row[] }).by_tenant).toEqual([
        expect.objectContaining({
          tenant: other.publicId,
          gross_fee_revenue: { amount: 120, currency: 'kwd' },
        }),
      ]);
    });

    it("disputes: opened, what they withdrew with Stripe's fee, and that fee the platform's on a destination charge", async () => {
      const a = tenantApi(p.t, tenant);
      const c = (await a('POST', '/customers', { email: `disputed-${kind}@example.com` })).json();
      await a('POST', `/customers/${c.id}/setup_intents`, { payment_method: 'pm_card_createDispute' });
      const paid = await a('POST', '/payment_intents', {
        amount: 5_000,
        currency: 'gbp',
        customer: c.id,
        off_session: true,
      });
      expect(paid.json().status, paid.body).toBe('succeeded');
      const mine = await until(
        'the dispute and its withdrawal',
        async () => (await own(tenant, 'gbp')).data[0],
        (r) => r.disputes === 1 && amountOf(r, 'dispute_net') === -6_500,
      );
      expect(mine).toMatchObject({ disputed_amount: { amount: 5_000, currency: 'gbp' }, payments: 1 });
      const all = await until(
        "the charge's Stripe fee known",
        async () => (await platform('gbp')).data[0],
        (r) => direct || amountOf(r, 'stripe_fees')! > 1_500,
      );
      // Stripe's processing fee on the charge and the dispute fee: the platform's on a destination charge
      expect(amountOf(all, 'stripe_fees')).toBe(direct ? 0 : paid.json().fees.stripe_fee + 1_500);
    });

    it('a fee whose own event never comes is read from the platform once its charge is known', async () => {
      // the platform's endpoint stops hearing of application fees being created (a lost event): only the
      // charge's events tell of the fee, and the payments sync reads it from Stripe
      const endpoints = await p.stripe.webhookEndpoints.list();
      const platformEndpoint = endpoints.data.find((e) => !e.url.endsWith('/connect'))!;
      await p.stripe.webhookEndpoints.update(platformEndpoint.id, {
        enabled_events: [
          'payment_intent.created',
          'payment_intent.succeeded',
          'charge.succeeded',
          'charge.updated',
          'application_fee.refunded',
        ],
      });
      await pay(other, 'eur', 20_000);
      const row = await until(
        'the fee booked from the charge',
        async () => (await own(other, 'eur')).data[0],
        (r) => amountOf(r, 'application_fees') === 200,
      );
      expect(row).toMatchObject({ payments: 1, fees_paid: { amount: 200, currency: 'eur' } });
    });
  });
}
