import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoveryToken } from '../../src/billing/recovery/token.ts';
import { recoveryPlan, tenantInDunning } from '../billing/recovery-fixtures.ts';
import { bearer } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { type Pipeline, startPipeline } from '../helpers/webhooks.ts';

/**
 * The recovery flow in Chromium, the webhook pipeline running: every member of a tenant in warning sees the
 * banner with what is owed, an admin "Pay now"; the recovery page (no sign-in) takes its token from the
 * link's fragment (or a query of old) off the address bar, pays the failed renewal with the second saved card
 * or with a card added on Stripe's page at once, and says the account is active again; a link that is not
 * valid is said in words.
 */
describe('dunning recovery in Chromium', () => {
  let p: Pipeline;
  let browser: Browser;
  let plan: string;

  beforeAll(async () => {
    p = await startPipeline({}, { freshDatabase: true });
    // the links the server makes (the banner's, Stripe's page's way back) lead to where it listens
    p.t.config.publicUrl = p.url;
    browser = await launchChromium();
    plan = await recoveryPlan(p);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  /** A dashboard session of `role` in the tenant, through a dashboard link (a browser of its own). */
  async function signIn(tenantPublicId: string, role: 'member' | 'admin') {
    const link = await p.t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenantPublicId}/dashboard_links`,
      headers: { ...bearer(p.t.platformKey), 'idempotency-key': randomUUID() },
      payload: { email: `${role}-${randomUUID().slice(0, 6)}@example.com`, role },
    });
    expect(link.statusCode, link.body).toBe(200);
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${p.url}${new URL(link.json().url).pathname}`);
    await page.waitForURL(`**/tenants/${tenantPublicId}`);
    return page;
  }

  it("shows every member the banner; an admin's Pay now opens the page, which drops the token from the address and pays", async () => {
    const d = await tenantInDunning(p, plan, { name: 'Banner Acme', state: 'warning' });
    const member = await signIn(d.tenant.publicId, 'member');
    const banner = member.getByTestId('recovery-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('data-state')).toBe('warning');
    expect(await member.getByTestId('recovery-banner-amount').textContent()).toContain('$100.00');
    // a member may not pay: no link for them
    await member.getByTestId('recovery-banner-ask').waitFor();
    expect(await member.getByTestId('recovery-banner-pay').count()).toBe(0);

    const admin = await signIn(d.tenant.publicId, 'admin');
    // the link asked for on the click, its body read before the browser follows it
    let minted = '';
    await admin.route('**/billing/recovery/link', async (route) => {
      const response = await route.fetch();
      minted = (await response.json()).url;
      await route.fulfill({ response });
    });
    await admin.getByTestId('recovery-banner-pay').click();
    await admin.waitForURL('**/recover');
    expect(new URL(minted).hash).toMatch(/^#token=rcv_/);
    await admin.getByTestId(`recover-card-${d.good}`).waitFor();
    // the address bar keeps no token: neither the fragment it came in nor anything else
    expect(admin.url()).toBe(`${p.url}/recover`);
    expect(await admin.getByTestId('recover-owed').textContent()).toContain('$100.00');
    await admin.getByTestId(`recover-card-${d.good}`).click();
    await admin.getByTestId(`recover-pay-${d.invoice}`).click();
    const success = admin.getByTestId('recover-success');
    await success.waitFor();
    expect(await success.textContent()).toContain('your account is active again');
    expect((await p.stripe.invoices.retrieve(d.invoice)).status).toBe('paid');

    // the member's dashboard: the banner is gone once the tenant is active
    const answered = member.waitForResponse((r) => r.url().endsWith('/billing/recovery'));
    await member.reload();
    expect(await (await answered).json()).toMatchObject({ state: 'active', amount_owed: 0 });
    await member.getByRole('heading').first().waitFor();
    expect(await member.getByTestId('recovery-banner').count()).toBe(0);
  }, 120_000);

  it('an e-mailed link (token in the fragment): the address drops it, the tab keeps it, a new card pays at once', async () => {
    const d = await tenantInDunning(p, plan, { name: 'Fragment Acme', state: 'suspended' });
    const page = await (await browser.newContext()).newPage();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(`${p.url}/recover#token=${recoveryToken(p.t.config, d.tenant.id)}`);
    await page.getByTestId(`recover-card-${d.good}`).waitFor();
    expect(page.url()).toBe(`${p.url}/recover`);
    expect(requested.filter((u) => u.includes('rcv_'))).toEqual([]);
    // a reload of the page (the address without the token) still works: the tab kept it
    await page.reload();
    await page.getByTestId(`recover-card-${d.good}`).waitFor();

    // a new card on Stripe's page, back to the recovery page, which confirms it: paid at once
    await Promise.all([page.waitForURL('**/c/pay/cs_*'), page.getByTestId('recover-add-card').click()]);
    await page.fill('#card_number', '4242 4242 4242 4242');
    await page.fill('#exp', '12 / 34');
    await page.fill('#cvc', '123');
    await Promise.all([
      page.waitForURL('**/recover?payment_method=added&checkout_session=cs_*'),
      page.click('#submit'),
    ]);
    const paid = page.getByTestId('recover-card-paid');
    await paid.waitFor();
    expect(await paid.textContent()).toContain('your account is active again');
    expect(page.url()).toBe(`${p.url}/recover`);
    expect((await p.stripe.invoices.retrieve(d.invoice)).status).toBe('paid');
  }, 120_000);

  it("the Billing page's new card during dunning pays at once: said on return, the banner gone", async () => {
    const d = await tenantInDunning(p, plan, { name: 'Billing Acme', state: 'suspended' });
    const admin = await signIn(d.tenant.publicId, 'admin');
    await admin.goto(`${p.url}/tenants/${d.tenant.publicId}/billing`);
    await admin.getByTestId('recovery-banner').waitFor();
    await Promise.all([admin.waitForURL('**/c/pay/cs_*'), admin.getByTestId('billing-pm-add').click()]);
    await admin.fill('#card_number', '4242 4242 4242 4242');
    await admin.fill('#exp', '12 / 34');
    await admin.fill('#cvc', '123');
    await Promise.all([
      admin.waitForURL(`**/tenants/${d.tenant.publicId}/billing?payment_method=added&checkout_session=cs_*`),
      admin.click('#submit'),
    ]);
    await admin.getByTestId('toast').filter({ hasText: 'your account is active again' }).waitFor();
    await admin.getByTestId('recovery-banner').waitFor({ state: 'detached' });
    expect((await p.stripe.invoices.retrieve(d.invoice)).status).toBe('paid');
  }, 120_000);

  it('a link of old (token in the query) still opens, and leaves the address; a decline and an expired link in words', async () => {
    const d = await tenantInDunning(p, plan, { name: 'Declined Acme', state: 'past_due' });
    const page = await (await browser.newContext()).newPage();
    const opened = await page.goto(`${p.url}/recover?token=${recoveryToken(p.t.config, d.tenant.id)}`);
    expect(opened?.headers()['referrer-policy']).toBe('no-referrer');
    await page.getByTestId(`recover-card-${d.declining}`).waitFor();
    expect(page.url()).toBe(`${p.url}/recover`);
    await page.getByTestId(`recover-card-${d.declining}`).click();
    await page.getByTestId(`recover-pay-${d.invoice}`).click();
    const error = page.getByTestId('recover-pay-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^The invoice was not paid: the card/);

    const expired = recoveryToken(p.t.config, d.tenant.id, { expiresAt: Math.floor(Date.now() / 1000) - 60 });
    await page.goto(`${p.url}/recover#token=${expired}`);
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
    await page.goto(`${p.url}/recover#token=${recoveryToken(p.t.config, d.tenant.id)}`);
    expect(await page.getByTestId('recover-owed').textContent()).toContain('suspended until it is paid');
    await page.getByTestId(`recover-card-${d.good}`).click();
    await page.getByTestId(`recover-pay-${d.invoice}`).click();
    await page.getByTestId('recover-action').waitFor();
    const href = await page.getByTestId('recover-action-link').getAttribute('href');
    expect(href).toBe((await p.stripe.invoices.retrieve(d.invoice)).hosted_invoice_url);
    expect(await page.getByTestId('recover-success').count()).toBe(0);
  }, 120_000);
});
