import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invite, setupOperator } from '../../../web/e2e/flows.ts';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';

/**
 * The operator's Support team page in Chromium (issue 23): the operator invites a support user, who sets a
 * password through the single-use link, signs in and sees only read pages of any tenant.
 */
describe('Support team in Chromium', () => {
  let app: BrowserApp;
  beforeAll(async () => {
    app = await startBrowserApp();
  });
  afterAll(() => app?.close());

  it('an invited support user sets a password, signs in and reads customers without any write button', async () => {
    const tenant = await app.call('/v1/tenants', { name: 'Supported' });
    await app.connectEnabled(tenant.id);
    const customer = await app.call(`/v1/tenants/${tenant.id}/customers`, {
      email: 'customer@example.com',
      name: 'A Customer',
    });

    const operator = await (await app.browser.newContext()).newPage();
    await setupOperator(operator, app.running.setupUrl!, {
      name: 'Olivia Operator',
      email: 'operator@support.test',
      password: 'a long operator password',
    });
    await operator.getByTestId('nav-operator-support-team').click();
    await operator.waitForURL('**/operator/support-team');
    await operator.getByTestId('support-invite-email').fill('agent@support.test');
    await operator.getByTestId('support-invite-name').fill('Sam Support');
    await operator.getByTestId('support-invite-submit').click();
    const url = await operator.getByTestId('support-invite-url').inputValue();
    expect(url).toMatch(/\/support-invitation\?token=/);
    const [listed] = (await app.call('/v1/support_users')).data;
    expect(listed).toMatchObject({ email: 'agent@support.test', status: 'invited' });
    const row = operator.getByTestId(`support-user-row-${listed.id}`);
    await row.waitFor();
    expect(await row.innerText()).toContain('agent@support.test');

    const agent = await (await app.browser.newContext()).newPage();
    await agent.goto(url);
    await agent.getByTestId('support-invitation-password').fill('a long support password');
    await agent.getByTestId('support-invitation-submit').click();
    await agent.getByTestId('support-home').waitFor();
    await agent.getByTestId('support-badge').waitFor();
    // no operator pages, no new tenant
    expect(await agent.getByTestId('nav-operator-tenants').count()).toBe(0);
    expect(await agent.getByTestId('new-tenant-button').count()).toBe(0);

    // any tenant: the overview sends support to the customers, read-only
    await agent.goto(`${app.base}/tenants/${tenant.id}`);
    await agent.waitForURL(`**/tenants/${tenant.id}/customers`);
    await agent.getByTestId(`customer-row-${customer.id}`).waitFor();
    expect(await agent.getByTestId('new-customer-button').count()).toBe(0);
    for (const shown of ['customers', 'payments', 'invoices', 'subscriptions', 'support'])
      expect(await agent.getByTestId(`nav-${shown}`).count(), shown).toBe(1);
    for (const hidden of [
      'overview',
      'team',
      'api-keys',
      'settings',
      'audit-log',
      'billing',
      'analytics',
      'events',
    ])
      expect(await agent.getByTestId(`nav-${hidden}`).count(), hidden).toBe(0);

    // the link worked once; the operator's list shows them active, and revoking signs them out
    const again = await (await app.browser.newContext()).newPage();
    await again.goto(url);
    await again.getByTestId('support-invitation-password').fill('another long password');
    await again.getByTestId('support-invitation-submit').click();
    expect(await again.getByTestId('support-invitation-error').innerText()).toContain('invalid');
    await operator.reload();
    expect(await operator.getByTestId(`support-user-row-${listed.id}`).innerText()).toContain('active');
    await operator.getByTestId(`revoke-support-user-${listed.id}`).click();
    await operator.getByTestId('confirm-revoke-support-user').click();
    await operator.getByTestId(`support-user-row-${listed.id}`).waitFor({ state: 'detached' });
    await agent.reload();
    await agent.waitForURL('**/sign-in**');
  });

  it("an owner invites a support member on the Team page, who sees the tenant's customers read-only", async () => {
    const tenant = await app.call('/v1/tenants', { name: 'Own support' });
    await app.connectEnabled(tenant.id);
    const customer = await app.call(`/v1/tenants/${tenant.id}/customers`, {
      email: 'buyer@example.com',
      name: 'A Buyer',
    });
    const owner = await app.signIn(tenant.id, 'owner@own-support.test', 'owner');
    const url = await invite(owner, tenant.id, 'helper@own-support.test', 'support');
    const helper = await (await app.browser.newContext()).newPage();
    await helper.goto(url);
    await helper.waitForURL(`**/tenants/${tenant.id}/customers`);
    await helper.getByTestId(`customer-row-${customer.id}`).waitFor();
    expect(await helper.getByTestId('new-customer-button').count()).toBe(0);
    expect(await helper.getByTestId('nav-team').count()).toBe(0);
    expect(await helper.getByTestId('nav-customers').count()).toBe(1);
    const members = (await app.call(`/v1/tenants/${tenant.id}/members`)).data;
    expect(
      members.find((m: { user: { email: string } }) => m.user.email === 'helper@own-support.test').role,
    ).toBe('support');
  });
});
