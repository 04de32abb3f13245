import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';

/** The customer detail page in Chromium: details and metadata, saved cards, portal, the customer's activity. */
describe('Customer detail page in Chromium', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp({ PLATFORM_FEE_BPS: '250' });
  });
  afterAll(() => app?.close());
  const call: BrowserApp['call'] = (path, body) => app.call(path, body);

  it("owner sees the customer's cards and payments, sets a default, detaches, edits; members read only", async () => {
    const tenant = await call('/v1/tenants', { name: 'Browser customer' });
    const t = `/v1/tenants/${tenant.id}`;
    await app.connectEnabled(tenant.id);
    const customer = await call(`${t}/customers`, {
      email: 'ada@example.com',
      name: 'Ada',
      metadata: { plan: 'gold' },
    });
    const c = `${t}/customers/${customer.id}`;
    const visa = (await call(`${c}/setup_intents`, { payment_method: 'pm_card_visa' })).payment_method;
    const mastercard = (
      await call(`${c}/setup_intents`, { payment_method: 'pm_card_mastercard', set_default: false })
    ).payment_method;
    expect([visa.is_default, mastercard.is_default]).toEqual([true, false]);
    const pay = await call(`${t}/payment_intents`, {
      amount: 2500,
      currency: 'usd',
      customer: customer.id,
      off_session: true,
      description: 'Ada order',
    });
    expect(pay.status).toBe('succeeded');
    // another customer's payment must not be listed
    const bob = await call(`${t}/customers`, { email: 'bob@example.com' });
    await call(`${t}/customers/${bob.id}/setup_intents`, { payment_method: 'pm_card_visa' });
    const bobPay = await call(`${t}/payment_intents`, {
      amount: 1200,
      currency: 'usd',
      customer: bob.id,
      off_session: true,
    });
    const invoice = await call(`${t}/invoices`, {
      customer: customer.id,
      lines: [{ description: 'Workshop', quantity: 1, unit_amount: 9000 }],
      external_reference: 'ADA-1',
    });
    const product = await call(`${t}/products`, { name: 'Gold' });
    const price = await call(`${t}/prices`, { product: product.id, unit_amount: 2000, interval: 'month' });
    const sub = await call(`${t}/subscriptions`, {
      customer: customer.id,
      price: price.id,
      trial_period_days: 14,
    });

    const page = await app.signIn(tenant.id, 'owner@customer.test', 'owner');
    await page.getByTestId('nav-customers').click();
    await page.getByTestId(`customer-open-${customer.id}`).click();
    await page.waitForURL(`**/tenants/${tenant.id}/customers/${customer.id}`);
    expect(await page.getByTestId('customer-detail-name').innerText()).toBe('Ada');
    expect(await page.getByTestId('customer-detail-email').innerText()).toBe('ada@example.com');
    expect(await page.getByTestId('customer-metadata-plan').innerText()).toBe('gold');

    // saved cards: the Visa is the default; make the Mastercard the default, then remove the Visa
    const visaRow = page.getByTestId(`pm-row-${visa.id}`);
    const mcRow = page.getByTestId(`pm-row-${mastercard.id}`);
    await visaRow.waitFor();
    expect(await visaRow.innerText()).toContain('4242');
    expect(await visaRow.getAttribute('data-default')).toBe('true');
    expect(await mcRow.getAttribute('data-default')).toBe('false');
    await page.getByTestId(`pm-default-${mastercard.id}`).click();
    await expect.poll(() => mcRow.getAttribute('data-default')).toBe('true');
    expect((await call(c)).default_payment_method).toBe(mastercard.id);
    expect(await visaRow.getAttribute('data-default')).toBe('false');
    await page.getByTestId(`pm-detach-${visa.id}`).click();
    await page.getByTestId('confirm-detach').click();
    await visaRow.waitFor({ state: 'detached' });
    const methods = (await call(`${c}/payment_methods`)).data.map((m: { id: string }) => m.id);
    expect(methods).toEqual([mastercard.id]);

    // the customer's payments (not Bob's), invoice and subscription
    await page.getByTestId(`payment-row-${pay.id}`).waitFor();
    expect(await page.getByTestId(`payment-row-${bobPay.id}`).count()).toBe(0);
    await page.getByTestId(`invoice-row-${invoice.id}`).waitFor();
    expect(await page.getByTestId(`subscription-row-${sub.id}`).getAttribute('data-status')).toBe('trialing');

    // edit: a bad email stays on the page; then name and metadata (a changed, an added, a removed key)
    await page.getByTestId('customer-edit-button').click();
    await page.getByTestId('customer-edit-email').fill('not-an-email');
    await page.getByTestId('customer-edit-submit').click();
    expect(await page.getByTestId('customer-edit-error').innerText()).toContain('not an email address');
    expect((await call(c)).email).toBe('ada@example.com');
    await page.getByTestId('customer-edit-email').fill('ada@lovelace.example');
    await page.getByTestId('customer-edit-name').fill('Ada Lovelace');
    await page.getByTestId('customer-edit-metadata-value-0').fill('platinum');
    await page.getByTestId('customer-edit-metadata-add').click();
    await page.getByTestId('customer-edit-metadata-key-1').fill('team');
    await page.getByTestId('customer-edit-metadata-value-1').fill('core');
    await page.getByTestId('customer-edit-submit').click();
    await page.getByTestId('customer-edit-dialog').waitFor({ state: 'hidden' });
    expect(await call(c)).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@lovelace.example',
      metadata: { plan: 'platinum', team: 'core' },
    });
    await expect.poll(() => page.getByTestId('customer-detail-name').innerText()).toBe('Ada Lovelace');
    expect(await page.getByTestId('customer-metadata-team').innerText()).toBe('core');
    await page.getByTestId('customer-edit-button').click();
    await page.getByRole('button', { name: 'Remove key' }).first().click();
    await page.getByTestId('customer-edit-submit').click();
    await page.getByTestId('customer-edit-dialog').waitFor({ state: 'hidden' });
    expect((await call(c)).metadata).toEqual({ team: 'core' });
    await page.getByTestId('customer-metadata-plan').waitFor({ state: 'detached' });

    // the portal opens in a new tab on the link the server made
    const [tab] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByTestId('portal-button').click(),
    ]);
    const link = page.getByTestId('portal-link');
    await link.waitFor();
    const url = (await link.getAttribute('href'))!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/p\/session\//);
    await tab.waitForURL(url);

    // the payment opens its detail page
    await page.getByTestId(`payment-open-${pay.id}`).click();
    await page.waitForURL(`**/payments/${pay.id}`);

    // a member reads the same page without the controls
    const member = await app.signIn(tenant.id, 'member@customer.test', 'member');
    await member.goto(`${app.base}/tenants/${tenant.id}/customers/${customer.id}`);
    await member.getByTestId(`pm-row-${mastercard.id}`).waitFor();
    await member.getByTestId('read-only-notice').waitFor();
    await member.getByTestId(`payment-row-${pay.id}`).waitFor();
    for (const id of ['customer-edit-button', 'portal-button', `pm-detach-${mastercard.id}`]) {
      expect(await member.getByTestId(id).count(), id).toBe(0);
    }
  });
});
