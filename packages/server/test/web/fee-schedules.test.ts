import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOperator } from '../../../web/e2e/flows.ts';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';

/** The operator's Fee schedules page in Chromium: the default, a tenant's override set and cleared, the worked example. */
describe('Fee schedules page in Chromium', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp({ PLATFORM_FEE_BPS: '250' });
  });
  afterAll(() => app?.close());
  const call: BrowserApp['call'] = (path, body) => app.call(path, body);

  it('operator sets a tenant override, sees it in the API and the example, rejects bad input, clears it', async () => {
    const acme = await call('/v1/tenants', { name: 'Fee Acme' });
    const other = await call('/v1/tenants', { name: 'Fee Other' });
    const schedule = () => call(`/v1/tenants/${acme.id}/fee_schedule`);

    const page = await (await app.browser.newContext()).newPage();
    await setupOperator(page, app.running.setupUrl!, {
      name: 'Olivia Operator',
      email: 'olivia@fees.test',
      password: 'operator-password-123',
    });
    await page.getByTestId('nav-operator-fee-schedules').click();
    await page.waitForURL('**/operator/fee-schedules');

    // the platform default, from PLATFORM_FEE_* and STRIPE_PRICING_*
    const defaults = page.getByTestId('fee-default');
    expect(await defaults.getByTestId('fee-default-percent_bps').innerText()).toBe('2.50 %');
    expect(await defaults.getByTestId('fee-default-fixed').innerText()).toBe('—');
    expect(await defaults.getByTestId('fee-default-pass_through_stripe_fee').innerText()).toBe('Yes');
    expect(await defaults.getByTestId('fee-default-stripe').innerText()).toBe('2.90 % + $0.30');

    const row = page.getByTestId(`fee-row-${acme.id}`);
    const otherRow = page.getByTestId(`fee-row-${other.id}`);
    await expect.poll(() => row.getAttribute('data-overridden')).toBe('false');
    expect(await row.getByTestId('fee-percent_bps').innerText()).toBe('2.50 %');

    // the worked example for $100.00, as the server computes the charges (docs/payments.md's table)
    const example = page.getByTestId('fee-example');
    await page.getByTestId('fee-example-tenant').selectOption(acme.id);
    const cell = (kind: string, field: string) => example.getByTestId(`fee-example-${kind}-${field}`);
    await expect.poll(() => example.getByTestId('fee-example-platform-fee').innerText()).toBe('$2.50');
    expect(await cell('standard', 'application_fee').innerText()).toBe('$2.50');
    expect(await cell('express', 'application_fee').innerText()).toBe('$5.70');
    expect(await cell('standard', 'tenant_net').innerText()).toBe('$94.30');
    expect(await cell('express', 'tenant_net').innerText()).toBe('$94.30');
    expect(await cell('express', 'platform_net').innerText()).toBe('$2.50');

    // bad input is caught on the page: nothing is sent
    await page.getByTestId(`fee-edit-${acme.id}`).click();
    await page.getByTestId('fee-percent-override').check();
    await page.getByTestId('fee-percent').fill('2,5%');
    await page.getByTestId('fee-submit').click();
    expect(await page.getByTestId('fee-error').innerText()).toContain('Percent');
    await page.getByTestId('fee-percent').fill('1.5');
    await page.getByTestId('fee-min-override').check();
    await page.getByTestId('fee-min-add').click();
    await page.getByTestId('fee-min-amount-0').fill('2.x');
    await page.getByTestId('fee-submit').click();
    await expect.poll(() => page.getByTestId('fee-error').innerText()).toContain('Minimum fee');
    expect((await schedule()).override).toBeNull();

    // a 1.5 % override with a $2.00 minimum and no pass-through
    await page.getByTestId('fee-min-amount-0').fill('2');
    await page.getByTestId('fee-pass-through').selectOption('no');
    await page.getByTestId('fee-submit').click();
    await page.getByTestId('fee-dialog').waitFor({ state: 'hidden' });
    await expect.poll(() => row.getAttribute('data-overridden')).toBe('true');
    expect(await schedule()).toMatchObject({
      percent_bps: 150,
      min: { usd: 200 },
      pass_through_stripe_fee: false,
      override: {
        percent_bps: 150,
        fixed: null,
        min: { usd: 200 },
        max: null,
        pass_through_stripe_fee: false,
      },
    });
    expect(await row.getByTestId('fee-percent_bps').innerText()).toContain('1.50 %');
    expect(await row.getByTestId('fee-percent_bps').getAttribute('data-override')).toBe('true');
    expect(await row.getByTestId('fee-min').innerText()).toContain('$2.00');
    expect(await row.getByTestId('fee-fixed').getAttribute('data-override')).toBe('false');
    expect(await otherRow.getAttribute('data-overridden')).toBe('false');
    expect(await otherRow.getByTestId('fee-percent_bps').innerText()).toBe('2.50 %');

    // the example follows: the minimum binds at $100.00 (1.5 % = $1.50), not at $1,000.00
    await expect.poll(() => example.getByTestId('fee-example-platform-fee').innerText()).toBe('$2.00');
    expect(await cell('express', 'application_fee').innerText()).toBe('$2.00');
    expect(await cell('express', 'tenant_net').innerText()).toBe('$98.00');
    expect(await cell('express', 'platform_net').innerText()).toBe('-$1.20');
    await page.getByTestId('fee-example-amount').fill('1000.00');
    await expect.poll(() => example.getByTestId('fee-example-platform-fee').innerText()).toBe('$15.00');

    // the dialog reopens on the saved override; then clear it
    await page.getByTestId(`fee-edit-${acme.id}`).click();
    expect(await page.getByTestId('fee-percent').inputValue()).toBe('1.50');
    expect(await page.getByTestId('fee-min-amount-0').inputValue()).toBe('2.00');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId(`fee-clear-${acme.id}`).click();
    await page.getByTestId('confirm-fee-clear').click();
    await expect.poll(() => row.getAttribute('data-overridden')).toBe('false');
    expect(await schedule()).toMatchObject({
      percent_bps: 250,
      min: {},
      pass_through_stripe_fee: true,
      override: { percent_bps: null, fixed: null, min: null, max: null, pass_through_stripe_fee: null },
    });
    expect(await row.getByTestId('fee-percent_bps').innerText()).toBe('2.50 %');
    expect(await page.getByTestId(`fee-clear-${acme.id}`).count()).toBe(0);
    await expect.poll(() => example.getByTestId('fee-example-platform-fee').innerText()).toBe('$25.00');
  });
});
