import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { syncCustomer } from '../../src/payments/customers/sync.ts';
import { bearer, createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { authenticate, connectTenant, sandboxStripe, tenantApi } from '../helpers/payments.ts';

/**
 * Charges against the sandbox over real HTTP, for both account kinds: the issue's example — $100.00, a 2.5 %
 * platform fee with Stripe's fee passed through — nets the tenant $94.30 and the platform $2.50 either way.
 */
for (const kind of ['express', 'standard'] as const) {
  describe(`${kind}-like accounts`, () => {
    let t: TestApp;
    let tenant: TestTenant;
    let acct: string;
    let customerId: string;

    beforeAll(async () => {
      t = await startTestApp({
        env: { CONNECT_ACCOUNT_KIND: kind, PLATFORM_FEE_BPS: '250', PLATFORM_FEE_PASS_THROUGH: 'true' },
      });
      tenant = await createTestTenant(t, `Charges ${kind}`);
      acct = await connectTenant(t, tenant);
      const api = tenantApi(t, tenant);
      const c = await api('POST', '/customers', { email: `buyer-${kind}@example.com`, name: 'Buyer' });
      expect(c.statusCode, c.body).toBe(200);
      customerId = c.json().id;
      const saved = await api('POST', `/customers/${customerId}/setup_intents`, {
        payment_method: 'pm_card_visa',
      });
      expect(saved.json()).toMatchObject({ status: 'succeeded', payment_method: { is_default: true } });
    });
    afterAll(() => t.close());

    it('$100 at 2.5 % with pass-through: Stripe fee $3.20, tenant nets $94.30, platform $2.50', async () => {
      const api = tenantApi(t, tenant);
      const res = await api('POST', '/payment_intents', {
        amount: 10_000,
        currency: 'usd',
        customer: customerId,
        off_session: true,
        description: 'Order 1001',
      });
      expect(res.statusCode, res.body).toBe(200);
      const p = res.json();
      expect(p).toMatchObject({
        status: 'succeeded',
        amount: 10_000,
        charge_type: kind === 'standard' ? 'direct' : 'destination',
        account_kind: kind,
        customer: customerId,
        payment_method: { type: 'card', brand: 'visa', last4: '4242' },
        client_secret: null,
        fees: {
          platform_fee: 250,
          stripe_fee: 320,
          application_fee: kind === 'standard' ? 250 : 570,
          stripe_fee_payer: kind === 'standard' ? 'account' : 'platform',
          tenant_net: 9430,
          platform_net: 250,
          final: true,
        },
      });
      expect(p.id).toMatch(/^pay_/);

      // what Stripe holds: the charge type and the money on the connected account
      const stripe = sandboxStripe(t);
      const opts = kind === 'standard' ? { stripeAccount: acct } : undefined;
      const pi = await stripe.paymentIntents.retrieve(p.stripe.payment_intent, {}, opts);
      expect(pi.application_fee_amount).toBe(kind === 'standard' ? 250 : 570);
      expect(pi.metadata).toMatchObject({ tributary_payment: p.id, tributary_tenant: tenant.publicId });
      if (kind === 'express') {
        expect(pi.on_behalf_of).toBe(acct);
        expect(pi.transfer_data?.destination).toBe(acct);
      } else {
        expect(pi.transfer_data).toBeNull();
      }
      const bts = await stripe.balanceTransactions.list({ limit: 5 }, { stripeAccount: acct });
      const tenantBt = bts.data.find((b) => b.amount === 10_000)!;
      expect(tenantBt.net).toBe(9430);

      const detail = await api('GET', `/payments/${p.id}`);
      expect(detail.json().timeline.map((e: { type: string }) => e.type)).toEqual([
        'payment.created',
        'payment.succeeded',
      ]);
    });

    it('the platform sets a tenant override that changes the fee; null goes back to the default', async () => {
      const api = tenantApi(t, tenant);
      const platform = tenantApi(t, tenant, t.platformKey);
      const byTenant = await api('POST', '/fee_schedule', { percent_bps: 0 });
      expect(byTenant.statusCode).toBe(403);
      const set = await platform('POST', '/fee_schedule', {
        percent_bps: 100,
        fixed: { usd: 10 },
        max: { usd: 500 },
      });
      expect(set.json()).toMatchObject({
        percent_bps: 100,
        fixed: { usd: 10 },
        pass_through_stripe_fee: true,
        override: { percent_bps: 100, pass_through_stripe_fee: null },
      });
      const p = (
        await api('POST', '/payment_intents', {
          amount: 10_000,
          currency: 'usd',
          customer: customerId,
          off_session: true,
        })
      ).json();
      expect(p.fees).toMatchObject({ platform_fee: 110, platform_net: 110, tenant_net: 10_000 - 320 - 110 });
      const reset = await platform('POST', '/fee_schedule', { percent_bps: null, fixed: null, max: null });
      expect(reset.json()).toMatchObject({ percent_bps: 250, fixed: {}, max: {} });
    });

    it("the preview's numbers are the charge's, override included; the platform's default is the platform's", async () => {
      const api = tenantApi(t, tenant);
      const platform = tenantApi(t, tenant, t.platformKey);
      // the tenant reads what its own payments cost (as it reads its schedule)
      const byTenant = await api('GET', '/fee_schedule/preview');
      expect(byTenant.statusCode, byTenant.body).toBe(200);
      expect(byTenant.json()).toMatchObject({ amount: 10_000, currency: 'usd' });
      const defaults = await t.app.inject({
        method: 'GET',
        url: '/v1/fee_schedule',
        headers: bearer(t.platformKey),
      });
      expect(defaults.json()).toEqual({
        object: 'platform_fee_schedule',
        percent_bps: 250,
        fixed: {},
        min: {},
        max: {},
        pass_through_stripe_fee: true,
        stripe_pricing: {
          country: 'US',
          rates: expect.objectContaining({
            'US/usd': { percent_bps: 290, fixed: 30 },
            'FR/eur': { percent_bps: 150, fixed: 25 },
          }),
          percent_bps: 290,
          fixed: { usd: 30 },
        },
      });
      const notOurs = await t.app.inject({
        method: 'GET',
        url: '/v1/fee_schedule',
        headers: bearer(tenant.key),
      });
      expect(notOurs.statusCode).toBe(403);

      // the issue's example, by default: $100.00
      expect((await platform('GET', '/fee_schedule/preview')).json()).toMatchObject({
        object: 'fee_preview',
        amount: 10_000,
        currency: 'usd',
        [kind]: {
          platform_fee: 250,
          stripe_fee: 320,
          application_fee: kind === 'standard' ? 250 : 570,
          tenant_net: 9430,
          platform_net: 250,
        },
      });
      // an override with a minimum that binds: the preview and the real charge agree to the cent
      await platform('POST', '/fee_schedule', { percent_bps: 100, fixed: { usd: 10 }, min: { usd: 200 } });
      const preview = (await platform('GET', '/fee_schedule/preview?amount=7300&currency=USD')).json();
      expect(preview.schedule).toMatchObject({ percent_bps: 100, min: { usd: 200 } });
      const paid = await api('POST', '/payment_intents', {
        amount: 7300,
        currency: 'usd',
        customer: customerId,
        off_session: true,
      });
      const charged = paid.json().fees;
      expect(charged).toMatchObject(preview[kind]);
      expect(charged.platform_fee).toBe(200);
      await platform('POST', '/fee_schedule', { percent_bps: null, fixed: null, min: null });

      const bad = await platform('GET', '/fee_schedule/preview?amount=12.5');
      expect(bad.statusCode, bad.body).toBe(400);
      expect(bad.json().error.code).toBe('parameter_invalid');
    });

    it('on-session: no confirmation yet, a client_secret for Stripe.js', async () => {
      const api = tenantApi(t, tenant);
      const res = await api('POST', '/payment_intents', {
        amount: 2500,
        currency: 'usd',
        customer: customerId,
      });
      expect(res.json()).toMatchObject({ status: 'requires_payment_method', failure_code: null });
      expect(res.json().client_secret).toMatch(/_secret_/);
    });

    it('saving a card that needs 3-D Secure on setup: requires_action with the redirect URL', async () => {
      const api = tenantApi(t, tenant);
      const c = (await api('POST', '/customers', { email: 'threeds@example.com' })).json();
      const s = await api('POST', `/customers/${c.id}/setup_intents`, {
        payment_method: 'pm_card_authenticationRequiredOnSetup',
        return_url: 'https://app.example.com/back',
      });
      expect(s.json()).toMatchObject({ status: 'requires_action', payment_method: null });
      expect(s.json().next_action).toMatchObject({ type: 'redirect_to_url' });
      expect(s.json().next_action.url).toContain('/3ds/authenticate/seti_');
      const redirect = await authenticate(s.json().next_action.url, 'complete');
      expect(redirect).toContain('https://app.example.com/back?setup_intent=seti_');
      expect(redirect).toContain('redirect_status=succeeded');
      // the method is stored by the payment_method.attached webhook (test/payments/webhooks.test.ts)
    });

    it('payments are refused until the account can take charges', async () => {
      const other = await createTestTenant(t, `Not connected ${kind}`);
      const api = tenantApi(t, other);
      const none = await api('POST', '/payment_intents', { amount: 1000, currency: 'usd' });
      expect(none.statusCode).toBe(409);
      expect(none.json().error.code).toBe('account_not_connected');
      await api('POST', '/connect/account', {});
      const restricted = await api('POST', '/payment_intents', { amount: 1000, currency: 'usd' });
      expect(restricted.json().error.code).toBe('account_charges_disabled');
      const customer = await api('POST', '/customers', { email: 'x@example.com' });
      expect(customer.json().error.code).toBe('account_charges_disabled');
    });

    it('refunds: partial, then the rest; never more than the charge; fee refund optional', async () => {
      const api = tenantApi(t, tenant);
      const p = (
        await api('POST', '/payment_intents', {
          amount: 5000,
          currency: 'usd',
          customer: customerId,
          off_session: true,
        })
      ).json();
      const r1 = await api('POST', `/payments/${p.id}/refunds`, {
        amount: 2000,
        reason: 'requested_by_customer',
      });
      expect(r1.statusCode, r1.body).toBe(200);
      expect(r1.json()).toMatchObject({ amount: 2000, status: 'succeeded', reason: 'requested_by_customer' });
      expect(r1.json().stripe_refund_id).toMatch(/^re_/);
      const tooMuch = await api('POST', `/payments/${p.id}/refunds`, { amount: 3001 });
      expect(tooMuch.statusCode).toBe(409);
      expect(tooMuch.json().error).toMatchObject({ code: 'refund_exceeds_payment', param: 'amount' });
      const rest = await api('POST', `/payments/${p.id}/refunds`, { refund_application_fee: true });
      expect(rest.json()).toMatchObject({ amount: 3000, refund_application_fee: true });
      const done = await api('POST', `/payments/${p.id}/refunds`, {});
      expect(done.json().error.code).toBe('payment_not_refundable');
      const detail = (await api('GET', `/payments/${p.id}`)).json();
      expect(detail.amount_refunded).toBe(5000);
      expect(detail.refunds.map((r: { amount: number }) => r.amount)).toEqual([2000, 3000]);
      const refund = await sandboxStripe(t).refunds.retrieve(
        rest.json().stripe_refund_id,
        {},
        kind === 'standard' ? { stripeAccount: acct } : undefined,
      );
      expect(refund.metadata?.tributary_refund).toBe(rest.json().id);
    });

    it('customers: search by email, update, payment methods default and detach', async () => {
      const api = tenantApi(t, tenant);
      const found = await api('GET', `/customers?email=${encodeURIComponent(`BUYER-${kind}@example.com`)}`);
      expect(found.json().data.map((c: { id: string }) => c.id)).toEqual([customerId]);
      const upd = await api('POST', `/customers/${customerId}`, {
        name: 'Buyer Renamed',
        metadata: { crm: '42' },
      });
      expect(upd.json()).toMatchObject({ name: 'Buyer Renamed', metadata: { crm: '42' } });
      const second = await api('POST', `/customers/${customerId}/setup_intents`, {
        payment_method: 'pm_card_mastercard',
      });
      expect(second.json().payment_method).toMatchObject({
        is_default: false,
        card: { brand: 'mastercard' },
      });
      const list = (await api('GET', `/customers/${customerId}/payment_methods`)).json().data;
      expect(list.length).toBeGreaterThanOrEqual(2);
      const mc = second.json().payment_method.id;
      const def = await api('POST', `/customers/${customerId}/payment_methods/${mc}/default`);
      expect(def.json().default_payment_method).toBe(mc);
      // a customer snapshot read before the detach (the card still its default), for an event applied late
      const [row] = await withTenant(t.database.db, tenant.id, (tx) =>
        tx
          .select()
          .from(customers)
          .where(eq(customers.id, fromPublicId('customer', customerId)!)),
      );
      const staleAt = new Date();
      const stale = await sandboxStripe(t).customers.retrieve(
        row!.stripeCustomerId!,
        {},
        row!.stripeAccountId ? { stripeAccount: row!.stripeAccountId } : undefined,
      );
      const del = await api('DELETE', `/customers/${customerId}/payment_methods/${mc}`);
      expect(del.statusCode, del.body).toBe(200);
      const after = (await api('GET', `/customers/${customerId}`)).json();
      expect(after.default_payment_method).toBeNull();
      await withTenant(t.database.db, tenant.id, (tx) =>
        syncCustomer(
          tx,
          { tenantId: tenant.id, account: row!.stripeAccountId },
          stale as Stripe.Customer,
          false,
          staleAt,
        ),
      );

      const none = await api('POST', '/payment_intents', {
        amount: 1000,
        currency: 'usd',
        customer: customerId,
        off_session: true,
      });
      expect(none.json().error.code).toBe('payment_method_missing');
      // with no default left, the next card saved is the default (the stale snapshot did not bring one back)
      const next = await api('POST', `/customers/${customerId}/setup_intents`, {
        payment_method: 'pm_card_amex',
      });
      expect(next.json().payment_method).toMatchObject({ is_default: true, card: { brand: 'amex' } });
    });

    it('a customer portal link for the customer, on the account the customer lives on', async () => {
      const api = tenantApi(t, tenant);
      const res = await api('POST', `/customers/${customerId}/portal_session`, {
        return_url: 'https://app.example.com/account',
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ object: 'customer_portal_session', customer: customerId });
      expect(res.headers['cache-control']).toBe('no-store');
      const page = await fetch(res.json().url);
      expect(page.status).toBe(200);
    });

    it('payments list: filters, search and CSV export with the fee columns', async () => {
      const api = tenantApi(t, tenant);
      const all = (await api('GET', '/payments?limit=100&status=succeeded')).json().data;
      expect(all.length).toBeGreaterThan(0);
      const search = (await api('GET', '/payments?q=Order%201001')).json().data;
      expect(search).toHaveLength(1);
      const byEmail = (await api('GET', `/payments?q=buyer-${kind}`)).json().data;
      expect(byEmail.length).toBeGreaterThan(0);
      const csv = await api('GET', '/payments/export?q=Order%201001');
      expect(csv.headers['content-type']).toContain('text/csv');
      const [header, row] = csv.body.trim().split('\r\n');
      expect(header).toContain('platform_fee,application_fee,fee_top_up,stripe_fee,tenant_net,platform_net');
      expect(header).toMatch(/,payment_intent,charge$/);
      expect(row).toMatch(/,pi_\w+,ch_\w+$/);
      expect(row).toContain(',250,');
      expect(row).toContain(',9430,250,true,');
    });
  });
}
