import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';

/** The Invoices and Subscriptions pages in Chromium, against the sandbox. */
describe('Invoices and Subscriptions pages in Chromium', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp({ PLATFORM_FEE_BPS: '250' });
  });
  afterAll(() => app?.close());
  const call: BrowserApp['call'] = (path, body) => app.call(path, body);
  const signIn = (tenantId: string, email: string, role: string) => app.signIn(tenantId, email, role);

  it('owner creates, edits and sends an invoice and copies its link; subscribes a customer; members read only', async () => {
    const tenant = await call('/v1/tenants', { name: 'Browser invoices' });
    const t = `/v1/tenants/${tenant.id}`;
    await app.connectEnabled(tenant.id);

    const page = await signIn(tenant.id, 'owner@invoices.test', 'owner');
    await page.getByTestId('nav-invoices').click();
    await page.waitForURL(`**/tenants/${tenant.id}/invoices`);
    await page.getByTestId('new-invoice-button').click();
    await page.getByTestId('invoice-line-description-0').fill('Logo design');
    await page.getByTestId('invoice-line-quantity-0').fill('2');
    await page.getByTestId('invoice-line-amount-0').fill('30');
    await page.getByTestId('invoice-add-line').click();
    await page.getByTestId('invoice-line-description-1').fill('Hosting');
    await page.getByTestId('invoice-line-amount-1').fill('40.00');
    await page.getByTestId('invoice-email').fill('client@example.com');
    await page.getByTestId('invoice-reference').fill('PRJ-42');
    expect(await page.getByTestId('invoice-total').innerText()).toContain('$100.00');
    await page.getByTestId('invoice-submit').click();

    await expect.poll(async () => (await call(`${t}/invoices`)).data.length).toBe(1);
    const list = await call(`${t}/invoices`);
    const inv = list.data[0];
    expect(inv).toMatchObject({ status: 'draft', amount_total: 10_000, external_reference: 'PRJ-42' });
    const row = page.getByTestId(`invoice-row-${inv.id}`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('draft');

    // edit the draft, then send it: its link is shown to copy
    await page.getByTestId(`invoice-edit-${inv.id}`).click();
    await page.getByTestId('invoice-notes').fill('Net 14');
    await page.getByTestId('invoice-submit').click();
    await expect.poll(async () => (await call(`${t}/invoices/${inv.id}`)).notes).toBe('Net 14');
    await page.getByTestId(`invoice-send-${inv.id}`).click();
    // sending asks first, naming the amount and the customer
    const ask = page.getByTestId('confirm-dialog');
    expect(await ask.innerText()).toContain('$100.00 to client@example.com');
    await page.getByTestId(`invoice-send-confirm-${inv.id}`).click();
    const copy = page.getByTestId(`invoice-copy-${inv.id}`);
    await copy.waitFor();
    expect(await row.getAttribute('data-status')).toBe('open');
    const sent = await call(`${t}/invoices/${inv.id}`);
    expect(await copy.getAttribute('data-url')).toBe(sent.payment_link.url);
    await page.getByTestId('invoices-filter-status').selectOption('paid');
    await expect.poll(() => page.getByTestId(`invoice-row-${inv.id}`).count()).toBe(0);
    await page.getByTestId('invoices-filter-status').selectOption('open');
    await page.getByTestId(`invoice-row-${inv.id}`).waitFor();

    // Subscriptions: a plan, then a trialing subscription for a customer
    const customer = await call(`${t}/customers`, { email: 'member@example.com' });
    await page.getByTestId('nav-subscriptions').click();
    await page.waitForURL(`**/tenants/${tenant.id}/subscriptions`);
    await page.getByTestId('new-plan-button').click();
    await page.getByTestId('plan-name').fill('Gold');
    await page.getByTestId('plan-amount').fill('25');
    await page.getByTestId('plan-submit').click();
    await expect.poll(async () => (await call(`${t}/prices`)).data.length).toBe(1);
    await page.getByTestId('new-subscription-button').click();
    await page.getByTestId('subscribe-customer').fill('member@');
    await page.getByTestId(`subscribe-customer-option-${customer.id}`).click();
    const price = (await call(`${t}/prices`)).data[0];
    await page.getByTestId('subscribe-price').selectOption(price.id);
    await page.getByTestId('subscribe-trial').fill('14');
    await page.getByTestId('subscribe-submit').click();
    await expect.poll(async () => (await call(`${t}/subscriptions`)).data.length).toBe(1);
    const sub = (await call(`${t}/subscriptions`)).data[0];
    const subRow = page.getByTestId(`subscription-row-${sub.id}`);
    await subRow.waitFor();
    expect(await subRow.getAttribute('data-status')).toBe('trialing');
    await subRow.click();
    await page.getByTestId('subscription-cancel-at-period-end').click();
    expect(await page.getByTestId('confirm-dialog').innerText()).toContain('member@example.com keeps Gold');
    await page.getByTestId('subscription-cancel-at-period-end-confirm').click();
    await expect
      .poll(async () => (await call(`${t}/subscriptions/${sub.id}`)).cancel_at_period_end)
      .toBe(true);

    // a member reads but cannot create, send or cancel
    const member = await signIn(tenant.id, 'member@invoices.test', 'member');
    await member.getByTestId('nav-invoices').click();
    await member.getByTestId(`invoice-row-${inv.id}`).waitFor();
    expect(await member.getByTestId('new-invoice-button').count()).toBe(0);
    expect(await member.getByTestId(`invoice-void-${inv.id}`).count()).toBe(0);
    await member.getByTestId('read-only-notice').waitFor();
    await member.getByTestId('nav-subscriptions').click();
    await member.getByTestId(`subscription-row-${sub.id}`).waitFor();
    expect(await member.getByTestId('new-subscription-button').count()).toBe(0);
  });

  it("reads typed amounts by each currency's decimals: JPY none, BHD three, USD two", async () => {
    const tenant = await call('/v1/tenants', { name: 'Browser currencies' });
    const t = `/v1/tenants/${tenant.id}`;
    await app.connectEnabled(tenant.id);
    const page = await signIn(tenant.id, 'owner@currencies.test', 'owner');
    await page.getByTestId('nav-invoices').click();
    await page.waitForURL(`**/tenants/${tenant.id}/invoices`);

    // JPY has no minor unit: "1500" is ¥1,500, stored as 1500
    await page.getByTestId('new-invoice-button').click();
    await page.getByTestId('invoice-line-description-0').fill('Tea set');
    await page.getByTestId('invoice-line-amount-0').fill('1500');
    await page.getByTestId('invoice-email').fill('client@example.jp');
    await page.getByTestId('invoice-currency').selectOption('jpy');
    expect(await page.getByTestId('invoice-total').innerText()).toContain('1,500');
    await page.getByTestId('invoice-submit').click();
    await expect.poll(async () => (await call(`${t}/invoices`)).data.length).toBe(1);
    const yen = (await call(`${t}/invoices`)).data[0];
    expect(yen).toMatchObject({ currency: 'jpy', amount_total: 1500, lines: [{ unit_amount: 1500 }] });

    // BHD has three decimals: 2500 fils shows as "2.500"; "1.5" is stored as 1500
    const dinar = await call(`${t}/invoices`, {
      currency: 'bhd',
      customer_email: 'client@example.bh',
      lines: [{ description: 'Dates', quantity: 1, unit_amount: 2500 }],
    });
    await page.reload();
    await page.getByTestId(`invoice-edit-${dinar.id}`).click();
    expect(await page.getByTestId('invoice-line-amount-0').inputValue()).toBe('2.500');
    expect(await page.getByTestId('invoice-currency').inputValue()).toBe('bhd');
    await page.getByTestId('invoice-line-amount-0').fill('1.5');
    await page.getByTestId('invoice-submit').click();
    await expect.poll(async () => (await call(`${t}/invoices/${dinar.id}`)).lines[0].unit_amount).toBe(1500);

    // plans: a JPY price "1500" → 1500, a USD price "15.5" → 1550
    await page.getByTestId('nav-subscriptions').click();
    await page.waitForURL(`**/tenants/${tenant.id}/subscriptions`);
    for (const [name, amount, currency] of [
      ['Yen plan', '1500', 'jpy'],
      ['Dollar plan', '15.5', 'usd'],
    ] as const) {
      await page.getByTestId('new-plan-button').click();
      await page.getByTestId('plan-name').fill(name);
      await page.getByTestId('plan-amount').fill(amount);
      await page.getByTestId('plan-currency').selectOption(currency);
      await page.getByTestId('plan-submit').click();
      await page.getByTestId('plan-dialog').waitFor({ state: 'detached' });
    }
    const prices = (await call(`${t}/prices`)).data;
    expect(
      prices.map((p: { currency: string; unit_amount: number }) => [p.currency, p.unit_amount]).sort(),
    ).toEqual([
      ['jpy', 1500],
      ['usd', 1550],
    ]);
  });
});
