import type { Page } from 'playwright-core';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultFreePlan, type PlanFixture, paidPlan } from '../billing/plan-fixtures.ts';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';

/**
 * The Billing page's billing account in Chromium, with the webhook pipeline running: an owner adds cards on
 * Stripe's hosted page (the sandbox's) and comes back to Billing, where the first shows as the default once
 * its webhook is in; a second is removed; the plan's paid invoice is in the history with its lines and a PDF
 * that downloads; a member sees all of it without the buttons that change it.
 */
interface Method {
  id: string;
  last4: string;
  is_default: boolean;
}

describe('Billing account on the Billing page in Chromium', () => {
  let app: BrowserApp;
  let stripe: Stripe;
  let pro: PlanFixture;
  beforeAll(async () => {
    app = await startBrowserApp(
      { CONNECT_ACCOUNT_KIND: 'express', WEBHOOK_RETRY_DELAY_SECONDS: '1' },
      { webhooks: true },
    );
    stripe = new Stripe('sk_test_x', { host: '127.0.0.1', port: app.sandbox.port, protocol: 'http' });
    await defaultFreePlan({ database: app.running.database });
    pro = await paidPlan({ database: app.running.database }, stripe, { name: 'Pro', amount: 2900 });
  });
  afterAll(() => app?.close());

  /** how long waits for what webhooks bring */
  const webhooks = { timeout: 30_000 };

  /** "Add payment method" → Stripe's page in the same tab → a card saved → back to Billing. */
  async function addCard(page: Page, tenantId: string, card: string): Promise<void> {
    await Promise.all([page.waitForURL('**/c/pay/cs_*'), page.getByTestId('billing-pm-add').click()]);
    await page.fill('#card_number', card);
    await page.fill('#exp', '12 / 34');
    await page.fill('#cvc', '123');
    await Promise.all([
      page.waitForURL(`**/tenants/${tenantId}/billing?payment_method=added&checkout_session=cs_*`),
      page.click('#submit'),
    ]);
    await page.getByTestId('toast').filter({ hasText: 'Payment method saved' }).waitFor();
  }

  /** The tenant's newest plan invoice, read from Stripe into the history first. */
  async function latestInvoice(t: string): Promise<{ id: string; status: string }> {
    await app.call(`${t}/billing/invoices/refresh`, {});
    return (await app.call(`${t}/billing/invoices`)).data[0];
  }

  it('adds a card (the default), removes a second, shows the paid plan invoice; a member only reads', async () => {
    const tenant = await app.call('/v1/tenants', { name: 'Account Acme' });
    const t = `/v1/tenants/${tenant.id}`;
    const methods = async () => (await app.call(`${t}/billing/payment_methods`)).data as Method[];
    const page = await app.signIn(tenant.id, 'owner@account-acme.test', 'owner');
    await page.goto(`${app.base}/tenants/${tenant.id}/billing`);
    await page.getByTestId('billing-payment-methods').getByText('No payment method').waitFor();
    expect(await page.getByTestId('billing-upcoming-none').count()).toBe(1);

    // the first card: the page reads the list again until the webhook brings it, made the default
    await addCard(page, tenant.id, '4242 4242 4242 4242');
    await expect
      .poll(async () => (await methods()).map((m) => [m.last4, m.is_default]), webhooks)
      .toEqual([['4242', true]]);
    const [visa] = await methods();
    const visaRow = page.getByTestId(`billing-pm-${visa!.id}`);
    await page.locator(`[data-testid="billing-pm-${visa!.id}"][data-default="true"]`).waitFor(webhooks);
    expect(await page.getByTestId(`billing-pm-label-${visa!.id}`).innerText()).toBe('Visa •••• 4242');
    expect(await visaRow.getByTestId(`billing-pm-default-badge-${visa!.id}`).innerText()).toBe('Default');
    expect(await visaRow.innerText()).toContain('Expires 12/2034');
    // back from the page, the address is Billing's own again
    await page.waitForURL(`**/tenants/${tenant.id}/billing`);

    // a second card, not the default; removed after a confirmation
    await addCard(page, tenant.id, '5555 5555 5555 4444');
    await expect.poll(async () => (await methods()).length, webhooks).toBe(2);
    const mastercard = (await methods()).find((m) => m.id !== visa!.id)!;
    const mcRow = page.getByTestId(`billing-pm-${mastercard.id}`);
    await mcRow.waitFor(webhooks);
    expect(await mcRow.getAttribute('data-default')).toBe('false');
    expect(await page.getByTestId(`billing-pm-label-${mastercard.id}`).innerText()).toBe(
      'Mastercard •••• 4444',
    );
    // Make default moves the badge, and back
    const pairs: [Method, Method][] = [
      [mastercard, visa!],
      [visa!, mastercard],
    ];
    for (const [to, from] of pairs) {
      await page.getByTestId(`billing-pm-make-default-${to.id}`).click();
      await page.locator(`[data-testid="billing-pm-${to.id}"][data-default="true"]`).waitFor();
      expect(await page.getByTestId(`billing-pm-${from.id}`).getAttribute('data-default')).toBe('false');
    }
    await page.getByTestId(`billing-pm-remove-${mastercard.id}`).click();
    await page.getByTestId('billing-pm-confirm-remove').click();
    await mcRow.waitFor({ state: 'detached' });
    expect((await methods()).map((m) => m.id)).toEqual([visa!.id]);

    // the billing contact, its refusal shown under the field it names
    await page.getByTestId('invoice-contact-email').fill('ap@account-acme.test');
    await page.getByTestId('invoice-contact-name').fill('Acme Accounts');
    await page.getByTestId('invoice-contact-line1').fill('1 Main St');
    await page.getByTestId('invoice-contact-city').fill('Springfield');
    await page.getByTestId('invoice-contact-postal-code').fill('12345');
    await page.getByTestId('invoice-contact-country').fill('U1');
    await page.getByTestId('invoice-contact-save').click();
    await page.getByTestId('invoice-contact-error-country').waitFor();
    await page.getByTestId('invoice-contact-country').fill('us');
    await page.getByTestId('invoice-contact-save').click();
    await page.getByTestId('toast').filter({ hasText: 'Billing contact saved' }).waitFor();
    expect(await app.call(`${t}/billing/contact`)).toMatchObject({
      email: 'ap@account-acme.test',
      name: 'Acme Accounts',
      address: { country: 'US', postal_code: '12345' },
    });

    // the paid plan: its first invoice is charged to the default card
    await app.call(`${t}/billing/plan`, { plan: pro.lookupKey, currency: 'usd', interval: 'month' });
    const latest = await latestInvoice(t);
    if (latest.status !== 'paid') await stripe.invoices.pay(latest.id, { payment_method: visa!.id });
    // Refresh reads Stripe's invoices into the history (the webhook may already have)
    await page.getByTestId('billing-invoices-refresh').click();
    const row = page.locator(`[data-testid="billing-invoice-${latest.id}"][data-status="paid"]`);
    await row.waitFor(webhooks);
    expect(await page.getByTestId(`billing-invoice-amount-${latest.id}`).innerText()).toBe('$29.00');
    expect(await page.getByTestId(`billing-invoice-status-${latest.id}`).innerText()).toBe('paid');
    expect(await page.getByTestId(`billing-invoice-view-${latest.id}`).getAttribute('href')).toMatch(/^http/);
    const pdfHref = (await page.getByTestId(`billing-invoice-pdf-${latest.id}`).getAttribute('href'))!;
    const pdf = await fetch(pdfHref);
    expect(pdf.status).toBe(200);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('%PDF');
    await page.getByTestId(`billing-invoice-expand-${latest.id}`).click();
    const lines = page.getByTestId(`billing-invoice-lines-${latest.id}`);
    await lines.waitFor();
    expect(await lines.getByTestId('billing-line').first().innerText()).toContain('$29.00');
    // the next invoice, beside the plan
    await page.reload();
    expect(await page.getByTestId('billing-upcoming-amount').innerText()).toBe('$29.00');

    // a member: the methods, contact and history, with no button that changes them
    const member = await app.signIn(tenant.id, 'member@account-acme.test', 'member');
    await member.goto(`${app.base}/tenants/${tenant.id}/billing`);
    await member.getByTestId(`billing-pm-${visa!.id}`).waitFor();
    await member.getByTestId(`billing-invoice-${latest.id}`).waitFor();
    expect(await member.getByTestId('read-only-notice').count()).toBe(1);
    for (const id of [
      'billing-pm-add',
      `billing-pm-remove-${visa!.id}`,
      `billing-pm-make-default-${visa!.id}`,
      'invoice-contact-save',
    ])
      expect(await member.getByTestId(id).count(), id).toBe(0);
    expect(await member.getByTestId('invoice-contact-email').isDisabled()).toBe(true);
  });

  it('back from a canceled page; the only method with an open invoice is kept, said in words; a credit shows', async () => {
    const tenant = await app.call('/v1/tenants', { name: 'Open Acme' });
    const t = `/v1/tenants/${tenant.id}`;
    // the paid plan with no payment method: its first invoice waits open
    await app.call(`${t}/billing/plan`, { plan: pro.lookupKey, currency: 'usd', interval: 'month' });
    const page = await app.signIn(tenant.id, 'owner@open-acme.test', 'owner');
    await page.goto(`${app.base}/tenants/${tenant.id}/billing?payment_method=canceled`);
    await page.getByTestId('toast').filter({ hasText: 'No payment method was added' }).waitFor();
    await page.waitForURL(`**/tenants/${tenant.id}/billing`);

    await addCard(page, tenant.id, '4242 4242 4242 4242');
    const methods = async () => (await app.call(`${t}/billing/payment_methods`)).data as Method[];
    await expect.poll(async () => (await methods()).map((m) => m.is_default), webhooks).toEqual([true]);
    const [only] = await methods();
    expect((await latestInvoice(t)).status).toBe('open');
    await page.getByTestId(`billing-pm-remove-${only!.id}`).click();
    await page.getByTestId('billing-pm-confirm-remove').click();
    await page
      .getByTestId('confirm-dialog')
      .getByText('This is your only payment method and a plan invoice is still open')
      .waitFor();
    expect((await app.call(`${t}/billing/payment_methods`)).data).toHaveLength(1);

    // the platform's credit, beside the plan
    await app.call(`${t}/billing/credits`, { amount: 1000, currency: 'usd', description: 'Goodwill' });
    await page.reload();
    expect(await page.getByTestId('billing-credit').innerText()).toBe(
      '$10.00 credit applied to your next invoice',
    );
  });

  it("a credit in a zero- or three-decimal currency is shown in that currency's own units", async () => {
    for (const [currency, amount, shown] of [
      ['jpy', 1000, '¥1,000'],
      ['kwd', 1500, '1.500'],
    ] as const) {
      const tenant = await app.call('/v1/tenants', { name: `Credit ${currency}` });
      await app.call(`/v1/tenants/${tenant.id}/billing/credits`, {
        amount,
        currency,
        description: 'Welcome',
      });
      const page = await app.signIn(tenant.id, `owner@credit-${currency}.test`, 'owner');
      await page.goto(`${app.base}/tenants/${tenant.id}/billing`);
      const credit = page.getByTestId('billing-credit');
      await credit.waitFor();
      expect(await credit.innerText()).toContain(shown);
      expect(await credit.innerText()).toContain('credit applied to your next invoice');
    }
  });
});
