import type { Browser } from 'playwright-core';
import { type Sandbox, startSandbox } from 'tributary-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as apiKeys from '../../src/api-keys/service.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { createLogger } from '../../src/logger.ts';
import { syncDispute } from '../../src/payments/sync.ts';
import { type Running, serve } from '../../src/runtime.ts';
import { testConfig } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { createDatabase } from '../helpers/db.ts';
import { sandboxStripe } from '../helpers/payments.ts';

/** The Payments, payment detail and Customers pages in Chromium, against the sandbox. */
describe('Payments pages in Chromium', () => {
  let running: Running;
  let sandbox: Sandbox;
  let browser: Browser;
  let base: string;
  let platformKey: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    const database = await createDatabase();
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const config = testConfig({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      STRIPE_API_BASE: sandbox.url,
      PLATFORM_FEE_BPS: '250',
    });
    running = await serve(config, { database, work: false, sandbox: false });
    base = config.publicUrl;
    const ctx = {
      db: database.db,
      config,
      actor: { kind: 'system' as const, label: 'test' },
      requestId: 'req_e2e',
      log: createLogger('silent'),
    };
    platformKey = (await apiKeys.createPlatformKey(ctx, { name: 'e2e', type: 'secret' })).secret;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await running?.database.close();
    await sandbox?.close();
  });

  const call = async (path: string, body?: object) => {
    const res = await fetch(`${base}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${platformKey}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json();
  };
  const signIn = async (tenantId: string, email: string, role: string) => {
    const link = await call(`/v1/tenants/${tenantId}/dashboard_links`, { email, role });
    const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    await page.goto(link.url);
    await page.waitForURL(`**/tenants/${tenantId}`);
    return page;
  };

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
    const acct = (await call(`${t}/connect/account`, {})).account_id;
    await fetch(`${sandbox.url}/_sandbox/accounts/${acct}/onboarding`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'complete' }),
    });
    await call(`${t}/connect/refresh`, {});
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
    await member.goto(`${base}/tenants/${tenant.id}/payments/${pay.id}`);
    await member.getByTestId('detail-tenant-net').waitFor();
    expect(await member.getByTestId('refund-button').count()).toBe(0);
    await member.goto(`${base}/tenants/${tenant.id}/customers`);
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
    const stripe = sandboxStripe({ config: { STRIPE_API_BASE: sandbox.url } as never });
    const [dp] = (await stripe.disputes.list({ payment_intent: disputed.stripe.payment_intent })).data;
    await withTenant(running.database.db, fromPublicId('tenant', tenant.id)!, (tx) =>
      syncDispute(tx, dp!, new Date()),
    );
    await page.goto(`${base}/tenants/${tenant.id}/payments`);
    await page.getByTestId('dispute-banner').waitFor();
    await page.goto(`${base}/tenants/${tenant.id}/payments/${disputed.id}`);
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
