import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/db/tenant.ts';
import { toPublicId } from '../../src/http/ids.ts';
import * as paymentsRepo from '../../src/payments/customers/repo.ts';
import { customerState } from '../../src/payments/sync.ts';
import { StripeRef } from '../../src/stripe/client.ts';
import { topUpSubscriptionFee } from '../../src/subscriptions/fee-top-up.ts';
import { createTestTenant, type TestTenant } from '../helpers/app.ts';
import { connectTenant, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, waitFor } from '../helpers/webhooks.ts';

interface RenewalInvoice {
  billing_reason: string;
  application_fee_amount: number | null;
  status: string;
  payment: string | null;
}

/**
 * A subscription on a connected account renews on a sandbox test clock: each renewal's draft invoice gets
 * the fee model's whole application fee from the invoice.created follow-up (the example: 2.5 % with
 * Stripe's fee passed through on Express-like accounts), and each payment is recorded with its fees. Status follows
 * customer.subscription.* (trialing → active → canceled).
 */
for (const kind of ['standard', 'express'] as const) {
  describe(`subscriptions on ${kind}-like accounts`, () => {
    let p: Pipeline;
    let tenant: TestTenant;
    let acct: string;

    beforeAll(async () => {
      p = await startPipeline({
        CONNECT_ACCOUNT_KIND: kind,
        PLATFORM_FEE_BPS: '250',
        PLATFORM_FEE_PASS_THROUGH: 'true',
      });
      tenant = await createTestTenant(p.t, `Subscriptions ${kind}`);
      acct = await connectTenant(p.t, tenant);
    });
    afterAll(() => p?.close());

    // the customer lives where the tenant's charges are made (in a test clock's time, if given)
    const where = () => (kind === 'standard' ? { stripeAccount: acct } : undefined);
    async function customerWithCard(email: string, clock?: string): Promise<string> {
      const cus = await p.stripe.customers.create(
        { email, ...(clock ? { test_clock: clock } : {}) },
        where(),
      );
      const pm = await p.stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id }, where());
      await p.stripe.customers.update(
        cus.id,
        { invoice_settings: { default_payment_method: pm.id } },
        where(),
      );
      const row = await withTenant(p.t.database.db, tenant.id, async (tx) => {
        await paymentsRepo.insertCustomerFromStripe(
          tx,
          tenant.id,
          kind === 'standard' ? acct : null,
          cus.id,
          customerState({ ...cus, invoice_settings: { default_payment_method: pm.id } } as never, false),
          new Date(),
        );
        return paymentsRepo.customerByStripeId(tx, cus.id);
      });
      return toPublicId('customer', row!.id);
    }
    async function monthlyPrice() {
      const api = tenantApi(p.t, tenant);
      const product = (await api('POST', '/products', { name: 'Membership' })).json();
      return (
        await api('POST', '/prices', { product: product.id, unit_amount: 10_000, interval: 'month' })
      ).json();
    }

    // Made outside Tributary: on a Standard-like account's own dashboard (product, price, subscription), or on
    // the platform paying out to an Express-like account (the subscription; platform products stay out).
    it('products, prices and subscriptions made on Stripe are mirrored from their events', async () => {
      const api = tenantApi(p.t, tenant);
      const c = (await api('POST', '/customers', { email: 'dashboard-made@example.com' })).json();
      const cus = c.stripe_customer_id as string;
      const pm = await p.stripe.paymentMethods.attach('pm_card_visa', { customer: cus }, where());
      await p.stripe.customers.update(cus, { invoice_settings: { default_payment_method: pm.id } }, where());
      const prod = await p.stripe.products.create(
        { name: 'Made on Stripe', metadata: { plan: 'gold' } },
        where(),
      );
      const price = await p.stripe.prices.create(
        { product: prod.id, currency: 'usd', unit_amount: 4200, recurring: { interval: 'month' } },
        where(),
      );
      const made = await p.stripe.subscriptions.create(
        {
          customer: cus,
          items: [{ price: price.id }],
          ...(kind === 'express' ? { transfer_data: { destination: acct }, on_behalf_of: acct } : {}),
        },
        where(),
      );
      const mirrored = await waitFor(async () => {
        const list = (await api('GET', '/subscriptions')).json().data as Record<string, unknown>[];
        const s = list.find((x) => (x.stripe as { subscription: string }).subscription === made.id);
        return s?.status === 'active' ? s : null;
      }, 'subscription mirrored');
      expect(mirrored).toMatchObject({ customer: c.id, account_kind: kind, quantity: 1 });
      const products = () => api('GET', '/products').then((r) => r.json().data as Record<string, unknown>[]);
      if (kind === 'express') {
        // the platform's own products are not the tenant's
        expect((await products()).find((x) => x.stripe_product_id === prod.id)).toBeUndefined();
        expect(mirrored.price).toBeNull();
        return;
      }
      const product = await waitFor(
        async () => (await products()).find((x) => x.stripe_product_id === prod.id),
        'product mirrored',
      );
      expect(product).toMatchObject({ name: 'Made on Stripe', active: true, metadata: { plan: 'gold' } });
      const mirroredPrice = await waitFor(async () => {
        const list = (await api('GET', `/prices?product=${product.id}`)).json().data;
        return list[0];
      }, 'price mirrored');
      expect(mirroredPrice).toMatchObject({
        unit_amount: 4200,
        interval: 'month',
        stripe_price_id: price.id,
      });
      // later changes follow
      await p.stripe.products.update(prod.id, { name: 'Renamed on Stripe' }, where());
      await p.stripe.prices.update(price.id, { active: false }, where());
      await waitFor(async () => (await products()).find((x) => x.name === 'Renamed on Stripe'), 'rename');
      await waitFor(
        async () => (await api('GET', `/prices?product=${product.id}`)).json().data[0]?.active === false,
        'price archived',
      );
    });

    // Stripe finalizes a subscription's first invoice at once, with application_fee_percent alone (250).
    // Express-like: the platform paid Stripe's fee, so the passed-through 320 is recovered by reversing that
    // much of the charge's transfer; Standard-like accounts paid Stripe themselves and owe nothing more.
    it('a first invoice charged at once ends with the whole fee', async () => {
      const api = tenantApi(p.t, tenant);
      const customer = await customerWithCard('first@example.com');
      const price = await monthlyPrice();
      const created = await api('POST', '/subscriptions', { customer, price: price.id });
      expect(created.statusCode, created.body).toBe(200);
      const sub = created.json();
      const paid = await waitFor(async () => {
        const v = (await api('GET', `/subscriptions/${sub.id}`)).json();
        const inv = v.invoices.find((i: RenewalInvoice) => i.billing_reason === 'subscription_create');
        return inv?.status === 'paid' && inv.payment ? inv : null;
      }, 'first invoice paid');
      expect(paid.application_fee_amount).toBe(250);
      const topUp = kind === 'express' ? 320 : 0;
      const payment = await waitFor(
        async () => {
          const v = (await api('GET', `/payments/${paid.payment}`)).json();
          return v.fees?.final && v.fees.fee_top_up === topUp ? v : null;
        },
        'payment with its fee top-up',
        async () => ({
          fees: (await api('GET', `/payments/${paid.payment}`)).json().fees,
          pipeline: await pipelineState(p)(),
        }),
        // the follow-up can run before the charge's own event has made the payment row; it then retries with
        // backoff (5 s, 10 s, 20 s), which a loaded machine can push past the default wait
        120_000,
      );
      expect(payment.fees).toMatchObject({
        application_fee: 250,
        fee_top_up: topUp,
        stripe_fee: 320,
        tenant_net: 9430,
        platform_net: 250,
      });
      if (kind === 'express') {
        const charge = await p.stripe.charges.retrieve(payment.stripe.charge);
        const reversals = await p.stripe.transfers.listReversals(charge.transfer as string);
        expect(reversals.data).toHaveLength(1);
        expect(reversals.data[0]).toMatchObject({
          amount: 320,
          metadata: { tributary_fee_top_up: charge.id },
        });
        // the job again (pg-boss retries, a replayed invoice.paid): nothing more is taken
        const inv = await p.stripe.subscriptions.retrieve(sub.stripe.subscription);
        await topUpSubscriptionFee(
          { db: p.t.database.db, config: p.t.config, stripe: new StripeRef(p.t.config) },
          {
            kind: 'subscription_fee_top_up',
            tenantId: tenant.id,
            stripeInvoiceId: inv.latest_invoice as string,
          },
        );
        expect((await p.stripe.transfers.listReversals(charge.transfer as string)).data).toHaveLength(1);
        expect((await api('GET', `/payments/${payment.id}`)).json().fees.tenant_net).toBe(9430);
      }
    }, 180_000);

    // Express-like: the draft's application_fee_amount (platform fee + Stripe's fee passed through, 570) is set
    // by the invoice.created follow-up and replaces the subscription's percentage for that invoice.
    it('renews twice with a test clock; each payment recorded with its fees', async () => {
      const api = tenantApi(p.t, tenant);
      const start = Math.floor(Date.now() / 1000);
      const clock = await p.stripe.testHelpers.testClocks.create({ frozen_time: start }, where());
      const customer = await customerWithCard('member@example.com', clock.id);
      const price = await monthlyPrice();
      expect(price).toMatchObject({ unit_amount: 10_000, interval: 'month' });
      const created = await api('POST', '/subscriptions', {
        customer,
        price: price.id,
        trial_period_days: 7,
      });
      expect(created.statusCode, created.body).toBe(200);
      const sub = created.json();
      expect(sub).toMatchObject({ status: 'trialing', application_fee_percent: 2.5, quantity: 1 });
      const stripeSub = await p.stripe.subscriptions.retrieve(sub.stripe.subscription, {}, where());
      expect(stripeSub.application_fee_percent).toBe(2.5);
      if (kind === 'express') expect(stripeSub.transfer_data?.destination).toBe(acct);

      const fee = kind === 'standard' ? 250 : 570;
      // renewals (a trial's $0 opening invoice aside)
      const cycles = (v: { invoices: RenewalInvoice[] }) =>
        v.invoices.filter((i) => i.billing_reason === 'subscription_cycle');
      const getSub = async () => (await api('GET', `/subscriptions/${sub.id}`)).json();
      const advance = async (to: number) => {
        await p.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: to }, where());
        await waitFor(
          async () =>
            (await p.stripe.testHelpers.testClocks.retrieve(clock.id, {}, where())).status === 'ready',
          'clock ready',
        );
      };

      let at = start + 7 * 86_400 + 60;
      for (let cycle = 1; cycle <= 2; cycle++) {
        // the period ends: a draft invoice, which the invoice.created follow-up gives the whole fee
        await advance(at);
        await waitFor(async () => {
          const v = await getSub();
          const inv = cycles(v)[cycle - 1];
          return inv?.application_fee_amount === fee ? v : null;
        }, `draft ${cycle} with the fee`);
        // an hour later Stripe finalizes and charges it
        await advance(at + 2 * 3600);
        const paid = await waitFor(async () => {
          const v = await getSub();
          const inv = cycles(v)[cycle - 1];
          return inv?.status === 'paid' && inv.payment && v.status === 'active' ? v : null;
        }, `renewal ${cycle} paid`);
        const payment = await waitFor(async () => {
          const v = (await api('GET', `/payments/${cycles(paid)[cycle - 1]!.payment}`)).json();
          return v.fees?.final ? v : null;
        }, `payment ${cycle} fees`);
        expect(payment).toMatchObject({
          status: 'succeeded',
          amount: 10_000,
          charge_type: kind === 'standard' ? 'direct' : 'destination',
          fees: { stripe_fee: 320, application_fee: fee, tenant_net: 9430, platform_net: 250 },
        });
        at = paid.current_period_end + 60;
      }

      const quantity = await api('POST', `/subscriptions/${sub.id}`, { quantity: 2 });
      expect(quantity.json()).toMatchObject({ quantity: 2, status: 'active' });
      const cancel = await api('POST', `/subscriptions/${sub.id}/cancel`, { at_period_end: true });
      expect(cancel.json()).toMatchObject({ cancel_at_period_end: true, status: 'active' });
      const now = await api('POST', `/subscriptions/${sub.id}/cancel`, {});
      expect(now.json().status).toBe('canceled');
      const again = await api('POST', `/subscriptions/${sub.id}`, { quantity: 3 });
      expect(again.statusCode).toBe(409);
      const list = (await api('GET', '/subscriptions?status=canceled')).json();
      expect(list.data.map((s: { id: string }) => s.id)).toContain(sub.id);
    });
  });
}
