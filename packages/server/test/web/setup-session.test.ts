import type { Page } from 'playwright-core';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';

/**
 * Saving a card on Stripe's hosted setup page (Checkout in setup mode) in Chromium, with the webhook pipeline
 * running: the method arrives by `payment_method.attached`, and the first one becomes the customer's default
 * by `setup_intent.succeeded`. Both account kinds: the customer lives on the connected account (Standard-like)
 * or on the platform (Express-like).
 */
interface Method {
  id: string;
  is_default: boolean;
  card: { brand: string; last4: string } | null;
}

for (const kind of ['express', 'standard'] as const) {
  describe(`Add a payment method on Stripe's setup page (${kind}-like) in Chromium`, () => {
    let app: BrowserApp;
    beforeAll(async () => {
      app = await startBrowserApp(
        { PLATFORM_FEE_BPS: '250', CONNECT_ACCOUNT_KIND: kind, WEBHOOK_RETRY_DELAY_SECONDS: '1' },
        { webhooks: true },
      );
    });
    afterAll(() => app?.close());

    /** how long expect.poll waits for what webhooks bring */
    const webhooks = { timeout: 30_000, interval: 100 };

    const fillCard = async (page: Page, card: string) => {
      await page.fill('#card_number', card);
      await page.fill('#exp', '12 / 34');
      await page.fill('#cvc', '123');
    };

    it('a setup session from the API saves the first card as the default; the dashboard adds another, the default stays', async () => {
      const tenant = await app.call('/v1/tenants', { name: `Setup page ${kind}` });
      const t = `/v1/tenants/${tenant.id}`;
      await app.connectEnabled(tenant.id);
      const customer = await app.call(`${t}/customers`, {
        email: `saver-${kind}@example.com`,
        name: 'Saver',
      });
      const c = `${t}/customers/${customer.id}`;
      const methods = async () => (await app.call(`${c}/payment_methods`)).data as Method[];

      // the platform's app asks for the page and hands its URL to the customer
      const session = await app.call(`${c}/setup_sessions`, {
        success_url: `${app.sandbox.url}/c/done/{CHECKOUT_SESSION_ID}`,
        cancel_url: `${app.base}/cancelled`,
      });
      expect(session).toMatchObject({ object: 'setup_session', id: expect.stringMatching(/^cs_/) });
      const buyer = await app.browser.newPage();
      try {
        await buyer.goto(session.url);
        expect(await buyer.textContent('#submit')).toContain('Save card');
        await fillCard(buyer, '4242 4242 4242 4242');
        await Promise.all([buyer.waitForURL(`**/c/done/${session.id}`), buyer.click('#submit')]);
      } finally {
        await buyer.close();
      }
      // saved by payment_method.attached, made the default by setup_intent.succeeded's follow-up
      await expect
        .poll(async () => (await methods()).map((m) => [m.card?.last4, m.is_default]), webhooks)
        .toEqual([['4242', true]]);
      const [visa] = await methods();
      expect((await app.call(c)).default_payment_method).toBe(visa!.id);

      // the dashboard: "Add payment method" opens the page in a new tab; it comes back to the customer
      const page = await app.signIn(tenant.id, `owner-${kind}@setup.test`, 'owner');
      await page.goto(`${app.base}/tenants/${tenant.id}/customers/${customer.id}`);
      const visaRow = page.getByTestId(`pm-row-${visa!.id}`);
      await visaRow.waitFor();
      expect(await visaRow.getAttribute('data-default')).toBe('true');
      const [tab] = await Promise.all([
        page.context().waitForEvent('page'),
        page.getByTestId('add-payment-method-button').click(),
      ]);
      const link = page.getByTestId('setup-link');
      await link.waitFor();
      const url = (await link.getAttribute('href'))!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/c\/pay\/cs_/);
      await tab.waitForURL(url);
      await fillCard(tab, '5555 5555 5555 4444');
      await Promise.all([
        tab.waitForURL(`**/tenants/${tenant.id}/customers/${customer.id}?setup=complete`),
        tab.click('#submit'),
      ]);
      // both tabs show the new card once its webhook is in (the page reads the methods again meanwhile)
      await expect.poll(async () => (await methods()).length, webhooks).toBe(2);
      const mastercard = (await methods()).find((m) => m.id !== visa!.id)!;
      expect(mastercard).toMatchObject({ card: { brand: 'mastercard', last4: '4444' }, is_default: false });
      for (const p of [page, tab]) {
        const row = p.getByTestId(`pm-row-${mastercard.id}`);
        await row.waitFor({ timeout: 30_000 });
        expect(await row.getAttribute('data-default')).toBe('false');
        expect(await p.getByTestId(`pm-row-${visa!.id}`).getAttribute('data-default')).toBe('true');
      }
      // the first card stays the default: the second was saved for a customer who had one
      expect((await app.call(c)).default_payment_method).toBe(visa!.id);

      // members see the cards but cannot open the setup page
      const member = await app.signIn(tenant.id, `member-${kind}@setup.test`, 'member');
      await member.goto(`${app.base}/tenants/${tenant.id}/customers/${customer.id}`);
      await member.getByTestId(`pm-row-${mastercard.id}`).waitFor();
      expect(await member.getByTestId('add-payment-method-button').count()).toBe(0);
    });

    it('a payment declined, then paid with another card: two records, each showing the other', async () => {
      const tenant = await app.call('/v1/tenants', { name: `Attempts ${kind}` });
      const t = `/v1/tenants/${tenant.id}`;
      const acct = await app.connectEnabled(tenant.id);
      const customer = await app.call(`${t}/customers`, { email: `attempts-${kind}@example.com` });
      const pay = await app.call(`${t}/payment_intents`, {
        amount: 5000,
        currency: 'usd',
        customer: customer.id,
      });
      // the customer's browser confirms with Stripe.js on the account the charge is made on
      const stripe = new Stripe('sk_test_x', {
        host: '127.0.0.1',
        port: Number(new URL(app.sandbox.url).port),
        protocol: 'http',
      });
      const on = kind === 'standard' ? { stripeAccount: acct } : undefined;
      await stripe.paymentIntents
        .confirm(pay.stripe.payment_intent, { payment_method: 'pm_card_chargeDeclined' }, on)
        .catch(() => null);
      await stripe.paymentIntents.confirm(pay.stripe.payment_intent, { payment_method: 'pm_card_visa' }, on);
      const attempts = async () =>
        (await app.call(`${t}/payments?q=${pay.stripe.payment_intent}`)).data as {
          id: string;
          status: string;
        }[];
      // which attempt keeps the id the API answered with depends on which charge's event came first
      const statuses = async () =>
        (await attempts())
          .map((a) => a.status)
          .sort()
          .join();
      await expect.poll(statuses, webhooks).toBe('failed,succeeded');
      const all = await attempts();
      const ok = all.find((a) => a.status === 'succeeded');
      const failed = all.find((a) => a.status === 'failed');

      const page = await app.signIn(tenant.id, `owner-attempts-${kind}@setup.test`, 'owner');
      await page.goto(`${app.base}/tenants/${tenant.id}/payments/${failed!.id}`);
      const card = page.getByTestId('payment-attempts');
      await card.waitFor();
      expect(await card.getByTestId(`payment-row-${ok!.id}`).getAttribute('data-status')).toBe('succeeded');
      expect(await card.getByTestId(`payment-row-${failed!.id}`).getAttribute('data-status')).toBe('failed');
      expect(await page.getByTestId('refund-button').count()).toBe(0);
      await card.getByTestId(`payment-open-${ok!.id}`).click();
      await page.waitForURL(`**/payments/${ok!.id}`);
      await page.getByTestId('refund-button').waitFor();
    });
  });
}
