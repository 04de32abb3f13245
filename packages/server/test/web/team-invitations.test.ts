import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invite } from '../../../web/e2e/flows.ts';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';

/** Team invitations in Chromium: valid INVITATION_TTL_DAYS, listed while pending, revocable after a confirm. */
describe('Team invitations in Chromium', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp({ INVITATION_TTL_DAYS: '3' });
  });
  afterAll(() => app?.close());
  const call: BrowserApp['call'] = (path, body) => app.call(path, body);

  it('an invitation lasts the configured days, is listed while pending, and a revoked one no longer opens', async () => {
    const tenant = await call('/v1/tenants', { name: 'Invitations' });
    const t = `/v1/tenants/${tenant.id}`;
    const page = await app.signIn(tenant.id, 'owner@team.test', 'owner');
    const before = Math.floor(Date.now() / 1000);
    const url = await invite(page, tenant.id, 'new-admin@team.test', 'admin');
    const [pending] = (await call(`${t}/invitations`)).data;
    expect(pending).toMatchObject({ object: 'invitation', email: 'new-admin@team.test', role: 'admin' });
    // three days, as configured (not the five minutes of a platform app's sign-in link)
    expect(pending.expires_at - before).toBeGreaterThan(3 * 86_400 - 120);
    expect(pending.expires_at - before).toBeLessThan(3 * 86_400 + 120);

    const row = page.getByTestId(`invitation-row-${pending.id}`);
    await row.waitFor();
    expect(await row.innerText()).toContain('new-admin@team.test');
    await page.getByTestId(`revoke-invitation-${pending.id}`).click();
    expect(await page.getByTestId('confirm-dialog').innerText()).toContain(
      "new-admin@team.test's invite link (as admin) stops working",
    );
    await page.getByTestId('confirm-revoke-invitation').click();
    await row.waitFor({ state: 'detached' });
    expect((await call(`${t}/invitations`)).data).toEqual([]);

    const stranger = await (await app.browser.newContext()).newPage();
    await stranger.goto(url);
    await stranger.waitForURL('**/sign-in?error=link_invalid');

    // a used invitation is no longer pending; the new member is on the team
    const second = await invite(page, tenant.id, 'member@team.test', 'member');
    expect((await call(`${t}/invitations`)).data).toHaveLength(1);
    const joined = await (await app.browser.newContext()).newPage();
    await joined.goto(second);
    await joined.waitForURL(`**/tenants/${tenant.id}`);
    expect((await call(`${t}/invitations`)).data).toEqual([]);
    const members = (await call(`${t}/members`)).data.map((m: { user: { email: string } }) => m.user.email);
    expect(members).toContain('member@team.test');
  });
});
