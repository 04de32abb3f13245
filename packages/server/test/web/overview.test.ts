import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceTo, settled } from '../analytics/capture-sandbox.ts';
import { onPlanSince, platformCall } from '../billing/dunning-fixtures.ts';
import { operatorSession } from '../helpers/access.ts';
import { createTestTenant, type TestTenant } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { connectTenant, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, waitFor } from '../helpers/webhooks.ts';

const HOUR = 3_600;
/** Last month and this one (UTC), as the home pages compare them: the history is made in them. */
const now = new Date();
const THIS = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) / 1000;
const LAST = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1) / 1000;
const month = (at: number) => new Date(at * 1000).toISOString().slice(0, 7);
const thisMonth = month(THIS);
const lastMonth = month(LAST);

/** Text as the page shows it, spaces of every kind (Intl's no-break ones) as one plain space. */
const plain = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * The home pages' headline cards and the Analytics pages' retention and fee charts and drill-down names, in
 * Chromium, over history made at Stripe on test clocks last month and this month and captured from its
 * webhooks: a tenant's customers (new last month; this month one moves up, one cancels) and two tenants'
 * plans (new last month; this month one moves up), with a real payment and refund for the fee figures.
 */
describe('overview cards and analytics charts in Chromium', () => {
  let p: Pipeline;
  let browser: Browser;
  let tenant: TestTenant;
  const customers: Record<string, string> = {};
  const subscriptions: Record<string, string> = {};
  const platformCustomers: Record<string, { customer: string; tenant: TestTenant }> = {};

  async function tenantHistory() {
    const acct = await connectTenant(p.t, tenant);
    const on = { stripeAccount: acct };
    const clock = (await p.stripe.testHelpers.testClocks.create({ frozen_time: LAST + HOUR }, on)).id;
    const price = async (currency: string, amount: number) => {
      const product = await p.stripe.products.create({ name: `Plan ${amount} ${currency}` }, on);
      return (
        await p.stripe.prices.create(
          { product: product.id, currency, unit_amount: amount, recurring: { interval: 'month' } },
          on,
        )
      ).id;
    };
    const subscribe = async (name: string, priceId: string) => {
      const cus = await p.stripe.customers.create({ name, test_clock: clock }, on);
      const pm = await p.stripe.paymentMethods.attach('pm_card_visa', { customer: cus.id }, on);
      await p.stripe.customers.update(cus.id, { invoice_settings: { default_payment_method: pm.id } }, on);
      customers[name] = cus.id;
      const sub = await p.stripe.subscriptions.create({ customer: cus.id, items: [{ price: priceId }] }, on);
      subscriptions[name] = sub.id;
      return sub;
    };
    const pro = await price('usd', 10_000);
    const enterprise = await price('usd', 50_000);
    const a = await subscribe('A', pro);
    await subscribe('B', pro);
    const c = await subscribe('C', enterprise);
    await subscribe('J', await price('jpy', 1_500));
    await settled(p);
    // this month, after the renewals: A up to Enterprise, C cancels at once
    await advanceTo(p, clock, THIS + 2 * HOUR, on);
    await p.stripe.subscriptions.update(
      a.id,
      { items: [{ id: a.items.data[0]!.id, price: enterprise }], proration_behavior: 'none' },
      on,
    );
    await p.stripe.subscriptions.cancel(c.id, {}, on);
    await settled(p);
  }

  /** $100.00 paid with a 1 % + $0.30 fee ($1.30), $40.00 refunded with the fee pro rata ($0.52 back). */
  async function payAndRefund() {
    const api = tenantApi(p.t, tenant);
    const cus = (await api('POST', '/customers', { email: 'buyer@overview.test' })).json();
    await api('POST', `/customers/${cus.id}/setup_intents`, { payment_method: 'pm_card_visa' });
    const paid = await api('POST', '/payment_intents', {
      amount: 10_000,
      currency: 'usd',
      customer: cus.id,
      off_session: true,
    });
    expect(paid.json().status, paid.body).toBe('succeeded');
    const refund = await api('POST', `/payments/${paid.json().id}/refunds`, {
      amount: 4_000,
      refund_application_fee: true,
    });
    expect(refund.statusCode, refund.body).toBe(200);
    await waitFor(
      async () => {
        const res = await api('GET', `/analytics/fees?currency=usd&from=${thisMonth}&to=${thisMonth}`);
        return res.json().data?.at(-1)?.application_fee_refunds?.amount === 52 || null;
      },
      'the fee and its refund booked',
      pipelineState(p),
    );
  }

  /** Two tenants on plans since last month on one clock; this month the first moves up to Enterprise. */
  async function platformHistory() {
    const plan = async (name: string, amount: number) => {
      const res = await platformCall(p)('POST', '/v1/billing/plans', {
        name,
        lookup_key: `${name.toLowerCase()}_${randomUUID().slice(0, 6)}`,
        prices: [{ currency: 'usd', interval: 'month', unit_amount: amount }],
        limits: [],
        features: {},
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().id as string;
    };
    const pro = await plan('Pro', 10_000);
    const enterprise = await plan('Enterprise', 50_000);
    const clock = (await p.stripe.testHelpers.testClocks.create({ frozen_time: LAST + HOUR })).id;
    const first = await onPlanSince(p, pro, 'Plan One', LAST + HOUR, clock);
    const second = await onPlanSince(p, enterprise, 'Plan Two', LAST + HOUR, clock);
    platformCustomers.one = first;
    platformCustomers.two = second;
    await settled(p);
    await advanceTo(p, clock, THIS + 2 * HOUR);
    const up = await platformCall(p)('POST', `/v1/tenants/${first.tenant.publicId}/billing/plan`, {
      plan: enterprise,
      interval: 'month',
      currency: 'usd',
    });
    expect(up.statusCode, up.body).toBe(200);
    await settled(p);
  }

  beforeAll(async () => {
    p = await startPipeline(
      {
        CONNECT_ACCOUNT_KIND: 'standard',
        PLATFORM_FEE_BPS: '100',
        PLATFORM_FEE_FIXED: '{"usd":30}',
        PLATFORM_FEE_PASS_THROUGH: 'false',
      },
      { freshDatabase: true },
    );
    browser = await launchChromium();
    tenant = await createTestTenant(p.t, 'Overview Co');
    await tenantHistory();
    await payAndRefund();
    await platformHistory();
    await settled(p);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US' });
    return context.newPage();
  }

  async function memberPage(): Promise<Page> {
    const res = await platformCall(p)('POST', `/v1/tenants/${tenant.publicId}/dashboard_links`, {
      email: 'member@overview.test',
      role: 'member',
    });
    expect(res.statusCode, res.body).toBe(200);
    const link = new URL(res.json().url);
    const page = await newPage();
    await page.goto(`${p.url}${link.pathname}${link.search}`);
    await page.waitForURL(`**/tenants/${tenant.publicId}`);
    return page;
  }

  async function operatorPage(): Promise<Page> {
    const session = await operatorSession(p.t);
    const page = await newPage();
    await page
      .context()
      .addCookies([
        { name: 'trb_session', value: session.cookie.split('=')[1]!, url: p.url, httpOnly: true },
      ]);
    return page;
  }

  const text = async (page: Page, testId: string) => plain(await page.getByTestId(testId).innerText());

  /** Each headline card's figure and its change from last month. */
  async function cards(page: Page, ids: string[]) {
    await page.getByTestId('overview-kpis').waitFor();
    return Object.fromEntries(
      await Promise.all(
        ids.map(async (id) => [
          id,
          [await text(page, `overview-kpi-${id}-value`), await text(page, `overview-kpi-${id}-delta`)],
        ]),
      ),
    );
  }

  const noDelta = 'Nothing to compare with last month';

  it('a member’s home shows the tenant’s headline figures against last month, per currency', async () => {
    const page = await memberPage();
    await page.getByTestId('overview-currency').selectOption('usd');
    await expect.poll(() => page.getByTestId('overview-kpis').getAttribute('data-currency')).toBe('usd');
    expect(
      await cards(page, [
        'mrr',
        'arr',
        'nrr',
        'customer-churn',
        'arpa',
        'ltv',
        'net-volume',
        'fees-paid',
        'fee-rate',
      ]),
    ).toEqual({
      // $700.00 last month (A, B, C new); this month A +$400.00, C −$500.00
      mrr: ['$600.00', 'Down: -$100.00 (-14.29%) vs last month'],
      arr: ['$7,200.00', 'Down: -$1,200.00 (-14.29%) vs last month'],
      // last month began with no MRR: no NRR or churn to compare with
      nrr: ['85.71%', noDelta],
      'customer-churn': ['33.33%', noDelta],
      // $300.00 of two against $233.33 of three
      arpa: ['$300.00', 'Up: +$66.67 (+28.57%) vs last month'],
      // no churn in the months before this one: no LTV
      ltv: ['—', noDelta],
      // the renewals ($700.00) and the payment less its refund ($60.00), against last month's first invoices
      'net-volume': ['$760.00', 'Up: +$60.00 (+8.57%) vs last month'],
      'fees-paid': ['$0.78', 'Up: +$0.78 vs last month'],
      'fee-rate': ['0.10%', 'Up: +0.10 pp vs last month'],
    });
    expect(await page.getByTestId('overview-kpi-mrr-delta').getAttribute('data-trend')).toBe('down');
    // each figure's definition one hover away
    await page.getByTestId('overview-kpi-nrr-info').hover();
    await expect
      .poll(() =>
        page.getByRole('tooltip').filter({ hasText: 'customers who paid at the start' }).isVisible(),
      )
      .toBe(true);
    // another currency: its own card set
    await page.getByTestId('overview-currency').selectOption('jpy');
    await expect.poll(() => text(page, 'overview-kpi-mrr-value')).toBe('¥1,500');
    // the rest of the home page is as it was
    await page.getByText('Get started').waitFor();
    await page.getByTestId('overview-analytics-link').click();
    await page.waitForURL('**/analytics');
  }, 120_000);

  it('the tenant’s Analytics page draws NRR/GRR and fees, and names the customers behind a movement', async () => {
    const page = await memberPage();
    await page.getByTestId('nav-analytics').click();
    await page.waitForURL('**/analytics');
    await page.getByTestId('analytics-from').fill(lastMonth);
    await page.getByTestId('analytics-to').fill(thisMonth);
    await page.getByTestId('analytics-currency').selectOption('usd');
    await page.getByTestId(`ledger-row-${thisMonth}`).waitFor();
    await page.locator('[data-testid="analytics-report"]:not([aria-busy])').waitFor();

    await page.getByTestId('analytics-retention-chart').locator('svg').first().waitFor();
    expect(await text(page, `analytics-retention-chart-${thisMonth}-nrr`)).toBe('85.71%');
    expect(await text(page, `analytics-retention-chart-${thisMonth}-grr`)).toBe('28.57%');
    expect(await text(page, `analytics-retention-chart-${lastMonth}-nrr`)).toBe('—');

    await page.getByTestId('analytics-fees-chart').locator('svg').first().waitFor();
    const fee = async (m: string, k: string) => text(page, `analytics-fees-chart-${m}-${k}`);
    expect(await fee(thisMonth, 'second')).toBe(await text(page, `fees-${thisMonth}-fees_paid`));
    expect(await fee(thisMonth, 'first')).toBe(await text(page, `fees-${thisMonth}-net_volume`));
    expect(await fee(thisMonth, 'rate')).toBe(await text(page, `fees-${thisMonth}-fee_rate`));

    // this month's expansion is A, whose subscription went from Pro to Enterprise
    await page.getByTestId(`ledger-${thisMonth}-expansion`).click();
    const dialog = page.getByTestId('analytics-drilldown');
    await dialog.getByTestId('analytics-drilldown-table').waitFor();
    const row = dialog.getByTestId(`drilldown-row-${customers.A}`);
    expect(plain(await row.getByTestId(`drilldown-${customers.A}-${subscriptions.A}`).innerText())).toBe(
      `${subscriptions.A}: $100.00 → $500.00`,
    );
    expect(plain(await row.innerText())).toContain(customers.A);
    // the customer as Tributary mirrors it, linked to its page
    const name = row.getByTestId(`drilldown-${customers.A}-name`);
    expect(plain(await name.innerText())).toBe('A');
    expect(await name.getAttribute('href')).toMatch(
      new RegExp(`^/tenants/${tenant.publicId}/customers/cust_[0-9a-f]{32}$`),
    );
  }, 120_000);

  it('the operator’s home shows the platform’s headline figures; its drill-down names the tenant', async () => {
    const page = await operatorPage();
    await page.goto(`${p.url}/`);
    await page.waitForURL('**/operator');
    expect(await page.getByTestId('nav-operator-overview').getAttribute('aria-current')).toBe('page');
    // the platform has figures in two currencies (the tenant's yen payments count in GMV)
    await page.getByTestId('overview-currency').selectOption('usd');
    await expect.poll(() => page.getByTestId('overview-kpis').getAttribute('data-currency')).toBe('usd');
    expect(
      await cards(page, [
        'mrr',
        'arr',
        'nrr',
        'customer-churn',
        'arpa',
        'ltv',
        'gmv',
        'fee-revenue',
        'take-rate',
      ]),
    ).toEqual({
      // $600.00 last month (Pro and Enterprise); this month Plan One moved up (+$400.00)
      mrr: ['$1,000.00', 'Up: +$400.00 (+66.67%) vs last month'],
      arr: ['$12,000.00', 'Up: +$4,800.00 (+66.67%) vs last month'],
      nrr: ['166.67%', noDelta],
      'customer-churn': ['0.00%', noDelta],
      arpa: ['$500.00', 'Up: +$200.00 (+66.67%) vs last month'],
      ltv: ['—', noDelta],
      gmv: ['$760.00', 'Up: +$60.00 (+8.57%) vs last month'],
      'fee-revenue': ['$0.78', 'Up: +$0.78 vs last month'],
      'take-rate': ['0.10%', 'Up: +0.10 pp vs last month'],
    });
    await page.getByTestId('overview-analytics-link').click();
    await page.waitForURL('**/operator/analytics');
    await page.getByTestId('analytics-from').fill(lastMonth);
    await page.getByTestId('analytics-to').fill(thisMonth);
    await page.getByTestId('analytics-currency').selectOption('usd');
    await page.getByTestId(`ledger-row-${thisMonth}`).waitFor();
    await page.locator('[data-testid="analytics-report"]:not([aria-busy])').waitFor();
    expect(await text(page, `analytics-retention-chart-${thisMonth}-nrr`)).toBe('166.67%');
    expect(await text(page, `analytics-fees-chart-${thisMonth}-second`)).toBe(
      await text(page, `fees-${thisMonth}-net_fee_revenue`),
    );
    expect(await text(page, `analytics-fees-chart-${thisMonth}-rate`)).toBe(
      await text(page, `fees-${thisMonth}-take_rate`),
    );

    await page.getByTestId(`ledger-${thisMonth}-expansion`).click();
    const dialog = page.getByTestId('analytics-drilldown');
    await dialog.getByTestId('analytics-drilldown-table').waitFor();
    const one = platformCustomers.one!;
    const name = dialog.getByTestId(`drilldown-${one.customer}-name`);
    expect(plain(await name.innerText())).toBe('Plan One');
    expect(await name.getAttribute('href')).toBe(`/tenants/${one.tenant.publicId}`);
    expect(plain(await dialog.getByTestId(`drilldown-row-${one.customer}`).innerText())).toContain(
      one.tenant.publicId,
    );
  }, 120_000);
});
