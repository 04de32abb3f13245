import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../helpers/app.ts';
import { connectTenant, tenantApi } from '../helpers/payments.ts';
import {
  deliver,
  fakeEvent,
  type Pipeline,
  pipelineState,
  startPipeline,
  systemRows,
  waitFor,
} from '../helpers/webhooks.ts';

/**
 * A subscription invoice's failed payment e-mails its customer once, with Tributary's card update link and the
 * invoice's hosted page. An `invoice.payment_failed` handled when the invoice is already paid (a late or
 * redelivered event, another card paid it meanwhile) tells the customer nothing: nothing is owed.
 */
describe('payment failed e-mails', () => {
  let p: Pipeline;
  let tenant: TestTenant;
  let api: ReturnType<typeof tenantApi>;

  beforeAll(async () => {
    p = await startPipeline();
    tenant = await createTestTenant(p.t, 'Late Failures');
    await connectTenant(p.t, tenant);
    api = tenantApi(p.t, tenant);
  });
  afterAll(() => p?.close());

  it('a failed subscription payment: one e-mail, with the card update link and the invoice page', async () => {
    const on = await api('POST', '/notification_preferences', { customer_emails: { payment_failed: true } });
    expect(on.statusCode, on.body).toBe(200);
    const customer = (await api('POST', '/customers', { email: 'declined@example.com' })).json();
    // a card that saves, then declines every charge
    const saved = await api('POST', `/customers/${customer.id}/setup_intents`, {
      payment_method: 'pm_card_chargeCustomerFail',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const product = (await api('POST', '/products', { name: 'Gym' })).json();
    const price = (
      await api('POST', '/prices', { product: product.id, unit_amount: 3100, interval: 'month' })
    ).json();
    const created = await api('POST', '/subscriptions', { customer: customer.id, price: price.id });
    expect(created.statusCode, created.body).toBe(200);
    const rows = await waitFor(
      async () => {
        const r = await systemRows<{ status: string; recipients: string[]; text: string }>(
          p.t.database,
          `select status, recipients, text from notifications
             where tenant_id = '${tenant.id}' and template = 'payment_failed'`,
        );
        return r[0]?.status === 'sent' ? r : null;
      },
      'the payment failed e-mail sent',
      pipelineState(p),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.recipients).toEqual(['declined@example.com']);
    expect(rows[0]!.text).toContain('$31.00');
    expect(rows[0]!.text).toMatch(/\/billing\/update_card\?token=ten_[0-9a-f]{32}\.[A-Za-z0-9]+/);
    expect(rows[0]!.text).toMatch(/Pay the invoice now/);
  });

  it('an invoice.payment_failed handled after the invoice was paid writes no e-mail', async () => {
    const customer = (await api('POST', '/customers', { email: 'late@example.com' })).json();
    const saved = await api('POST', `/customers/${customer.id}/setup_intents`, {
      payment_method: 'pm_card_visa',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const product = (await api('POST', '/products', { name: 'Club' })).json();
    const price = (
      await api('POST', '/prices', { product: product.id, unit_amount: 2500, interval: 'month' })
    ).json();
    const created = await api('POST', '/subscriptions', { customer: customer.id, price: price.id });
    expect(created.statusCode, created.body).toBe(200);
    const sub = created.json();
    await waitFor(
      async () => {
        const v = (await api('GET', `/subscriptions/${sub.id}`)).json();
        return v.invoices?.some((i: { status: string }) => i.status === 'paid');
      },
      'first invoice paid',
      pipelineState(p),
    );
    // Express-like (the default): the subscription and its invoices live on the platform's account
    const stripeSub = await p.stripe.subscriptions.retrieve(sub.stripe.subscription);
    const invoice = await p.stripe.invoices.retrieve(stripeSub.latest_invoice as string);
    expect(invoice.status).toBe('paid');
    // the failure's snapshot, from before the invoice was paid, arriving now
    const event = fakeEvent({
      type: 'invoice.payment_failed',
      object: { ...invoice, status: 'open', attempt_count: 1, amount_paid: 0 },
    });
    expect((await deliver(p.t, event)).statusCode).toBe(200);
    await waitFor(
      async () =>
        (
          await systemRows<{ status: string }>(
            p.t.database,
            `select status from stripe_events where id = '${event.id}'`,
          )
        )[0]?.status === 'processed',
      'the late event processed',
      pipelineState(p),
    );
    const rows = await systemRows(
      p.t.database,
      `select status from notifications where tenant_id = '${tenant.id}' and template = 'payment_failed'
         and dedup_key like 'payment_failed:${invoice.id}:%'`,
    );
    expect(rows).toEqual([]);
  });
});
