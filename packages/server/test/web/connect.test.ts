import type { Browser } from 'playwright-core';
import { type Sandbox, startSandbox } from 'tributary-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as apiKeys from '../../src/api-keys/service.ts';
import { createLogger } from '../../src/logger.ts';
import { type Running, serve } from '../../src/runtime.ts';
import { testConfig } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { createDatabase } from '../helpers/db.ts';
import { portBeforeListen } from '../helpers/ports.ts';

/** Express onboarding end to end: the dashboard's button → the sandbox's hosted form → back on the dashboard. */
describe('Payments setup in Chromium', () => {
  let running: Running;
  let sandbox: Sandbox;
  let browser: Browser;
  let base: string;
  let platformKey: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    const database = await createDatabase();
    const port = await portBeforeListen();
    const config = testConfig({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      STRIPE_API_BASE: sandbox.url,
      STRIPE_CONNECT_CLIENT_ID: sandbox.connectClientId,
    });
    running = await serve(config, { database, work: false, sandbox: false });
    base = config.publicUrl;
    const log = createLogger('silent');
    const ctx = {
      db: database.db,
      config,
      actor: { kind: 'system' as const, label: 'test' },
      requestId: 'req_e2e',
      log,
    };
    platformKey = (await apiKeys.createPlatformKey(ctx, { name: 'e2e', type: 'secret' })).secret;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await running?.database.close();
    await sandbox?.close();
  });

  const post = async (path: string, body: object) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platformKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json();
  };
  const signIn = async (tenantId: string, email: string, role: string) => {
    const link = await post(`/v1/tenants/${tenantId}/dashboard_links`, { email, role });
    const page = await (await browser.newContext()).newPage();
    await page.goto(link.url);
    await page.waitForURL(`**/tenants/${tenantId}`);
    return page;
  };

  it('owner: connect → save for later (restricted, requirements) → resume → enabled', async () => {
    const tenant = await post('/v1/tenants', { name: 'Browser Express' });
    const page = await signIn(tenant.id, 'owner@browser-express.test', 'owner');
    await page.getByTestId('nav-payments-setup').click();
    await page.waitForURL(`**/tenants/${tenant.id}/payments-setup`);
    await expect
      .poll(() => page.getByTestId('connect-status').getAttribute('data-status'))
      .toBe('not_connected');

    await page.getByTestId('connect-start').click();
    await page.waitForURL(`${sandbox.url}/**`);
    await page.locator('#later').click();
    await page.waitForURL(`**/tenants/${tenant.id}/payments-setup?**`);
    await expect
      .poll(() => page.getByTestId('connect-status').getAttribute('data-status'))
      .toBe('restricted');
    await expect
      .poll(() => page.getByTestId('connect-requirements').innerText())
      .toContain('Bank account for payouts');
    // a new account's requirements are not overdue and it is not paused: onboarding is not submitted yet
    const setup = await page.locator('main').innerText();
    expect(setup).toContain('Onboarding has not been submitted yet');
    expect(setup).not.toMatch(/overdue|paused/i);

    await page.getByTestId('connect-resume').click();
    await page.waitForURL(`${sandbox.url}/**`);
    await page.locator('#submit').click();
    await page.waitForURL(`**/tenants/${tenant.id}/payments-setup?**`);
    await expect.poll(() => page.getByTestId('connect-status').getAttribute('data-status')).toBe('enabled');
    expect(await page.getByTestId('connect-charges').innerText()).toBe('Enabled');
    expect(await page.getByTestId('connect-disconnect').count()).toBe(1);
    // what a $100 payment leaves the tenant, by the server's own fee computation for its account kind
    const preview = await (
      await page.request.get(`${base}/v1/tenants/${tenant.id}/fee_schedule/preview`)
    ).json();
    const net = (preview.express.tenant_net / 100).toFixed(2);
    expect(await page.getByTestId('your-fees-net').innerText()).toBe(`$${net}`);

    // a member reads the status but gets no controls; another tenant's owner cannot see it at all
    const member = await signIn(tenant.id, 'member@browser-express.test', 'member');
    await member.goto(`${base}/tenants/${tenant.id}/payments-setup`);
    await expect.poll(() => member.getByTestId('connect-status').getAttribute('data-status')).toBe('enabled');
    expect(await member.getByTestId('read-only-notice').count()).toBe(1);
    expect(await member.getByTestId('connect-disconnect').count()).toBe(0);
    expect(await member.getByTestId('connect-express-dashboard').count()).toBe(0);

    // an admin manages, but where the money goes is the owner's: no Express dashboard (it edits the payout
    // bank account), no disconnect
    const admin = await signIn(tenant.id, 'admin@browser-express.test', 'admin');
    await admin.goto(`${base}/tenants/${tenant.id}/payments-setup`);
    await admin.getByTestId('connect-refresh').waitFor();
    expect(await admin.getByTestId('connect-express-dashboard').count()).toBe(0);
    expect(await admin.getByTestId('connect-disconnect').count()).toBe(0);

    const other = await post('/v1/tenants', { name: 'Browser Other' });
    const stranger = await signIn(other.id, 'owner@browser-other.test', 'owner');
    const answers: number[] = [];
    stranger.on('response', (r) => {
      if (r.url().includes(`/v1/tenants/${tenant.id}`)) answers.push(r.status());
    });
    await stranger.goto(`${base}/tenants/${tenant.id}/payments-setup`);
    // the tenant layout's final state: the server refused the tenant, and the page says so in its place
    await stranger.getByText('Tenant not found').waitFor();
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((status) => status === 403 || status === 404)).toBe(true);
    expect(await stranger.getByTestId('connect-status').count()).toBe(0);
    expect(await stranger.getByTestId('connect-account-id').count()).toBe(0);
  });
});
