import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createTenant, invite, revokeApiKey, setupOperator } from '../../../web/e2e/flows.ts';
import { type Running, serve } from '../../src/runtime.ts';
import { testConfig } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { createDatabase } from '../helpers/db.ts';

// The operator's first start, end to end in headless Chromium against the real server and database.
describe('dashboard in Chromium', () => {
  let running: Running;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    const database = await createDatabase();
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const config = testConfig({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` });
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
});
