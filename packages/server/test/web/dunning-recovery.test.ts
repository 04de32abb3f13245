import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoveryToken } from '../../src/billing/recovery/token.ts';
import { recoveryPlan, tenantInDunning } from '../billing/recovery-fixtures.ts';
import { bearer } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { type Pipeline, startPipeline } from '../helpers/webhooks.ts';

/**
 * The recovery flow in Chromium, the webhook pipeline running: a member of a tenant in warning sees the banner
 * with what is owed and "Pay now"; the recovery page (no sign-in) pays the failed renewal with the second saved
 * card and says the account is active again; a link that is not valid is said in words.
 */
describe('dunning recovery in Chromium', () => {
  let p: Pipeline;
  let browser: Browser;
  let plan: string;

  beforeAll(async () => {
    p = await startPipeline({}, { freshDatabase: true });
    browser = await launchChromium();
    plan = await recoveryPlan(p);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('shows the banner to a member and pays with a saved card on the recovery page', async () => {
    const d = await tenantInDunning(p, plan, { name: 'Banner Acme', state: 'warning' });
    const link = await p.t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${d.tenant.publicId}/dashboard_links`,
      headers: { ...bearer(p.t.platformKey), 'idempotency-key': randomUUID() },
      payload: { email: `member-${randomUUID().slice(0, 6)}@example.com`, role: 'member' },
    });
    expect(link.statusCode, link.body).toBe(200);
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${p.url}${new URL(link.json().url).pathname}`);
    await page.waitForURL(`**/tenants/${d.tenant.publicId}`);

    const banner = page.getByTestId('recovery-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('data-state')).toBe('warning');
    expect(await page.getByTestId('recovery-banner-amount').textContent()).toContain('$100.00');
    const href = (await page.getByTestId('recovery-banner-pay').getAttribute('href'))!;
    expect(new URL(href).pathname).toBe('/recover');

    // the page the link opens, in a browser with no session
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`${p.url}/recover${new URL(href).search}`);
    await visitor.getByTestId(`recover-card-${d.good}`).waitFor();
    expect(await visitor.getByTestId('recover-owed').textContent()).toContain('$100.00');
    await visitor.getByTestId(`recover-card-${d.good}`).click();
    await visitor.getByTestId(`recover-pay-${d.invoice}`).click();
    const success = visitor.getByTestId('recover-success');
    await success.waitFor();
    expect(await success.textContent()).toContain('your account is active again');
    await visitor.getByTestId('recover-nothing-owed').waitFor({ state: 'detached' });
    expect((await p.stripe.invoices.retrieve(d.invoice)).status).toBe('paid');

    // the member's dashboard: the banner is gone once the tenant is active
    const answered = page.waitForResponse((r) => r.url().endsWith('/billing/recovery'));
    await page.reload();
    expect(await (await answered).json()).toMatchObject({ state: 'active', url: null });
    await page.getByRole('heading').first().waitFor();
    expect(await page.getByTestId('recovery-banner').count()).toBe(0);
  }, 120_000);

  it('a declined card and an expired link are said in words', async () => {
    const d = await tenantInDunning(p, plan, { name: 'Declined Acme', state: 'past_due' });
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${p.url}/recover?token=${recoveryToken(p.t.config, d.tenant.id)}`);
    await page.getByTestId(`recover-card-${d.declining}`).click();
    await page.getByTestId(`recover-pay-${d.invoice}`).click();
    const error = page.getByTestId('recover-pay-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^The invoice was not paid: the card/);

    const expired = recoveryToken(p.t.config, d.tenant.id, { expiresAt: Math.floor(Date.now() / 1000) - 60 });
    await page.goto(`${p.url}/recover?token=${expired}`);
    const refused = page.getByTestId('recover-error');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('This payment link has expired');
  }, 120_000);

  it("a card asking for 3-D Secure links to the bank's check, charging nothing yet", async () => {
    const d = await tenantInDunning(p, plan, {
      name: 'Secure Acme',
      state: 'suspended',
      extraCard: 'pm_card_authenticationRequired',
    });
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${p.url}/recover?token=${recoveryToken(p.t.config, d.tenant.id)}`);
    expect(await page.getByTestId('recover-owed').textContent()).toContain('suspended until it is paid');
    await page.getByTestId(`recover-card-${d.good}`).click();
    await page.getByTestId(`recover-pay-${d.invoice}`).click();
    await page.getByTestId('recover-action').waitFor();
    const href = await page.getByTestId('recover-action-link').getAttribute('href');
    expect(href).toBe((await p.stripe.invoices.retrieve(d.invoice)).hosted_invoice_url);
    expect(await page.getByTestId('recover-success').count()).toBe(0);
  }, 120_000);
});
