import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';
import { waitFor } from '../helpers/webhooks.ts';

/**
 * Settings in Chromium: an owner turns receipts to customers on, and one of their own alerts off; a
 * critical alert is shown on and cannot be changed.
 */
describe('e-mail preferences in Settings', () => {
  let app: BrowserApp;

  beforeAll(async () => {
    app = await startBrowserApp();
  });
  afterAll(() => app?.close());

  it('customer e-mails start off; the owner turns receipts on and an alert off, a critical one stays on', async () => {
    const tenant = await app.call('/v1/tenants', { name: 'Acme Prefs' });
    const page = await app.signIn(tenant.id, 'owner@prefs.test', 'owner');
    await page.getByTestId('nav-settings').click();

    const receipt = page.getByTestId('customer-email-receipt');
    await receipt.waitFor();
    expect(await receipt.isChecked()).toBe(false);
    // the box follows the saved setting: it shows checked once the server has it
    await receipt.click();
    await waitFor(
      async () =>
        (await app.call(`/v1/tenants/${tenant.id}/notification_preferences`)).customer_emails.receipt ===
        true,
      'receipts on',
    );
    await expect.poll(() => receipt.isChecked(), { timeout: 20_000 }).toBe(true);

    const critical = page.getByTestId('owner-alert-dispute_opened');
    expect(await critical.isChecked()).toBe(true);
    expect(await critical.isDisabled()).toBe(true);
    expect(await page.textContent('body')).toContain('Always on');

    const paid = page.getByTestId('owner-alert-invoice_paid');
    expect(await paid.isChecked()).toBe(true);
    await paid.click();
    const mine = () =>
      page.evaluate(
        async (id) =>
          (await fetch(`/v1/tenants/${id}/members/me/notification_preferences`)).json() as Promise<{
            owner_alerts: Record<string, boolean>;
          }>,
        tenant.id as string,
      );
    await waitFor(async () => (await mine()).owner_alerts.invoice_paid === false, 'invoice_paid off');
    await expect.poll(() => paid.isChecked(), { timeout: 20_000 }).toBe(false);
    expect((await mine()).owner_alerts.dispute_opened).toBe(true);
  });
});
