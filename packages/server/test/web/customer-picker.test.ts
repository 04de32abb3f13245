import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';

/**
 * Customers tie invoices and subscriptions together in Chromium: a customer found as you type (or made
 * inline) in the invoice and subscription forms, an invoice by e-mail on its customer's page, a form's empty
 * optional fields left out, and the subscriptions list naming customer, plan and amount.
 */
describe('Customer picker in Chromium', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp({ PLATFORM_FEE_BPS: '250' });
  });
  afterAll(() => app?.close());
  const call: BrowserApp['call'] = (path, body) => app.call(path, body);

  it('an invoice by e-mail lands on its customer page; a customer is picked in the invoice and subscription forms', async () => {
    const tenant = await call('/v1/tenants', { name: 'Browser picker' });
    const t = `/v1/tenants/${tenant.id}`;
    await app.connectEnabled(tenant.id);
    const ada = await call(`${t}/customers`, { email: 'ada@example.com', name: 'Ada Lovelace' });
    const page = await app.signIn(tenant.id, 'owner@picker.test', 'owner');
    await page.getByTestId('nav-invoices').click();
    await page.waitForURL(`**/tenants/${tenant.id}/invoices`);

    const draft = async (email: string | null) => {
      await page.getByTestId('new-invoice-button').click();
      await page.getByTestId('invoice-line-description-0').fill('Consulting');
      await page.getByTestId('invoice-line-amount-0').fill('120');
      if (email) await page.getByTestId('invoice-email').fill(email);
    };
    const newest = async () => (await call(`${t}/invoices`)).data[0];

    // no e-mail, no notes, no reference: the empty fields are left out, and the draft is made
    await draft(null);
    await page.getByTestId('invoice-submit').click();
    await page.getByTestId('invoice-dialog').waitFor({ state: 'detached' });
    const bare = await newest();
    expect(bare).toMatchObject({ customer: null, customer_email: null, notes: null });

    // typed to a new e-mail: the invoice belongs to the customer made for that e-mail, whose page lists it
    await draft('grace@example.com');
    await page.getByTestId('invoice-submit').click();
    await page.getByTestId('invoice-dialog').waitFor({ state: 'detached' });
    const byEmail = await newest();
    expect(byEmail).toMatchObject({
      customer_email: 'grace@example.com',
      customer: expect.stringMatching(/^cust_/),
    });
    await page.goto(`${app.base}/tenants/${tenant.id}/customers/${byEmail.customer}`);
    await page.getByTestId(`invoice-row-${byEmail.id}`).waitFor();

    // found as you type part of the name, then picked
    await page.goto(`${app.base}/tenants/${tenant.id}/invoices`);
    await draft(null);
    await page.getByTestId('invoice-email').fill('lovel');
    await page.getByTestId(`invoice-email-option-${ada.id}`).click();
    expect(await page.getByTestId('invoice-email-selected').getAttribute('data-customer-id')).toBe(ada.id);
    await page.getByTestId('invoice-submit').click();
    await page.getByTestId('invoice-dialog').waitFor({ state: 'detached' });
    expect(await newest()).toMatchObject({ customer: ada.id, customer_email: 'ada@example.com' });

    // an edit that types an e-mail moves the invoice to that e-mail's customer
    await page.getByTestId(`invoice-edit-${bare.id}`).click();
    await page.getByTestId('invoice-email').fill('grace@example.com');
    await page.getByTestId('invoice-submit').click();
    await page.getByTestId('invoice-dialog').waitFor({ state: 'detached' });
    expect(await call(`${t}/invoices/${bare.id}`)).toMatchObject({ customer: byEmail.customer });

    // subscriptions: a plan, then a customer made inline in the subscribe form
    await page.getByTestId('nav-subscriptions').click();
    await page.waitForURL(`**/tenants/${tenant.id}/subscriptions`);
    await page.getByTestId('new-plan-button').click();
    await page.getByTestId('plan-name').fill('Gold');
    await page.getByTestId('plan-amount').fill('25');
    await page.getByTestId('plan-submit').click();
    await page.getByTestId('plan-dialog').waitFor({ state: 'detached' });
    const price = (await call(`${t}/prices`)).data[0];
    await page.getByTestId('new-subscription-button').click();
    await page.getByTestId('subscribe-customer').fill('linus@example.com');
    await page.getByTestId('subscribe-customer-create').click();
    await page.getByTestId('subscribe-customer-selected').waitFor();
    await page.getByTestId('subscribe-price').selectOption(price.id);
    await page.getByTestId('subscribe-quantity').fill('2');
    await page.getByTestId('subscribe-trial').fill('7');
    await page.getByTestId('subscribe-submit').click();
    await expect.poll(async () => (await call(`${t}/subscriptions`)).data.length).toBe(1);
    const sub = (await call(`${t}/subscriptions`)).data[0];
    const linus = (await call(`${t}/customers?email=linus%40example.com`)).data[0];
    expect(sub.customer).toBe(linus.id);

    // the list names the customer, the plan and its amount, not ids
    await page.getByTestId(`subscription-row-${sub.id}`).waitFor();
    expect(await page.getByTestId(`subscription-customer-${sub.id}`).innerText()).toContain(
      'linus@example.com',
    );
    expect(await page.getByTestId(`subscription-plan-${sub.id}`).innerText()).toBe('Gold');
    expect(await page.getByTestId(`subscription-amount-${sub.id}`).innerText()).toContain('$50.00 / month');
  });

  it('the API takes null for an optional invoice field as absent and says what to do for other nulls', async () => {
    const tenant = await call('/v1/tenants', { name: 'Null fields' });
    const t = `/v1/tenants/${tenant.id}`;
    const lines = [{ description: 'Work', quantity: 1, unit_amount: 5000 }];
    const inv = await call(`${t}/invoices`, { lines, customer_email: null, customer: null });
    expect(inv).toMatchObject({ customer: null, customer_email: null });
    const refused = await app.request(`${t}/invoices`, { lines, currency: null });
    expect(refused.status).toBe(400);
    const { error } = await refused.json();
    expect(error).toMatchObject({ code: 'parameter_invalid', param: 'currency' });
    expect(error.message).toBe('Invalid currency: it cannot be null here; omit currency to leave it unset.');
    // amounts out of range are said in the currency's major units, never in cents
    const big = await app.request(`${t}/invoices`, {
      currency: 'usd',
      lines: [{ description: 'Work', quantity: 1, unit_amount: 100_000_000 }],
    });
    expect((await big.json()).error.message).toBe('Invalid lines[0][unit_amount]: at most $999,999.99');
    const fee = await app.request(`${t}/fee_schedule`, { fixed: { usd: 100_000_000 } });
    expect((await fee.json()).error.message).toBe('Invalid fixed[usd]: at most $999,999.99');
    const negative = await app.request(`${t}/fee_schedule`, { min: { jpy: -5 } });
    expect((await negative.json()).error.message).toBe('Invalid min[jpy]: cannot be negative');
    const yen = await app.request(`${t}/payment_intents`, { amount: 10, currency: 'jpy' });
    expect((await yen.json()).error.message).toBe('Invalid amount: at least ¥50');
    const total = await app.request(`${t}/invoices`, {
      currency: 'eur',
      lines: [{ description: 'Work', quantity: 1_000, unit_amount: 99_999_999 }],
    });
    expect((await total.json()).error.message).toBe(
      'The invoice total (€999,999,990.00) must be at most €999,999.99.',
    );
  });
});
