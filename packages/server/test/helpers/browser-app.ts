import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import Stripe from 'stripe';
import { type Sandbox, startSandbox } from 'tributary-sandbox';
import { expect } from 'vitest';
import * as apiKeys from '../../src/api-keys/service.ts';
import type { Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { type Running, serve } from '../../src/runtime.ts';
import { testConfig } from './app.ts';
import { launchChromium } from './browser.ts';
import { createDatabase } from './db.ts';
import { portBeforeListen } from './ports.ts';

/** The whole server on a fresh database and its own sandbox, a platform key, and Chromium: for page tests. */
export interface BrowserApp {
  running: Running;
  sandbox: Sandbox;
  browser: Browser;
  config: Config;
  base: string;
  /** The API as the platform: GET without a body, POST with one (and an Idempotency-Key); fails the test on a non-200. */
  call(path: string, body?: object): ReturnType<Response['json']>;
  /** The same, answering the response whatever its status (for refusals). */
  request(path: string, body?: object): Promise<Response>;
  /** Signs a user into the tenant's dashboard through a dashboard link. */
  signIn(tenantId: string, email: string, role: string, opts?: { acceptDownloads?: boolean }): Promise<Page>;
  /** Connects the tenant's Stripe account and finishes its onboarding on the sandbox. */
  connectEnabled(tenantId: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * `webhooks: true` also runs the job worker and registers the server's two webhook endpoints on the sandbox,
 * for pages showing what only Stripe's events bring (a method saved on Stripe's hosted page).
 */
export async function startBrowserApp(
  env: Record<string, string> = {},
  opts: { webhooks?: boolean } = {},
): Promise<BrowserApp> {
  const sandbox = await startSandbox({
    port: 0,
    ...(opts.webhooks ? { webhookRetrySchedule: [1, 1, 1] } : {}),
  });
  const database = await createDatabase();
  const port = await portBeforeListen();
  const config = testConfig({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    STRIPE_API_BASE: sandbox.url,
    ...env,
  });
  const running = await serve(config, { database, work: Boolean(opts.webhooks), sandbox: false });
  if (opts.webhooks) {
    const stripe = new Stripe('sk_test_x', { host: '127.0.0.1', port: sandbox.port, protocol: 'http' });
    for (const connect of [false, true]) {
      const ep = await stripe.webhookEndpoints.create({
        url: `${config.publicUrl}/webhooks/stripe${connect ? '/connect' : ''}`,
        enabled_events: ['*'],
        connect,
      });
      // the server's StripeRef reads config.webhookSecrets (the same array)
      config.webhookSecrets.push(ep.secret!);
    }
  }
  const ctx = {
    db: database.db,
    config,
    actor: { kind: 'system' as const, label: 'test' },
    requestId: 'req_e2e',
    log: createLogger('silent'),
  };
  const platformKey = (await apiKeys.createPlatformKey(ctx, { name: 'e2e', type: 'secret' })).secret;
  const browser = await launchChromium();
  const base = config.publicUrl;

  const request: BrowserApp['request'] = (path, body) =>
    fetch(`${base}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: {
        authorization: `Bearer ${platformKey}`,
        'content-type': 'application/json',
        // a fresh key per call, as clients are asked to send with every POST (money moves require one)
        ...(body ? { 'idempotency-key': randomUUID() } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const call: BrowserApp['call'] = async (path, body) => {
    const res = await request(path, body);
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json();
  };
  return {
    running,
    sandbox,
    browser,
    config,
    base,
    call,
    request,
    signIn: async (tenantId, email, role, opts = {}) => {
      const link = await call(`/v1/tenants/${tenantId}/dashboard_links`, { email, role });
      const page = await (await browser.newContext(opts)).newPage();
      await page.goto(link.url);
      await page.waitForURL(`**/tenants/${tenantId}`);
      return page;
    },
    connectEnabled: async (tenantId) => {
      const t = `/v1/tenants/${tenantId}`;
      const acct: string = (await call(`${t}/connect/account`, {})).account_id;
      await fetch(`${sandbox.url}/_sandbox/accounts/${acct}/onboarding`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'complete' }),
      });
      await call(`${t}/connect/refresh`, {});
      return acct;
    },
    close: async () => {
      await browser.close();
      await running.stop();
      await running.database.close();
      await sandbox.close();
    },
  };
}
