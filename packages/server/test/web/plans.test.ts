import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOperator } from '../../../web/e2e/flows.ts';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';

/** The operator's Plans page in Chromium: a plan created, its price edited, the preview seen, then saved. */
describe('Plans page in Chromium', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp();
  });
  afterAll(() => app?.close());

  it('operator creates a plan, edits its price, sees what changes for subscribers, saves', async () => {
    const page = await (await app.browser.newContext()).newPage();
    await setupOperator(page, app.running.setupUrl!, {
      name: 'Olivia Operator',
      email: 'olivia@plans.test',
      password: 'operator-password-123',
    });
    await page.getByTestId('nav-operator-plans').click();
    await page.waitForURL('**/operator/plans');

    // create: a monthly USD price and a yen one, a hard seat limit, two features
    await page.getByTestId('plan-create').click();
    await page.getByTestId('plan-name').fill('Pro');
    await page.getByTestId('plan-lookup-key').fill('pro');
    await page.getByTestId('plan-price-amount-0').fill('49');
    await page.getByTestId('plan-price-add').click();
    await page.getByTestId('plan-price-currency-1').fill('jpy');
    await page.getByTestId('plan-price-amount-1').fill('7000');
    await page.getByTestId('plan-limit-add').click();
    await page.getByTestId('plan-limit-metric-0').fill('seats');
    await page.getByTestId('plan-limit-value-0').fill('10');
    await page.getByTestId('plan-features').fill('webhooks, exports');
    // an amount the currency cannot have is caught on the page, nothing sent
    await page.getByTestId('plan-price-amount-1').fill('7000.5');
    await page.getByTestId('plan-submit').click();
    expect(await page.getByTestId('plan-error').innerText()).toContain('JPY');
    expect((await app.call('/v1/billing/plans')).data).toEqual([]);
    await page.getByTestId('plan-price-amount-1').fill('7000');
    await page.getByTestId('plan-submit').click();
    await page.getByTestId('plan-dialog').waitFor({ state: 'hidden' });

    const [plan] = (await app.call('/v1/billing/plans')).data;
    expect(plan).toMatchObject({
      name: 'Pro',
      lookup_key: 'pro',
      features: { webhooks: true, exports: true },
    });
    expect(
      plan.prices.map((p: { currency: string; unit_amount: number }) => [p.currency, p.unit_amount]),
    ).toEqual(
      expect.arrayContaining([
        ['usd', 4900],
        ['jpy', 7000],
      ]),
    );
    expect(plan.limits).toEqual([
      { metric: 'seats', currency: null, limit: 10, enforcement: 'hard', overage_unit_amount_decimal: null },
    ]);
    await expect.poll(() => page.getByTestId('plan-prices-pro').innerText()).toContain('$49.00');

    // edit the USD price: the preview comes first, saving nothing
    await page.getByTestId('plan-edit-pro').click();
    const usdRow = (await page.getByTestId('plan-price-currency-0').inputValue()) === 'usd' ? 0 : 1;
    await page.getByTestId(`plan-price-amount-${usdRow}`).fill('59.00');
    await page.getByTestId('plan-features').fill('webhooks, exports, sso');
    expect(await page.getByTestId('plan-submit').innerText()).toBe('Preview changes');
    await page.getByTestId('plan-submit').click();
    const preview = page.getByTestId('plan-preview');
    await preview.waitFor();
    expect(await preview.getByTestId('plan-preview-price-usd-month').innerText()).toContain(
      '$49.00 → $59.00',
    );
    expect(await preview.getByTestId('plan-preview-features-added').innerText()).toContain('sso');
    expect(await preview.getByTestId('plan-preview-tenants').innerText()).toContain('0 tenants');
    const unsaved = (await app.call(`/v1/billing/plans/${plan.id}`)).prices;
    expect(unsaved.some((p: { unit_amount: number }) => p.unit_amount === 5900)).toBe(false);

    expect(await page.getByTestId('plan-submit').innerText()).toBe('Save changes');
    await page.getByTestId('plan-submit').click();
    await page.getByTestId('plan-dialog').waitFor({ state: 'hidden' });
    const saved = await app.call(`/v1/billing/plans/${plan.id}`);
    const usd = saved.prices.filter((p: { currency: string }) => p.currency === 'usd');
    expect(usd.map((p: { unit_amount: number; active: boolean }) => [p.unit_amount, p.active])).toEqual([
      [5900, true],
      [4900, false],
    ]);
    expect(saved.features).toEqual({ webhooks: true, exports: true, sso: true });
    await expect.poll(() => page.getByTestId('plan-prices-pro').innerText()).toContain('$59.00');

    // exchange rates, one per line
    await page.getByTestId('rates-text').fill('eur usd 1.08\njpy usd 0.0067');
    await page.getByTestId('rates-save').click();
    await expect.poll(async () => (await app.call('/v1/billing/currency_rates')).data.length).toBe(2);

    // archive
    await page.getByTestId('plan-archive-pro').click();
    await expect.poll(async () => (await app.call(`/v1/billing/plans/${plan.id}`)).archived).toBe(true);
  });
});
