import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { syncDispute } from '../../src/payments/sync.ts';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';
import { sandboxStripe } from '../helpers/payments.ts';

/**
 * No surprises in the dashboard, in Chromium: what destroys or moves money asks first, naming what and whom;
 * messages say what happened and what to do (a missing object, what is left to refund, the evidence limit).
 */
describe('Confirmations and messages in Chromium', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp({ PLATFORM_FEE_BPS: '250' });
  });
  afterAll(() => app?.close());
  const call: BrowserApp['call'] = (path, body) => app.call(path, body);

  it('void, cancel and disconnect ask first and name what and whom; Cancel leaves things as they were', async () => {
    const tenant = await call('/v1/tenants', { name: 'Confirmations' });
    const t = `/v1/tenants/${tenant.id}`;
    const account = await app.connectEnabled(tenant.id);
    const inv = await call(`${t}/invoices`, {
      customer_email: 'payer@example.com',
      lines: [{ description: 'Audit', quantity: 1, unit_amount: 45_000 }],
    });
    const page = await app.signIn(tenant.id, 'owner@confirm.test', 'owner');
    await page.getByTestId('nav-invoices').click();
    await page.getByTestId(`invoice-void-${inv.id}`).click();
    const ask = page.getByTestId('confirm-dialog');
    expect(await ask.innerText()).toContain('Voids the invoice for $450.00 to payer@example.com');
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await ask.waitFor({ state: 'detached' });
    expect((await call(`${t}/invoices/${inv.id}`)).status).toBe('draft');
    await page.getByTestId(`invoice-void-${inv.id}`).click();
    await page.getByTestId(`invoice-void-confirm-${inv.id}`).click();
    await expect.poll(async () => (await call(`${t}/invoices/${inv.id}`)).status).toBe('void');

    // cancelling a subscription names its customer and plan
    const customer = await call(`${t}/customers`, { email: 'sub@example.com', name: 'Sub Scriber' });
    const product = await call(`${t}/products`, { name: 'Pro' });
    const price = await call(`${t}/prices`, {
      product: product.id,
      unit_amount: 1500,
      currency: 'usd',
      interval: 'month',
    });
    const sub = await call(`${t}/subscriptions`, {
      customer: customer.id,
      price: price.id,
      trial_period_days: 14,
    });
    await page.getByTestId('nav-subscriptions').click();
    await page.getByTestId(`subscription-row-${sub.id}`).click();
    await page.getByTestId('subscription-cancel-now').click();
    expect(await ask.innerText()).toContain("Ends Sub Scriber's subscription to Pro ($15.00 / month)");
    await page.getByTestId('subscription-cancel-now-confirm').click();
    await expect.poll(async () => (await call(`${t}/subscriptions/${sub.id}`)).status).toBe('canceled');

    // disconnecting names the account
    await page.goto(`${app.base}/tenants/${tenant.id}/payments-setup`);
    await page.getByTestId('connect-disconnect').click();
    expect(await ask.innerText()).toContain(`Disconnects Stripe account ${account}`);
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await ask.waitFor({ state: 'detached' });
    expect((await call(`${t}/connect/status`)).status).toBe('enabled');
  });

  it('a missing object is "not found"; refund says what is left; evidence states its limit before upload', async () => {
    const tenant = await call('/v1/tenants', { name: 'Messages' });
    const t = `/v1/tenants/${tenant.id}`;
    await app.connectEnabled(tenant.id);
    const page = await app.signIn(tenant.id, 'owner@messages.test', 'owner');

    await page.goto(`${app.base}/tenants/${tenant.id}/customers/cust_00000000000000000000000000000000`);
    const missing = page.getByTestId('not-found-state');
    await missing.waitFor();
    expect(await missing.innerText()).toContain('Not found');
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);

    const customer = await call(`${t}/customers`, { email: 'shopper@example.com' });
    await call(`${t}/customers/${customer.id}/setup_intents`, { payment_method: 'pm_card_visa' });
    const pay = await call(`${t}/payment_intents`, {
      amount: 10_000,
      currency: 'usd',
      customer: customer.id,
      off_session: true,
    });
    await call(`${t}/payments/${pay.id}/refunds`, { amount: 2_500 });
    await page.goto(`${app.base}/tenants/${tenant.id}/payments/${pay.id}`);
    await page.getByTestId('refund-button').click();
    await page.getByTestId('refund-amount').fill('80');
    expect(await page.locator('#refund-amount-hint').innerText()).toBe(
      'Only $75.00 is left to refund on this payment.',
    );
    expect(await page.getByTestId('refund-submit').isDisabled()).toBe(true);
    await page.getByTestId('refund-amount').fill('75');
    expect(await page.getByTestId('refund-submit').innerText()).toBe('Refund $75.00');
    await page.getByTestId('refund-dialog').getByRole('button', { name: 'Cancel' }).click();

    // a dispute's evidence: the limit is stated before choosing a file, and a file over it is refused here
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
    const tenantId = fromPublicId('tenant', tenant.id)!;
    await withTenant(app.running.database.db, tenantId, (tx) =>
      syncDispute(tx, { tenantId, account: null }, dp!, new Date()),
    );
    await page.goto(`${app.base}/tenants/${tenant.id}/payments/${disputed.id}`);
    await page.getByTestId('evidence-button').click();
    expect(await page.locator('#evidence-file-hint').innerText()).toContain('Up to 4.5 MB');
    await page.getByTestId('evidence-file').setInputFiles({
      name: 'scan.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.alloc(5_000_000, 1),
    });
    expect(await page.locator('#evidence-file-hint').innerText()).toContain(
      'This file is 5.0 MB: the limit is 4.5 MB',
    );
    expect(await page.getByTestId('evidence-submit').isDisabled()).toBe(true);
  });

  it('the endpoint URL rule says what is accepted', async () => {
    const res = await app.request('/v1/webhook_endpoints', { url: 'ftp://example.com/hook' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toBe(
      'Endpoint URLs must use https:// (or http:// outside production).',
    );
  });
});
