import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/db/tenant.ts';
import { toPublicId } from '../../src/http/ids.ts';
import * as customersRepo from '../../src/payments/customers/repo.ts';
import { customerState } from '../../src/payments/sync.ts';
import { createTestTenant, type TestTenant } from '../helpers/app.ts';
import { connectTenant, paidPayment, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';

interface ReceiptRow {
  status: string;
  recipients: string[];
  dedup_key: string;
  text: string;
}

/**
 * Receipts of payments made outside a tenant invoice: a payment through the API and a subscription's paid
 * invoice. One per payment, keyed by its PaymentIntent (a subscription invoice's payment gets the invoice's
 * receipt, with its lines, never a second one from its charge); kept `suppressed` while receipts are off.
 */
describe('receipts of payments and subscription invoices', () => {
  let p: Pipeline;
  let tenant: TestTenant;
  let api: ReturnType<typeof tenantApi>;

  beforeAll(async () => {
    p = await startPipeline();
    tenant = await createTestTenant(p.t, 'Corner Shop');
    await connectTenant(p.t, tenant);
    api = tenantApi(p.t, tenant);
  });
  afterAll(() => p?.close());

  const receiptsTo = (email: string) =>
    systemRows<ReceiptRow>(
      p.t.database,
      `select status, recipients, dedup_key, text from notifications
         where tenant_id = '${tenant.id}' and template = 'receipt' and '${email}' = any(recipients)`,
    );
  const settled = (email: string, status: string) =>
    waitFor(
      async () => {
        const rows = await receiptsTo(email);
        return rows.some((r) => r.status === status) ? rows : null;
      },
      `a ${status} receipt to ${email}`,
      pipelineState(p),
    );

  it('receipts off (the default): a payment leaves its receipt suppressed', async () => {
    const { payment } = await paidPayment(api, 'quiet-buyer@example.com');
    const rows = await settled('quiet-buyer@example.com', 'suppressed');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.dedup_key).toBe(`receipt:${payment.stripe.payment_intent}`);
  });

  it('receipts on: one receipt of a payment, its total and hosted receipt, no fee', async () => {
    const on = await api('POST', '/notification_preferences', { customer_emails: { receipt: true } });
    expect(on.statusCode, on.body).toBe(200);
    const { payment } = await paidPayment(api, 'buyer@example.com', 'pm_card_visa', 4250);
    const rows = await settled('buyer@example.com', 'sent');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.dedup_key).toBe(`receipt:${payment.stripe.payment_intent}`);
    const view = (await api('GET', `/payments/${payment.id}`)).json();
    expect(view.receipt_url).toMatch(/^http/);
    expect(rows[0]!.text).toContain('$42.50');
    expect(rows[0]!.text).toContain(view.receipt_url);
    // the platform's fee is not the customer's business
    expect(rows[0]!.text).not.toMatch(/fee/i);
  });

  it("receipts on: a subscription's paid invoice gets one receipt, with its lines", async () => {
    const email = 'member@example.com';
    const customer = (await api('POST', '/customers', { email })).json();
    const saved = await api('POST', `/customers/${customer.id}/setup_intents`, {
      payment_method: 'pm_card_visa',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const product = (await api('POST', '/products', { name: 'Coffee club' })).json();
    const price = (
      await api('POST', '/prices', { product: product.id, unit_amount: 1800, interval: 'month' })
    ).json();
    const created = await api('POST', '/subscriptions', { customer: customer.id, price: price.id });
    expect(created.statusCode, created.body).toBe(200);
    const rows = await settled(email, 'sent');
    expect(rows).toHaveLength(1);
    const stripeSub = await p.stripe.subscriptions.retrieve(created.json().stripe.subscription);
    const inv = await p.stripe.invoices.retrieve(stripeSub.latest_invoice as string, {
      expand: ['payments'],
    });
    expect(rows[0]!.dedup_key).toBe(`receipt:${inv.payments!.data[0]!.payment.payment_intent}`);
    expect(rows[0]!.text).toContain('Coffee club');
    expect(rows[0]!.text).toContain('$18.00');
    if (inv.number) expect(rows[0]!.text).toContain(inv.number);
  });

  it('receipts on: a renewal on a test clock gets its own receipt, as the first invoice did', async () => {
    const email = 'renewing@example.com';
    // a customer in a test clock's time (Express-like: on the platform's account), known to Tributary
    const start = Math.floor(Date.now() / 1000);
    const clock = await p.stripe.testHelpers.testClocks.create({ frozen_time: start });
    const cus = await p.stripe.customers.create({ email, test_clock: clock.id });
    const pm = await p.stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id });
    await p.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } });
    const row = await withTenant(p.t.database.db, tenant.id, async (tx) => {
      await customersRepo.insertCustomerFromStripe(
        tx,
        tenant.id,
        null,
        cus.id,
        customerState({ ...cus, invoice_settings: { default_payment_method: pm.id } } as never, false),
        new Date(),
      );
      return customersRepo.customerByStripeId(tx, cus.id);
    });
    const product = (await api('POST', '/products', { name: 'Tea club' })).json();
    const price = (
      await api('POST', '/prices', { product: product.id, unit_amount: 2200, interval: 'month' })
    ).json();
    const created = await api('POST', '/subscriptions', {
      customer: toPublicId('customer', row!.id),
      price: price.id,
    });
    expect(created.statusCode, created.body).toBe(200);
    await settled(email, 'sent');
    const sub = (await api('GET', `/subscriptions/${created.json().id}`)).json();
    // past the period's end, then an hour on: Stripe finalizes the renewal and charges it
    for (const to of [sub.current_period_end + 60, sub.current_period_end + 2 * 3600]) {
      await p.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: to });
      await waitFor(
        async () => (await p.stripe.testHelpers.testClocks.retrieve(clock.id)).status === 'ready',
        'clock ready',
      );
    }
    const rows = await waitFor(
      async () => {
        const r = await receiptsTo(email);
        return r.length === 2 && r.every((x) => x.status === 'sent') ? r : null;
      },
      'the renewal receipt sent',
      pipelineState(p),
    );
    expect(new Set(rows.map((r) => r.dedup_key)).size).toBe(2);
    for (const r of rows) {
      expect(r.text).toContain('Tea club');
      expect(r.text).toContain('$22.00');
    }
  });
});
