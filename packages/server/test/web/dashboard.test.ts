import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createTenant, invite, revokeApiKey, setupOperator } from '../../../web/e2e/flows.ts';
import * as apiKeys from '../../src/api-keys/service.ts';
import type { Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { type Running, serve } from '../../src/runtime.ts';
import { testConfig } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { createDatabase } from '../helpers/db.ts';
import { portBeforeListen } from '../helpers/ports.ts';

// The operator's first start, end to end in headless Chromium against the real server and database.
describe('dashboard in Chromium', () => {
  let running: Running;
  let browser: Browser;
  let base: string;
  let config: Config;

  beforeAll(async () => {
    const database = await createDatabase();
    const port = await portBeforeListen();
    config = testConfig({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` });
    running = await serve(config, { database, work: false, sandbox: false });
    base = config.publicUrl;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await running?.database.close();
  });

  it('operator sets up, creates a tenant; an owner signs in by dashboard link, creates and revokes an API key', async () => {
    expect(running.setupUrl).toContain('/setup?token=');
    const operator = await browser.newContext();
    const page = await operator.newPage();
    await setupOperator(page, running.setupUrl!, {
      name: 'Olivia Operator',
      email: 'olivia@example.com',
      password: 'operator-password-123',
    });
    const tenantId = await createTenant(page, 'Acme Studio');
    expect(tenantId).toMatch(/^ten_/);
    const url = await invite(page, tenantId, 'owner@acme.test', 'owner');
    expect(url).toContain('/auth/link/');

    // the tenant owner, in a browser of their own
    const ownerCtx = await browser.newContext();
    const owner = await ownerCtx.newPage();
    await owner.goto(url);
    await owner.waitForURL(`**/tenants/${tenantId}`);
    const cookies = await ownerCtx.cookies();
    expect(cookies.find((c) => c.name === 'trb_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    const key = await createApiKey(owner, tenantId, 'Production');
    expect(key.secret).toMatch(/^trb_sk_/);
    const works = await fetch(`${base}/v1/tenants/${tenantId}`, {
      headers: { authorization: `Bearer ${key.secret}` },
    });
    expect(works.status).toBe(200);
    await revokeApiKey(owner, key.id);
    const refused = await fetch(`${base}/v1/tenants/${tenantId}`, {
      headers: { authorization: `Bearer ${key.secret}` },
    });
    expect(refused.status).toBe(401);

    // the link was single-use
    const again = await (await browser.newContext()).newPage();
    await again.goto(url);
    await again.waitForURL('**/sign-in?error=link_invalid');
  });

  it('a session a dashboard link opened shows its tenant only, at the link role, and no operator pages', async () => {
    const ctx = {
      db: running.database.db,
      config,
      actor: { kind: 'system' as const, label: 'test' },
      requestId: 'req_e2e',
      log: createLogger('silent'),
    };
    const platformKey = (await apiKeys.createPlatformKey(ctx, { name: 'e2e', type: 'secret' })).secret;
    const post = async (path: string, body: object) => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${platformKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      return res.json();
    };
    const a = await post('/v1/tenants', { name: 'Bound A' });
    const b = await post('/v1/tenants', { name: 'Bound B' });
    // the same person owns B; A's link must not carry that into A's session
    const owned = await post(`/v1/tenants/${b.id}/dashboard_links`, {
      email: 'both@example.com',
      role: 'owner',
    });
    await fetch(owned.url, { redirect: 'manual' });
    const link = await post(`/v1/tenants/${a.id}/dashboard_links`, {
      email: 'both@example.com',
      role: 'admin',
    });

    const page = await (await browser.newContext()).newPage();
    await page.goto(link.url);
    await page.waitForURL(`**/tenants/${a.id}`);
    const switcher = page.getByTestId('tenant-switcher');
    await switcher.waitFor();
    await expect
      .poll(() => switcher.locator('option:not([disabled])').allTextContents(), { timeout: 15_000 })
      .toEqual(['Bound A']);
    expect(await page.getByText('Operator', { exact: true }).count()).toBe(0);
    await page.goto(`${base}/operator/tenants`);
    await page.waitForURL(`**/tenants/${a.id}`);

    // an admin invites and keys up to admin (support, below member, too): no owner role, no secret key (it
    // acts as an owner)
    await page.goto(`${base}/tenants/${a.id}/team`);
    await page.getByTestId('invite-role').waitFor();
    await expect
      .poll(
        () =>
          page
            .getByTestId('invite-role')
            .locator('option')
            .evaluateAll((os) => os.map((o) => o.getAttribute('value'))),
        { timeout: 15_000 },
      )
      .toEqual(['admin', 'member', 'support']);
    await page.goto(`${base}/tenants/${a.id}/api-keys`);
    await page.getByTestId('create-api-key-button').click();
    await page.locator('#api-key-type').waitFor();
    await expect
      .poll(
        () =>
          page.locator('#api-key-type option').evaluateAll((os) => os.map((o) => o.getAttribute('value'))),
        { timeout: 15_000 },
      )
      .toEqual(['restricted']);
    // nor an owner's scope: connect:manage (where the money goes)
    await page.getByTestId('scope-connect:write').waitFor();
    expect(await page.getByTestId('scope-connect:manage').count()).toBe(0);
    // each checkbox is named with its resource; scopes that gate nothing are not offered
    await page.getByRole('checkbox', { name: 'payments: write' }).waitFor();
    // support:read gates the support queries; support has nothing to write
    await page.getByTestId('scope-support:read').waitFor();
    expect(await page.getByTestId('scope-support:write').count()).toBe(0);
  });
});
