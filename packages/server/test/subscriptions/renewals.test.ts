import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/db/tenant.ts';
import { toPublicId } from '../../src/http/ids.ts';
import * as paymentsRepo from '../../src/payments/repo.ts';
import { customerState } from '../../src/payments/sync.ts';
import { createTestTenant, type TestTenant } from '../helpers/app.ts';
import { connectTenant, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, startPipeline, waitFor } from '../helpers/webhooks.ts';

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

    // Express-like: the draft's application_fee_amount (platform fee + Stripe's fee passed through, 570) is set
    // by the invoice.created follow-up and replaces the subscription's percentage for that invoice.
    it('renews twice with a test clock; each payment recorded with its fees', async () => {
      const api = tenantApi(p.t, tenant);
      // the customer lives where the tenant's charges are made, in the clock's time
      const where = kind === 'standard' ? { stripeAccount: acct } : undefined;
      const start = Math.floor(Date.now() / 1000);
      const clock = await p.stripe.testHelpers.testClocks.create({ frozen_time: start }, where);
      const cus = await p.stripe.customers.create(
        { email: 'member@example.com', test_clock: clock.id },
        where,
      );
      const pm = await p.stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id }, where);
      await p.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } }, where);
      const customerRow = await withTenant(p.t.database.db, tenant.id, async (tx) => {
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
      const customer = toPublicId('customer', customerRow!.id);

      const product = (await api('POST', '/products', { name: 'Membership' })).json();
      const price = (
        await api('POST', '/prices', { product: product.id, unit_amount: 10_000, interval: 'month' })
      ).json();
      expect(price).toMatchObject({ unit_amount: 10_000, interval: 'month' });
      const created = await api('POST', '/subscriptions', {
        customer,
        price: price.id,
        trial_period_days: 7,
      });
      expect(created.statusCode, created.body).toBe(200);
      const sub = created.json();
      expect(sub).toMatchObject({ status: 'trialing', application_fee_percent: 2.5, quantity: 1 });
      const stripeSub = await p.stripe.subscriptions.retrieve(sub.stripe.subscription, {}, where);
      expect(stripeSub.application_fee_percent).toBe(2.5);
      if (kind === 'express') expect(stripeSub.transfer_data?.destination).toBe(acct);

      const fee = kind === 'standard' ? 250 : 570;
      // renewals (a trial's $0 opening invoice aside)
      const cycles = (v: { invoices: RenewalInvoice[] }) =>
        v.invoices.filter((i) => i.billing_reason === 'subscription_cycle');
      const getSub = async () => (await api('GET', `/subscriptions/${sub.id}`)).json();
      const advance = async (to: number) => {
        await p.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: to }, where);
        await waitFor(
          async () =>
            (await p.stripe.testHelpers.testClocks.retrieve(clock.id, {}, where)).status === 'ready',
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
