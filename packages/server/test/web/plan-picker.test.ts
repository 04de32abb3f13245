import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPublicId } from '../../src/http/ids.ts';
import { defaultFreePlan } from '../billing/plan-fixtures.ts';
import { APR_1, APR_16, apiPlan, type ClockSetting, MAY_1, onPlanSince } from '../billing/quote-fixtures.ts';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';
import { ownerSql } from '../helpers/webhooks.ts';

/**
 * Changing plan on the Billing page in Chromium, on the sandbox's test clocks: the worked example (Pro
 * $100/month since Apr 1 2027, Enterprise $500/month chosen at Apr 16 00:00 UTC) shows −$50.00 and +$250.00,
 * $200.00 due now, and confirming pays exactly 20,000 cents (an expired quote first refused and a fresh one
 * got); a downgrade takes effect at the period's end and shows as pending until kept off; a cancellation at
 * the period's end is taken back; a member sees the plans without a way to choose; a declined card is said in
 * words with a fresh quote to try again, and 3-D Secure links Stripe's page and shows the plan once paid there.
 */
describe('Plan picker on the Billing page in Chromium', () => {
  let app: BrowserApp;
  let setting: ClockSetting;
  const suffix = randomUUID().slice(0, 6);
  const key = (name: string) => `${name}_${suffix}`;
  let pro: string;
  beforeAll(async () => {
    // the webhook pipeline: a change paid after 3-D Secure moves the plan when Stripe's event arrives
    app = await startBrowserApp({ WEBHOOK_RETRY_DELAY_SECONDS: '1' }, { webhooks: true });
    const stripe = new Stripe('sk_test_x', { host: '127.0.0.1', port: app.sandbox.port, protocol: 'http' });
    setting = {
      stripe,
      database: app.running.database,
      post: async (url, body) => {
        const res = await app.request(url, body);
        return { status: res.status, body: await res.text() };
      },
    };
    await defaultFreePlan({ database: app.running.database });
    await apiPlan(setting, { name: 'Starter', amount: 2_000, suffix, yearly: 20_000 });
    pro = await apiPlan(setting, { name: 'Pro', amount: 10_000, suffix });
    await apiPlan(setting, { name: 'Enterprise', amount: 50_000, suffix });
  });
  afterAll(() => app?.close());

  /** A tenant on Pro monthly since Apr 1 2027, its clock at `at`, and its owner on the Billing page. */
  async function onPro(name: string, at: number) {
    const tenant = await app.call('/v1/tenants', { name });
    const { customer } = await onPlanSince(setting, tenant.id, pro, at);
    const slug = name.toLowerCase().replaceAll(' ', '-');
    const page = await app.signIn(tenant.id, `owner@${slug}.test`, 'owner');
    await page.goto(`${app.base}/tenants/${tenant.id}/billing`);
    await page.getByTestId(`plan-col-${key('pro')}`).waitFor();
    return { tenant, customer, page, slug };
  }

  const text = async (page: Page, testId: string) =>
    (await page.getByTestId(testId).innerText()).replaceAll('\u2212', '-').trim();
  /** as the page writes a date: the browser's locale and time zone, which are this process's */
  const day = (t: number) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(t * 1000);

  it('the worked example: $200.00 due, −$50.00 and +$250.00, 20,000 cents paid, Enterprise shown', async () => {
    const { tenant, customer, page } = await onPro('Upgrade Acme', APR_16);
    // the matrix: the current plan marked, prices, limits (hard, Unlimited where absent) and features
    expect(await page.getByTestId(`plan-col-${key('pro')}`).getAttribute('data-current')).toBe('true');
    expect(await text(page, `plan-price-${key('enterprise')}`)).toBe('$500.00 / month');
    const limit = await text(page, `plan-limit-${key('enterprise')}-payment_volume`);
    expect(limit).toContain('$250,000.00');
    expect(limit).toContain('Hard');
    const free = (await app.call(`/v1/tenants/${tenant.id}/billing/plans`)).data.find(
      (p: { free: boolean }) => p.free,
    );
    expect(await text(page, `plan-limit-${free.lookup_key}-payment_volume`)).toBe('Unlimited');
    expect(await text(page, `plan-price-${free.lookup_key}`)).toBe('Free');
    const sso = (plan: string) =>
      page.getByTestId(`plan-feature-${key(plan)}-sso`).getAttribute('data-included');
    expect([await sso('pro'), await sso('enterprise')]).toEqual(['false', 'true']);
    expect(await page.getByTestId(`plan-choose-${key('pro')}`).count()).toBe(0);

    await page.getByTestId(`plan-choose-${key('enterprise')}`).click();
    const dialog = page.getByTestId('quote-dialog');
    await dialog.getByTestId('quote').waitFor();
    expect(await text(page, 'quote-amount-due')).toBe('$200.00');
    const amounts = async () =>
      (await dialog.getByTestId('quote-line-amount').allInnerTexts()).map((a) => a.replaceAll('\u2212', '-'));
    expect((await amounts()).sort()).toEqual(['$250.00', '-$50.00']);
    expect(await dialog.getByTestId('quote-line').first().innerText()).toContain(
      `${day(APR_16)} – ${day(MAY_1)}`,
    );
    expect(await text(page, 'quote-timing')).toContain('$200.00 is charged now');
    expect(await text(page, 'quote-expires')).toMatch(/^This price holds until /);

    // the quote expires before it is confirmed: refused, nothing charged, a fresh one got and confirmed
    const tenantUuid = fromPublicId('tenant', tenant.id)!;
    await ownerSql(
      app.running.database,
      `update plan_quotes set expires_at = now() - interval '1 second' where tenant_id = '${tenantUuid}'`,
    );
    await dialog.getByTestId('quote-confirm').click();
    expect(await dialog.getByTestId('quote-error').innerText()).toContain('This quote has expired');
    await dialog.getByTestId('quote-refresh').click();
    await dialog.getByTestId('quote-confirm').waitFor();
    expect(await text(page, 'quote-amount-due')).toBe('$200.00');
    expect((await amounts()).sort()).toEqual(['$250.00', '-$50.00']);
    expect(await dialog.getByTestId('quote-confirm').innerText()).toBe('Pay $200.00 and change');
    await dialog.getByTestId('quote-confirm').click();
    await page.getByTestId('toast').filter({ hasText: 'Your plan is now Enterprise' }).waitFor();
    await dialog.waitFor({ state: 'detached' });
    expect(await text(page, 'billing-plan-name')).toBe('Enterprise');
    await page.locator(`[data-testid="plan-col-${key('enterprise')}"][data-current="true"]`).waitFor();

    // exactly the quoted amount, once, read from Stripe
    const updates = (await setting.stripe.invoices.list({ customer, limit: 100 })).data.filter(
      (i) => i.billing_reason === 'subscription_update',
    );
    expect(updates.map((i) => [i.status, i.amount_paid])).toEqual([['paid', 20_000]]);
    // the entitlements were read again: Enterprise's features
    await page.locator('[data-testid="feature-sso"][data-included="true"]').waitFor();
  });

  it('a downgrade takes effect at the period end and is pending until kept off; cancel, then resume', async () => {
    const { tenant, customer, page, slug } = await onPro('Downgrade Acme', APR_1);
    const paidBefore = (await setting.stripe.invoices.list({ customer, limit: 100 })).data.length;
    // the yearly prices: Starter's, and Pro is not sold yearly
    await page.getByTestId('plan-interval-year').click();
    expect(await text(page, `plan-price-${key('starter')}`)).toBe('$200.00 / year');
    expect(await text(page, `plan-price-${key('pro')}`)).toBe('Not sold yearly');
    await page.getByTestId('plan-interval-month').click();

    await page.getByTestId(`plan-choose-${key('starter')}`).click();
    const dialog = page.getByTestId('quote-dialog');
    await dialog.getByTestId('quote').waitFor();
    expect(await text(page, 'quote-amount-due')).toBe('$0.00');
    expect(await dialog.getByTestId('quote-line').count()).toBe(0);
    const timing = await text(page, 'quote-timing');
    expect(timing).toContain(`takes effect on ${day(MAY_1)}`);
    expect(timing).toContain('Nothing is charged now');
    await dialog.getByTestId('quote-confirm').click();
    await page
      .getByTestId('toast')
      .filter({ hasText: `Starter takes effect on ${day(MAY_1)}` })
      .waitFor();
    const pending = page.getByTestId('billing-pending-change');
    expect(await pending.innerText()).toContain(`changes to Starter (monthly) on ${day(MAY_1)}`);
    expect(await text(page, 'billing-plan-name')).toBe('Pro');
    expect(
      await page
        .getByTestId(`plan-col-${key('starter')}`)
        .getByTestId('plan-pending')
        .innerText(),
    ).toBe(`From ${day(MAY_1)}`);
    expect(await page.getByTestId(`plan-choose-${key('starter')}`).count()).toBe(0);
    // nothing charged now
    expect((await setting.stripe.invoices.list({ customer, limit: 100 })).data).toHaveLength(paidBefore);

    // keep the current plan: the scheduled change is dropped
    await page.getByTestId('billing-resume').click();
    await page.getByTestId('billing-confirm-resume').click();
    await pending.waitFor({ state: 'detached' });
    await page.getByTestId(`plan-choose-${key('starter')}`).waitFor();
    expect((await app.call(`/v1/tenants/${tenant.id}/billing`)).pending_change).toBeNull();

    // cancel at the period's end, then take it back
    await page.getByTestId('billing-cancel').click();
    await page.getByTestId('billing-confirm-cancel').click();
    const ending = page.getByTestId('billing-cancel-pending');
    expect(await ending.innerText()).toContain(`Pro ends on ${day(MAY_1)}`);
    expect(await page.getByTestId('billing-cancel').count()).toBe(0);
    expect((await app.call(`/v1/tenants/${tenant.id}/billing`)).cancel_at_period_end).toBe(true);
    await page.getByTestId('billing-resume').click();
    await page.getByTestId('billing-confirm-resume').click();
    await ending.waitFor({ state: 'detached' });
    await page.getByTestId('billing-cancel').waitFor();
    expect((await app.call(`/v1/tenants/${tenant.id}/billing`)).cancel_at_period_end).toBe(false);

    // a member: the same plans, no way to choose or cancel
    const member = await app.signIn(tenant.id, `member@${slug}.test`, 'member');
    await member.goto(`${app.base}/tenants/${tenant.id}/billing`);
    await member.getByTestId(`plan-col-${key('enterprise')}`).waitFor();
    expect(await member.getByTestId(`plan-col-${key('pro')}`).getAttribute('data-current')).toBe('true');
    expect(await member.locator('[data-testid^="plan-choose-"]').count()).toBe(0);
    expect(await member.getByTestId('billing-cancel').count()).toBe(0);
    expect(await member.getByTestId('read-only-notice').innerText()).toContain('change the plan');
  });

  it('a declined card is said in words; 3-D Secure links the page, and the plan shows once it is paid', async () => {
    const { customer, page } = await onPro('Card Acme', APR_16);
    const useCard = async (card: string) => {
      const pm = await setting.stripe.paymentMethods.attach(card, { customer });
      await setting.stripe.customers.update(customer, {
        invoice_settings: { default_payment_method: pm.id },
      });
    };
    await useCard('pm_card_chargeCustomerFail');
    await page.getByTestId(`plan-choose-${key('enterprise')}`).click();
    const dialog = page.getByTestId('quote-dialog');
    await dialog.getByTestId('quote-confirm').click();
    const refused = await dialog.getByTestId('quote-error').innerText();
    expect(refused).toContain('The payment of $200.00 was declined');
    expect(refused).toContain('Your plan has not changed');
    expect(await text(page, 'billing-plan-name')).toBe('Pro');

    // another card, which asks for 3-D Secure: a fresh quote, then Stripe's page
    await useCard('pm_card_authenticationRequired');
    await dialog.getByTestId('quote-refresh').click();
    await dialog.getByTestId('quote-confirm').click();
    await dialog.getByTestId('quote-requires-action').waitFor();
    expect(await dialog.getByTestId('quote-requires-action').innerText()).toContain(
      'Your plan changes to Enterprise when you complete it',
    );
    expect(await dialog.getByTestId('quote-3ds-link').getAttribute('href')).toMatch(/^https?:\/\//);
    expect(await text(page, 'billing-plan-name')).toBe('Pro');
    // the tenant authenticates on that page: the invoice is paid, Stripe applies the change, the page shows it
    const open = (await setting.stripe.invoices.list({ customer, status: 'open', limit: 10 })).data;
    expect(open).toHaveLength(1);
    await setting.stripe.invoices.pay(open[0]!.id, { payment_method: 'pm_card_visa' });
    await page
      .getByTestId('toast')
      .filter({ hasText: 'Your plan is now Enterprise' })
      .waitFor({ timeout: 30_000 });
    await dialog.waitFor({ state: 'detached' });
    expect(await text(page, 'billing-plan-name')).toBe('Enterprise');
  });

  it("plans in the tenant's currency's own units (yen); a free tenant picks one, and needs a card", async () => {
    const yen = await apiPlan(setting, {
      name: 'Yen',
      amount: 1_500,
      suffix,
      currency: 'jpy',
      yearly: 15_000,
    });
    const tenant = await app.call('/v1/tenants', { name: 'Yen Acme' });
    await onPlanSince(setting, tenant.id, yen, APR_1, 'jpy');
    const page = await app.signIn(tenant.id, 'owner@yen-acme.test', 'owner');
    await page.goto(`${app.base}/tenants/${tenant.id}/billing`);
    await page.getByTestId(`plan-col-${key('yen')}`).waitFor();
    expect(await text(page, `plan-price-${key('yen')}`)).toBe('¥1,500 / month');
    expect(await text(page, `plan-limit-${key('yen')}-payment_volume`)).toContain('¥750,000');
    expect(await text(page, `plan-price-${key('pro')}`)).toBe('Not sold in JPY');
    expect(await page.getByTestId(`plan-choose-${key('pro')}`).count()).toBe(0);
    await page.getByTestId('plan-interval-year').click();
    expect(await text(page, `plan-price-${key('yen')}`)).toBe('¥15,000 / year');
    expect(await page.getByTestId('plan-currency').count()).toBe(0);

    // a tenant on the free plan picks the currency; a first paid plan with no card on file is refused in words
    const free = await app.call('/v1/tenants', { name: 'Free Acme' });
    const other = await app.signIn(free.id, 'owner@free-acme.test', 'owner');
    await other.goto(`${app.base}/tenants/${free.id}/billing`);
    await other.getByTestId('plan-currency').selectOption('jpy');
    expect(await text(other, `plan-price-${key('yen')}`)).toBe('¥1,500 / month');
    expect(await text(other, `plan-price-${key('pro')}`)).toBe('Not sold in JPY');
    await other.getByTestId('plan-currency').selectOption('usd');
    await other.getByTestId(`plan-choose-${key('pro')}`).click();
    const dialog = other.getByTestId('quote-dialog');
    await dialog.getByTestId('quote').waitFor();
    expect(await text(other, 'quote-amount-due')).toBe('$100.00');
    await dialog.getByTestId('quote-confirm').click();
    expect(await dialog.getByTestId('quote-error').innerText()).toContain(
      'Paying $100.00 now needs a card as your default payment method',
    );
    await dialog.getByTestId('quote-refresh').waitFor();
    expect((await app.call(`/v1/tenants/${free.id}/billing`)).currency).toBeNull();
  });
});
