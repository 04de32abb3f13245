import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';

/**
 * The payment page after the charge, in Chromium, with webhooks flowing: a partial refund with its fee
 * refund lowers the net; a dispute shows *disputed* while open, its withdrawal and reinstatement in the
 * timeline, and *dispute won* (not *disputed*) once won.
 */
describe('payment page after refunds and disputes (Chromium)', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp(
      { PLATFORM_FEE_BPS: '250', CONNECT_ACCOUNT_KIND: 'standard' },
      { webhooks: true },
    );
  });
  afterAll(() => app?.close());

  /** Polls the payment through the API until `ok` (the webhooks it waits for have been applied). */
  type Pay = { disputed: boolean; charge_type: string; fees: Record<string, number> };
  async function until(t: string, id: string, ok: (p: Pay) => boolean) {
    let last: unknown;
    const check = async () => {
      last = await app.call(`${t}/payments/${id}`);
      return ok(last as Pay);
    };
    await expect
      .poll(check, { timeout: 30_000 })
      .toBe(true)
      .catch((e: unknown) => {
        throw new Error(`${String(e)}: ${JSON.stringify(last)}`);
      });
  }
  const text = (page: Page, id: string) => page.getByTestId(id).innerText();

  it('refund then net, dispute won then badge', async () => {
    const tenant = await app.call('/v1/tenants', { name: 'Browser adjustments' });
    const t = `/v1/tenants/${tenant.id}`;
    await app.connectEnabled(tenant.id);
    const customer = await app.call(`${t}/customers`, { email: 'adjusted@example.com' });
    await app.call(`${t}/customers/${customer.id}/setup_intents`, { payment_method: 'pm_card_visa' });
    const pay = await app.call(`${t}/payment_intents`, {
      amount: 10_000,
      currency: 'usd',
      customer: customer.id,
      off_session: true,
    });
    // $100.00: Stripe $3.20, the platform's fee $2.50 → $94.30; refund $40.00 with $1.00 of the fee
    await app.call(`${t}/payments/${pay.id}/refunds`, { amount: 4000, refund_application_fee: true });
    await until(t, pay.id, (p) => p.fees.application_fee_refunded === 100);

    const page = await app.signIn(tenant.id, 'owner@adjusted.test', 'owner');
    await page.goto(`${app.base}/tenants/${tenant.id}/payments/${pay.id}`);
    await page.getByTestId('detail-tenant-net').waitFor();
    expect(await text(page, 'detail-tenant-net')).toBe('$55.30');
    expect(await text(page, 'detail-platform-net')).toBe('$1.50');
    expect(await text(page, 'detail-refunded')).toContain('$40.00');
    expect(await text(page, 'detail-fee-refunded')).toBe('$1.00');
    expect(await text(page, 'timeline-application_fee.refunded')).toContain('$1.00');
    await page.goto(`${app.base}/tenants/${tenant.id}/payments`);
    const row = page.getByTestId(`payment-row-${pay.id}`);
    await row.waitFor();
    expect(await row.getByTestId('payment-net').innerText()).toBe('$55.30');

    // a dispute card: withdrawn with a $15.00 fee, then won with evidence
    await app.call(`${t}/customers/${customer.id}/setup_intents`, {
      payment_method: 'pm_card_createDispute',
      set_default: true,
    });
    const disputed = await app.call(`${t}/payment_intents`, {
      amount: 4000,
      currency: 'usd',
      customer: customer.id,
      off_session: true,
    });
    await until(t, disputed.id, (p) => p.disputed);
    await page.goto(`${app.base}/tenants/${tenant.id}/payments/${disputed.id}`);
    expect(await text(page, 'payment-dispute-badge')).toBe('disputed');
    await page.getByTestId('timeline-dispute.funds_withdrawn').waitFor();
    expect(await text(page, 'detail-dispute-net')).toBe('-$55.00');

    await page.getByTestId('evidence-button').click();
    await page.getByTestId('evidence-text').fill('winning_evidence: signed agreement attached');
    await page.getByTestId('evidence-submit').click();
    await until(t, disputed.id, (p) => p.fees.dispute_net === -1500);
    await page.reload();
    await page.getByTestId('timeline-dispute.funds_reinstated').waitFor();
    expect(await text(page, 'payment-dispute-badge')).toBe('dispute won');
    expect(await text(page, 'timeline-dispute.funds_reinstated')).toContain('$40.00');
    expect(await text(page, 'detail-dispute-net')).toBe('-$15.00');
    expect(await page.getByTestId('payment-dispute-banner').count()).toBe(0);
    await page.goto(`${app.base}/tenants/${tenant.id}/payments`);
    const wonRow = page.getByTestId(`payment-row-${disputed.id}`);
    await wonRow.waitFor();
    expect(await wonRow.getByTestId('payment-dispute-badge').innerText()).toBe('dispute won');
  });
});
