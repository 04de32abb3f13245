import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { syncDispute } from '../../src/payments/sync.ts';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';
import { sandboxStripe } from '../helpers/payments.ts';

/** The Payments, payment detail and Customers pages in Chromium, against the sandbox. */
describe('Payments pages in Chromium', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp({ PLATFORM_FEE_BPS: '250' });
  });
  afterAll(() => app?.close());
  const call: BrowserApp['call'] = (path, body) => app.call(path, body);
  const signIn = (tenantId: string, email: string, role: string) =>
    app.signIn(tenantId, email, role, { acceptDownloads: true });

  it('not connected: payments are off with a call to action', async () => {
    const tenant = await call('/v1/tenants', { name: 'Browser unpaid' });
    const page = await signIn(tenant.id, 'owner@unpaid.test', 'owner');
    await page.getByTestId('nav-payments').click();
    await page.waitForURL(`**/tenants/${tenant.id}/payments`);
    await page.getByTestId('payments-disabled').waitFor();
    await page.getByTestId('payments-setup-link').click();
    await page.waitForURL(`**/tenants/${tenant.id}/payments-setup`);
  });

  it('owner: fee columns, search, CSV, detail with a refund; members read only', async () => {
    const tenant = await call('/v1/tenants', { name: 'Browser payments' });
    const t = `/v1/tenants/${tenant.id}`;
    await app.connectEnabled(tenant.id);
    const customer = await call(`${t}/customers`, { email: 'shopper@example.com', name: 'Shopper' });
    await call(`${t}/customers/${customer.id}/setup_intents`, { payment_method: 'pm_card_visa' });
    const pay = await call(`${t}/payment_intents`, {
      amount: 10_000,
      currency: 'usd',
      customer: customer.id,
      off_session: true,
      description: 'Website redesign',
    });

    const page = await signIn(tenant.id, 'owner@payments.test', 'owner');
    await page.getByTestId('nav-payments').click();
    const row = page.getByTestId(`payment-row-${pay.id}`);
    await row.waitFor();
    expect(await page.getByTestId('payments-disabled').count()).toBe(0);
    expect(await row.getAttribute('data-status')).toBe('succeeded');
    expect(await row.getByTestId('payment-stripe-fee').innerText()).toBe('$3.20');
    expect(await row.getByTestId('payment-platform-fee').innerText()).toBe('$2.50');
    expect(await row.getByTestId('payment-net').innerText()).toBe('$94.30');

    await page.getByTestId('payments-search').fill('no such payment');
    await page.getByTestId('payments-search').press('Enter');
    await expect.poll(() => page.getByTestId(`payment-row-${pay.id}`).count()).toBe(0);
    await page.getByTestId('payments-search').fill('redesign');
    await page.getByTestId('payments-search').press('Enter');
    await page.getByTestId(`payment-row-${pay.id}`).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('payments-export').click(),
    ]);
    const csv = await (await download.createReadStream()).toArray();
    expect(Buffer.concat(csv).toString()).toContain(',9430,250,true,');

    await page.getByTestId(`payment-open-${pay.id}`).click();
    await page.waitForURL(`**/payments/${pay.id}`);
    expect(await page.getByTestId('detail-tenant-net').innerText()).toBe('$94.30');
    await page.getByTestId('timeline-payment.succeeded').waitFor();
    await page.getByTestId('refund-button').click();
    await page.getByTestId('refund-amount').fill('200');
    expect(await page.getByTestId('refund-submit').isDisabled()).toBe(true);
    await page.getByTestId('refund-amount').fill('25.00');
    await page.getByTestId('refund-submit').click();
    await page.getByTestId('timeline-refund.succeeded').waitFor();

    const member = await signIn(tenant.id, 'member@payments.test', 'member');
    await member.goto(`${app.base}/tenants/${tenant.id}/payments/${pay.id}`);
    await member.getByTestId('detail-tenant-net').waitFor();
    expect(await member.getByTestId('refund-button').count()).toBe(0);
    await member.goto(`${app.base}/tenants/${tenant.id}/customers`);
    await member.getByTestId(`customer-row-${customer.id}`).waitFor();
    expect(await member.getByTestId('new-customer-button').count()).toBe(0);

    // a disputed payment: the dispute is applied as its webhook would be (this server runs no worker)
    await call(`${t}/customers/${customer.id}/setup_intents`, {
      payment_method: 'pm_card_createDispute',
      set_default: true,
    });
    const disputed = await call(`${t}/payment_intents`, {
      amount: 4000,
      currency: 'usd',
      customer: customer.id,
      off_session: true,
    });
    const stripe = sandboxStripe({ config: { STRIPE_API_BASE: app.sandbox.url } as never });
    const [dp] = (await stripe.disputes.list({ payment_intent: disputed.stripe.payment_intent })).data;
    await withTenant(app.running.database.db, fromPublicId('tenant', tenant.id)!, (tx) =>
      syncDispute(tx, { tenantId: fromPublicId('tenant', tenant.id)!, account: null }, dp!, new Date()),
    );
    await page.goto(`${app.base}/tenants/${tenant.id}/payments`);
    await page.getByTestId('dispute-banner').waitFor();
    await page.goto(`${app.base}/tenants/${tenant.id}/payments/${disputed.id}`);
    await page.getByTestId('evidence-button').click();
    await page.getByTestId('evidence-text').fill('winning_evidence: signed agreement attached');
    await page.getByTestId('evidence-file').setInputFiles({
      name: 'agreement.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 agreement'),
    });
    await page.getByTestId('evidence-submit').click();
    await expect
      .poll(() => page.locator('[data-testid^="dispute-"][data-status]').getAttribute('data-status'))
      .toBe('won');
    expect(await page.locator('[data-testid^="dispute-"][data-status]').innerText()).toContain(
      'agreement.pdf',
    );

    await page.getByTestId('nav-customers').click();
    await page.getByTestId('new-customer-button').click();
    await page.getByTestId('customer-email').fill('new@example.com');
    await page.getByTestId('customer-submit').click();
    await page.getByTestId('customers-search').fill('NEW@example.com');
    await page.getByTestId('customers-search').press('Enter');
    await expect.poll(() => page.getByTestId('customers-table').innerText()).toContain('new@example.com');
  });
});
