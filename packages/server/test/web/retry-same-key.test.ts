import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';
import { sandboxStripe } from '../helpers/payments.ts';

/**
 * The dashboard makes one Idempotency-Key per user action and sends it again when the user retries that
 * action: a refund whose Stripe answer was lost (503) and is tried again from the same dialog is refunded
 * once; the next refund is a new action with a new key.
 */
describe('a dashboard action retried after a failure (Chromium)', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp();
  });
  afterAll(() => app?.close());

  it('a refund retried after a lost answer sends the same key and refunds once', async () => {
    const tenant = await app.call('/v1/tenants', { name: 'Browser retry' });
    const t = `/v1/tenants/${tenant.id}`;
    await app.connectEnabled(tenant.id);
    const customer = await app.call(`${t}/customers`, { email: 'retry@example.com' });
    await app.call(`${t}/customers/${customer.id}/setup_intents`, { payment_method: 'pm_card_visa' });
    const pay = await app.call(`${t}/payment_intents`, {
      amount: 10_000,
      currency: 'usd',
      customer: customer.id,
      off_session: true,
    });

    const page = await app.signIn(tenant.id, 'owner@retry.test', 'owner');
    const keys: (string | undefined)[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith(`/payments/${pay.id}/refunds`))
        keys.push(r.headers()['idempotency-key']);
    });
    await page.goto(`${app.base}/tenants/${tenant.id}/payments/${pay.id}`);
    await page.getByTestId('timeline-payment.succeeded').waitFor();

    // Stripe does the refund but every answer (the SDK's three tries) is lost: the server answers 503
    const fault = await fetch(`${app.sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'drop_response', count: 3, method: 'POST', path: '/v1/refunds' }),
    });
    expect(fault.ok).toBe(true);
    await page.getByTestId('refund-button').click();
    await page.getByTestId('refund-amount').fill('25.00');
    await page.getByTestId('refund-submit').click();
    const error = page.getByTestId('refund-error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/may have happened/);

    // the user presses Refund again in the same dialog
    await page.getByTestId('refund-submit').click();
    await page.getByTestId('timeline-refund.succeeded').waitFor();
    const stripe = sandboxStripe({ config: { STRIPE_API_BASE: app.sandbox.url } as never });
    const refunds = await stripe.refunds.list({ payment_intent: pay.stripe.payment_intent });
    expect(refunds.data.map((r) => r.amount)).toEqual([2500]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^dash_[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);

    // another refund is another action: a new key, and a second refund
    await page.getByTestId('refund-button').click();
    await page.getByTestId('refund-amount').fill('10.00');
    await page.getByTestId('refund-submit').click();
    await expect.poll(async () => (await app.call(`${t}/payments/${pay.id}`)).amount_refunded).toBe(3500);
    expect(keys).toHaveLength(3);
    expect(keys[2]).toMatch(/^dash_/);
    expect(keys[2]).not.toBe(keys[0]);
    const after = await stripe.refunds.list({ payment_intent: pay.stripe.payment_intent });
    expect(after.data.map((r) => r.amount).sort()).toEqual([1000, 2500]);
  });
});
