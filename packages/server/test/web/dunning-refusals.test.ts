import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedIn } from '../../src/billing/entitlements-cache.ts';
import { type BillingState, tenantBilling } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';

/** A tenant in dunning, in Chromium: the refused buttons say why in words (API keys, team invitations). */
describe('Dunning refusals in Chromium', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp();
  });
  afterAll(() => app?.close());

  async function setState(tenant: string, state: BillingState): Promise<void> {
    const id = fromPublicId('tenant', tenant)!;
    await withTenant(app.running.database.db, id, async (tx) => {
      changedIn(tx, id);
      await tx.update(tenantBilling).set({ state }).where(eq(tenantBilling.tenantId, id));
    });
  }

  it('a past-due tenant is told why a new API key is refused; a suspended one why an invitation is', async () => {
    const plan = await app.call('/v1/billing/plans', { name: 'Free', lookup_key: 'dunning_free' });
    const tenant = await app.call('/v1/tenants', { name: 'In dunning' });
    await app.call(`/v1/tenants/${tenant.id}/billing/plan`, { plan: plan.id });
    const page = await app.signIn(tenant.id, 'owner@dunning.test', 'owner');

    await setState(tenant.id, 'warning');
    await page.goto(new URL(`/tenants/${tenant.id}/api-keys`, page.url()).href);
    await page.getByTestId('create-api-key-button').click();
    await page.getByTestId('api-key-name').fill('New server');
    await page.getByTestId('api-key-submit').click();
    const keyError = page.getByTestId('api-key-error');
    await keyError.waitFor();
    expect(await keyError.innerText()).toContain('past due: new API keys and team invitations are paused');

    await setState(tenant.id, 'suspended');
    await page.goto(new URL(`/tenants/${tenant.id}/team`, page.url()).href);
    await page.getByTestId('invite-email').fill('new@dunning.test');
    await page.getByTestId('invite-submit').click();
    // the invitation's refusal (the recovery banner above the page says suspended too)
    const alert = page.getByRole('alert').filter({ hasText: 'This account is suspended for' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Pay the open invoice on the Billing page');
  });
});
