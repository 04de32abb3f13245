import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';
import { waitFor } from '../helpers/webhooks.ts';

/**
 * EUR and JPY end to end in Chromium, on both account kinds: an invoice's link paid on the sandbox's hosted
 * page, then the dashboard's Payments list and payment page show the exact fees and nets. Under a 2.5 %
 * platform fee the sandbox (settling in the US, without conversion) charges 2.9 % with no fixed part in EUR
 * and JPY: Stripe €2.90 / ¥290, the platform €2.50 / ¥250, the tenant the rest, whoever pays Stripe's fee.
 */
const cases = [
  { currency: 'eur', amount: 10_000, shown: { stripe: '€2.90', platform: '€2.50', net: '€94.60' } },
  { currency: 'jpy', amount: 10_000, shown: { stripe: '¥290', platform: '¥250', net: '¥9,460' } },
] as const;

for (const kind of ['express', 'standard'] as const) {
  describe(`EUR and JPY payments in Chromium on ${kind}-like accounts`, () => {
    let app: BrowserApp;
    beforeAll(async () => {
      app = await startBrowserApp(
        { CONNECT_ACCOUNT_KIND: kind, PLATFORM_FEE_BPS: '250', PLATFORM_FEE_PASS_THROUGH: 'true' },
        { webhooks: true },
      );
    });
    afterAll(() => app?.close());
    const call: BrowserApp['call'] = (path, body) => app.call(path, body);

    it('pays a EUR and a JPY invoice on the hosted page; the dashboard shows the exact fees and nets', async () => {
      const tenant = await call('/v1/tenants', { name: `Currencies ${kind}` });
      const t = `/v1/tenants/${tenant.id}`;
      await app.connectEnabled(tenant.id);
      const page = await app.signIn(tenant.id, `owner@${kind}-currencies.test`, 'owner');

      for (const c of cases) {
        const draft = await call(`${t}/invoices`, {
          currency: c.currency,
          customer_email: `buyer-${c.currency}@example.com`,
          lines: [{ description: 'Order', quantity: 1, unit_amount: c.amount }],
        });
        const sent = await call(`${t}/invoices/${draft.id}/send`, {});
        const buyer = await (await app.browser.newContext()).newPage();
        await buyer.goto(sent.payment_link.url);
        await buyer.fill('#card_number', '4242 4242 4242 4242');
        await buyer.fill('#exp', '12 / 34');
        await buyer.fill('#cvc', '123');
        await Promise.all([buyer.waitForURL(/\/c\/done\//), buyer.click('#submit')]);
        await buyer.close();

        const paid = await waitFor(async () => {
          const inv = await call(`${t}/invoices/${draft.id}`);
          if (!inv.payment) return null;
          const p = await call(`${t}/payments/${inv.payment}`);
          return p.fees.final ? p : null;
        }, `the ${c.currency} invoice paid with final fees`);
        expect(paid).toMatchObject({
          amount: c.amount,
          currency: c.currency,
          charge_type: kind === 'standard' ? 'direct' : 'destination',
          fees: { platform_fee: 250, stripe_fee: 290, platform_net: 250, tenant_net: 9460, fee_top_up: 0 },
        });
        // every unit accounted for: tenant + platform + Stripe = the amount
        expect(paid.fees.tenant_net + paid.fees.platform_net + paid.fees.stripe_fee).toBe(c.amount);

        await page.goto(`${app.base}/tenants/${tenant.id}/payments`);
        const row = page.getByTestId(`payment-row-${paid.id}`);
        await row.waitFor();
        expect(await row.getByTestId('payment-stripe-fee').innerText()).toBe(c.shown.stripe);
        expect(await row.getByTestId('payment-platform-fee').innerText()).toBe(c.shown.platform);
        expect(await row.getByTestId('payment-net').innerText()).toBe(c.shown.net);
        await page.goto(`${app.base}/tenants/${tenant.id}/payments/${paid.id}`);
        expect(await page.getByTestId('detail-tenant-net').innerText()).toBe(c.shown.net);
        expect(await page.getByTestId('detail-platform-net').innerText()).toBe(c.shown.platform);
        expect(await page.getByTestId('detail-stripe-fee').innerText()).toBe(c.shown.stripe);
      }
    });
  });
}
