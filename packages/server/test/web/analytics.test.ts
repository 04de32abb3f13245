import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceTo, settled } from '../analytics/capture-sandbox.ts';
import { onPlanSince, platformCall } from '../billing/dunning-fixtures.ts';
import { operatorSession } from '../helpers/access.ts';
import { createTestTenant, type TestTenant } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { connectTenant, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, waitFor } from '../helpers/webhooks.ts';

const JAN = Date.UTC(2026, 0, 1) / 1000;
const FEB = Date.UTC(2026, 1, 1) / 1000;
const DAY = 86_400;
const HOUR = 3_600;

/** Text as the page shows it, spaces of every kind (Intl's no-break ones) as one plain space. */
const plain = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * The Analytics pages in Chromium over real history: a tenant's customers' subscriptions on its connected
 * account and the tenants' plans on the platform, made and changed at Stripe on test clocks in early 2026,
 * captured from their webhooks; real payments and a refund with the application fee for the fee figures.
 */
describe('analytics pages in Chromium', () => {
  let p: Pipeline;
  let browser: Browser;
  let tenant: TestTenant;
  const customers: Record<string, string> = {};
  const platformCustomers: Record<string, string> = {};

  async function tenantHistory() {
    const acct = await connectTenant(p.t, tenant);
    const on = { stripeAccount: acct };
    const clock = (await p.stripe.testHelpers.testClocks.create({ frozen_time: JAN }, on)).id;
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
      return p.stripe.subscriptions.create({ customer: cus.id, items: [{ price: priceId }] }, on);
    };
    const pro = await price('usd', 10_000);
    const enterprise = await price('usd', 50_000);
    const a = await subscribe('A', pro);
    const b = await subscribe('B', pro);
    const c = await subscribe('C', enterprise);
    await subscribe('J', await price('jpy', 1_500));
    await subscribe('K', await price('kwd', 12_340));
    await settled(p);
    // Jan 10: A up to Enterprise at once; B cancels at the period's end (Feb 1)
    await advanceTo(p, clock, JAN + 9 * DAY, on);
    await p.stripe.subscriptions.update(
      a.id,
      { items: [{ id: a.items.data[0]!.id, price: enterprise }], proration_behavior: 'create_prorations' },
      on,
    );
    await p.stripe.subscriptions.update(b.id, { cancel_at_period_end: true }, on);
    // Feb 10, after the renewals: C down to Pro at once
    await advanceTo(p, clock, FEB + 2 * HOUR, on);
    await advanceTo(p, clock, FEB + 9 * DAY, on);
    await p.stripe.subscriptions.update(
      c.id,
      { items: [{ id: c.items.data[0]!.id, price: pro }], proration_behavior: 'none' },
      on,
    );
    await settled(p);
  }

  /** $100.00 paid with a 1 % + $0.30 fee ($1.30), $40.00 refunded with the fee pro rata ($0.52 back). */
  async function payAndRefund() {
    const api = tenantApi(p.t, tenant);
    const cus = (await api('POST', '/customers', { email: 'buyer@analytics.test' })).json();
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
        const res = await api('GET', '/analytics/fees?currency=usd');
        return res.json().data?.at(-1)?.application_fee_refunds?.amount === 52 || null;
      },
      'the fee and its refund booked',
      pipelineState(p),
    );
  }

  /** Two tenants on plans since Jan 1 on one clock; on Jan 10 the first moves up to Enterprise. */
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
    const clock = (await p.stripe.testHelpers.testClocks.create({ frozen_time: JAN })).id;
    const first = await onPlanSince(p, pro, 'Plan One', JAN, clock);
    const second = await onPlanSince(p, enterprise, 'Plan Two', JAN, clock);
    platformCustomers.one = first.customer;
    platformCustomers.two = second.customer;
    await settled(p);
    await advanceTo(p, clock, JAN + 9 * DAY);
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
    tenant = await createTestTenant(p.t, 'Analytics Co');
    await tenantHistory();
    await payAndRefund();
    await platformHistory();
    // every webhook applied before any page is read: a payment is dated by its charge (Stripe's time, the
    // test clock's) once the charge's event is in, by the time it was seen to succeed until then
    await settled(p);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
    return context.newPage();
  }

  async function memberPage(): Promise<Page> {
    const res = await platformCall(p)('POST', `/v1/tenants/${tenant.publicId}/dashboard_links`, {
      email: 'member@analytics.test',
      role: 'member',
    });
    expect(res.statusCode, res.body).toBe(200);
    const link = new URL(res.json().url);
    const page = await newPage();
    await page.goto(`${p.url}${link.pathname}${link.search}`);
    await page.waitForURL(`**/tenants/${tenant.publicId}`);
    return page;
  }

  const text = async (page: Page, testId: string) => plain(await page.getByTestId(testId).innerText());

  async function kpis(page: Page) {
    const ids = ['mrr', 'arr', 'nrr', 'grr', 'customer-churn', 'arpa', 'ltv'];
    return Object.fromEntries(
      await Promise.all(ids.map(async (id) => [id, await text(page, `kpi-${id}-value`)])),
    );
  }

  async function range(page: Page, from: string, to: string, currency: string) {
    await page.getByTestId('analytics-from').fill(from);
    await page.getByTestId('analytics-to').fill(to);
    await page.getByTestId('analytics-currency').selectOption(currency);
    await page.getByTestId(`ledger-row-${to}`).waitFor();
    await page.locator('[data-testid="analytics-report"]:not([aria-busy])').waitFor();
  }

  it('a member sees the tenant’s figures, the ledger, the customers behind a movement, fees and the CSV', async () => {
    const page = await memberPage();
    await page.getByTestId('nav-analytics').click();
    await page.waitForURL('**/analytics');

    // the fees of the month in progress (the default range), from the real payment and refund
    const month = new Date().toISOString().slice(0, 7);
    await page.getByTestId('analytics-currency').selectOption('usd');
    await page.getByTestId(`fees-row-${month}`).waitFor();
    expect(await text(page, `fees-${month}-payment_volume`)).toBe('$100.00');
    expect(await text(page, `fees-${month}-refunded_volume`)).toBe('$40.00');
    expect(await text(page, `fees-${month}-net_volume`)).toBe('$60.00');
    expect(await text(page, `fees-${month}-fees_paid`)).toBe('$0.78');
    expect(await text(page, 'kpi-fees-fee-rate-value')).toBe('1.30%');

    await range(page, '2026-01', '2026-02', 'usd');
    expect(await kpis(page)).toEqual({
      mrr: '$600.00',
      arr: '$7,200.00',
      nrr: '54.55%',
      grr: '54.55%',
      'customer-churn': '33.33%',
      arpa: '$300.00',
      ltv: '—',
    });
    // each figure's definition one hover away
    await page.getByTestId('kpi-nrr-info').hover();
    await expect
      .poll(() =>
        page.getByRole('tooltip').filter({ hasText: 'customers who paid at the start' }).isVisible(),
      )
      .toBe(true);

    // the ledger: start + movements = end, each month
    const row = async (period: string) =>
      Object.fromEntries(
        await Promise.all(
          ['start', 'new', 'reactivation', 'expansion', 'contraction', 'churn', 'end'].map(async (k) => [
            k,
            await text(page, `ledger-${period}-${k}`),
          ]),
        ),
      );
    expect(await row('2026-01')).toEqual({
      start: '$0.00',
      new: '$700.00',
      reactivation: '$0.00',
      expansion: '$400.00',
      contraction: '$0.00',
      churn: '$0.00',
      end: '$1,100.00',
    });
    expect(await row('2026-02')).toEqual({
      start: '$1,100.00',
      new: '$0.00',
      reactivation: '$0.00',
      expansion: '$0.00',
      contraction: '-$400.00',
      churn: '-$100.00',
      end: '$600.00',
    });
    expect(await text(page, 'ratios-2026-01-nrr')).toBe('—');

    // January's cohort: B left in February; A and C stay, with less MRR than they started with
    const cohort = page.getByTestId('cohort-2026-01');
    expect(plain(await cohort.getByTestId('cohort-cell-1').innerText())).toMatch(/^66\.67%/);
    await page.getByTestId('cohorts-mrr').click();
    await expect
      .poll(async () => plain(await cohort.getByTestId('cohort-cell-1').innerText()))
      .toMatch(/^54\.55%/);

    // the customers behind January's new MRR sum to it
    await page.getByTestId('ledger-2026-01-new').click();
    const dialog = page.getByTestId('analytics-drilldown');
    await dialog.getByTestId('analytics-drilldown-table').waitFor();
    const behind = dialog.locator('[data-testid^="drilldown-row-"]');
    const ids = async () =>
      (await behind.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')))).sort();
    expect(await ids()).toEqual(['A', 'B', 'C'].map((n) => `drilldown-row-${customers[n]}`).sort());
    expect(plain(await dialog.getByTestId('analytics-drilldown-total').innerText())).toBe('$700.00');
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    await dialog.waitFor({ state: 'hidden' });
    // and February's churn is B, who cancelled in January: voluntary, counted when service ended
    await page.getByTestId('ledger-2026-02-churn').click();
    await dialog.getByTestId('analytics-drilldown-table').waitFor();
    expect(await ids()).toEqual([`drilldown-row-${customers.B}`]);
    expect(plain(await behind.innerText())).toContain('voluntary');
    expect(plain(await dialog.getByTestId('analytics-drilldown-total').innerText())).toBe('-$100.00');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // the CSV of the range in the currency
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('analytics-csv').click(),
    ]);
    const csv = (await readFile((await download.path())!, 'utf8')).trim().split(/\r?\n/);
    const header = csv[0]!.split(',');
    const lines = csv.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
    expect(lines.map((l) => [l.period, l.mrr_start, l.mrr_end])).toEqual([
      ['2026-01', '0', '110000'],
      ['2026-02', '110000', '60000'],
    ]);
    expect(lines[1]).toMatchObject({
      currency: 'usd',
      contraction: '40000',
      churn: '10000',
      nrr_percent: '54.55',
    });

    // other currencies in their own decimals
    await page.getByTestId('analytics-currency').selectOption('jpy');
    await expect.poll(() => text(page, 'kpi-mrr-value')).toBe('¥1,500');
    await page.getByTestId('analytics-currency').selectOption('kwd');
    await expect.poll(() => text(page, 'kpi-mrr-value')).toBe('KWD 12.340');
    // a range the API refuses shows its message
    await page.getByTestId('analytics-from').fill('2026-03');
    await page.getByTestId('analytics-error').waitFor();
    expect(await text(page, 'analytics-error')).toContain('Invalid from');
  }, 120_000);

  it('the operator sees the platform’s MRR from the tenants’ plans and its fee revenue', async () => {
    const session = await operatorSession(p.t);
    const page = await newPage();
    await page
      .context()
      .addCookies([
        { name: 'trb_session', value: session.cookie.split('=')[1]!, url: p.url, httpOnly: true },
      ]);
    await page.goto(`${p.url}/operator/tenants`);
    await page.getByTestId('nav-operator-analytics').click();
    await page.waitForURL('**/operator/analytics');

    const month = new Date().toISOString().slice(0, 7);
    await page.getByTestId('analytics-currency').selectOption('usd');
    await page.getByTestId(`fees-row-${month}`).waitFor();
    expect(await text(page, `fees-${month}-gmv`)).toBe('$60.00');
    expect(await text(page, `fees-${month}-net_fee_revenue`)).toBe('$0.78');
    expect(await text(page, 'kpi-fees-take-rate-value')).toBe('1.30%');

    await range(page, '2026-01', '2026-01', 'usd');
    expect(await kpis(page)).toEqual({
      mrr: '$1,000.00',
      arr: '$12,000.00',
      nrr: '—',
      grr: '—',
      'customer-churn': '—',
      arpa: '$500.00',
      ltv: '—',
    });
    expect(await text(page, 'ledger-2026-01-new')).toBe('$600.00');
    await page.getByTestId('ledger-2026-01-expansion').click();
    const dialog = page.getByTestId('analytics-drilldown');
    await dialog.getByTestId('analytics-drilldown-table').waitFor();
    const rows = dialog.locator('[data-testid^="drilldown-row-"]');
    expect(await rows.getAttribute('data-testid')).toBe(`drilldown-row-${platformCustomers.one}`);
    expect(plain(await dialog.getByTestId('analytics-drilldown-total').innerText())).toBe('$400.00');
  }, 120_000);
});
