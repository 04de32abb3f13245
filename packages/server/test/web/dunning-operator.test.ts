import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedRenewal, proPlan, stateOf } from '../billing/dunning-fixtures.ts';
import { operatorSession } from '../helpers/access.ts';
import { launchChromium } from '../helpers/browser.ts';
import { type Pipeline, startPipeline, systemRows } from '../helpers/webhooks.ts';

/**
 * The operator's Dunning page in Chromium, the webhook pipeline running: a tenant whose renewal failed is
 * listed with its phase and what it owes; its case shows the attempts, refuses a mark-paid without a note,
 * and marks the invoice paid out of band, the tenant active again.
 */
describe('operator dunning in Chromium', () => {
  let p: Pipeline;
  let browser: Browser;
  let pro: string;

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' }, { freshDatabase: true });
    browser = await launchChromium();
    pro = await proPlan(p);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('lists the case and marks its invoice paid', async () => {
    const { tenant } = await failedRenewal(p, pro, 'Dunned Acme', ['pm_card_chargeCustomerFail']);
    const session = await operatorSession(p.t);
    const context = await browser.newContext();
    await context.addCookies([
      { name: 'trb_session', value: session.cookie.split('=')[1]!, url: p.url, httpOnly: true },
    ]);
    const page = await context.newPage();
    await page.goto(`${p.url}/operator/tenants`);
    await page.getByTestId('nav-operator-dunning').click();
    await page.waitForURL('**/operator/dunning');

    const row = page.locator('[data-testid^="dunning-row-"]', { hasText: 'Dunned Acme' });
    await row.waitFor();
    expect(await row.getAttribute('data-phase')).toBe('past_due');
    expect(await row.innerText()).toContain('$100.00');
    expect(await row.innerText()).toContain('0 of 3');

    await row.getByRole('button', { name: 'View' }).click();
    const dialog = page.getByTestId('dunning-case');
    await dialog.getByTestId('dunning-case-owed').waitFor();
    expect(await dialog.getByTestId('dunning-case-owed').innerText()).toContain('$100.00');

    // retry now with the card that still declines: the attempt shows, nothing else changes
    await dialog.getByTestId('dunning-retry').click();
    await dialog.getByTestId('dunning-confirm').click();
    await dialog.getByTestId('dunning-attempts').waitFor();
    expect(await dialog.getByTestId('dunning-attempts').innerText()).toContain('Declined');

    await dialog.getByTestId('dunning-mark-paid').click();
    const confirm = dialog.getByTestId('dunning-confirm');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByTestId('dunning-note').fill('Paid by wire, ref 77');
    await confirm.click();
    await dialog.getByTestId('dunning-case-closed').waitFor();
    expect(await dialog.getByTestId('dunning-case-closed').innerText()).toContain('Paid');
    expect(await stateOf(p, tenant)).toBe('active');
    const [entry] = await systemRows<{ data: { note: string } }>(
      p.t.database,
      `select data from audit_log where tenant_id = '${tenant.id}' and action = 'billing.dunning_marked_paid'`,
    );
    expect(entry!.data.note).toBe('Paid by wire, ref 77');

    // the list no longer shows it among the open cases
    await page.keyboard.press('Escape');
    await row.waitFor({ state: 'detached' });
  }, 180_000);
});
