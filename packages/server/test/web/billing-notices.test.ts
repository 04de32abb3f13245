import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordUsageInTx, usageDepsFrom } from '../../src/billing/service.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { createPlan, putOnPlan } from '../billing/usage-fixtures.ts';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';

/**
 * A threshold alert as the dashboard shows it: a banner on every page of the tenant for every member while
 * this period's notice is not dismissed, a notices list on Billing where owners and admins dismiss it, and
 * the banner gone once they have.
 */
describe('billing notices in Chromium', () => {
  let app: BrowserApp;
  let plan: string;
  beforeAll(async () => {
    app = await startBrowserApp();
    plan = await createPlan(app.running.database, {
      name: 'Pro',
      limits: [{ metric: 'payment_volume', limit: 5_000_000, enforcement: 'soft', currency: 'usd' }],
    });
  });
  afterAll(() => app?.close());

  it('shows the 80% notice on every page, lets an owner dismiss it on Billing, and the banner goes', async () => {
    const tenant = await app.call('/v1/tenants', { name: 'Notice Acme' });
    const id = fromPublicId('tenant', tenant.id)!;
    const database = app.running.database;
    await putOnPlan(database, id, plan);
    // payment volume as a succeeded payment records it: $40,000 of $50,000 reaches 80 %
    await withTenant(database.db, id, (tx) =>
      recordUsageInTx(tx, usageDepsFrom({ config: app.config, enqueue: async () => {} }), id, [
        {
          id: 'payment:ch_notice',
          metric: 'payment_volume',
          quantity: 4_000_000,
          occurredAt: new Date(),
          source: 'payment',
        },
      ]),
    );
    const text =
      /^You have used 80% of your payment volume limit \(\$40,000\.00 of \$50,000\.00\) — resets on .+\.$/;

    // a member sees the banner on the overview, and the notice on Billing with no Dismiss
    const member = await app.signIn(tenant.id, 'member@notice-acme.test', 'member');
    await member.goto(`${app.base}/tenants/${tenant.id}`);
    const memberBanner = member.getByTestId('usage-alert-banner-payment_volume');
    await memberBanner.waitFor();
    expect(await memberBanner.innerText()).toMatch(text);
    await member.getByTestId('usage-alert-banner-billing').click();
    await member.waitForURL(`**/tenants/${tenant.id}/billing`);
    const [notice] = (await app.call(`/v1/tenants/${tenant.id}/billing/alerts`)).data;
    await member.getByTestId(`notice-${notice.id}`).waitFor();
    expect(await member.getByTestId(`notice-dismiss-${notice.id}`).count()).toBe(0);

    // the owner: the banner, the usage bar at 80 %, Dismiss, and the banner gone
    const owner = await app.signIn(tenant.id, 'owner@notice-acme.test', 'owner');
    await owner.goto(`${app.base}/tenants/${tenant.id}/billing`);
    const banner = owner.getByTestId('usage-alert-banner-payment_volume');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(text);
    await owner.getByTestId('usage-payment_volume').waitFor();
    expect(await owner.getByTestId('usage-payment_volume-text').innerText()).toBe(
      '$40,000.00 of $50,000.00 (80.0%)',
    );
    await owner.getByTestId(`notice-dismiss-${notice.id}`).click();
    await owner.locator(`[data-testid="notice-${notice.id}"][data-dismissed="true"]`).waitFor();
    await owner.getByTestId('usage-alert-banner').waitFor({ state: 'detached' });
    expect((await app.call(`/v1/tenants/${tenant.id}/billing/alerts`)).data[0].dismissed_at).toBeGreaterThan(
      0,
    );

    // loaded afresh: the notices and usage are there (the page has its data), and no banner
    await owner.reload();
    await owner.locator(`[data-testid="notice-${notice.id}"][data-dismissed="true"]`).waitFor();
    await owner.getByTestId('usage-payment_volume').waitFor();
    expect(await owner.getByTestId('usage-alert-banner').count()).toBe(0);
  });
});
