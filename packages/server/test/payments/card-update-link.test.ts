import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Jobs } from '../../src/jobs/boss.ts';
import { createLogger } from '../../src/logger.ts';
import { purgeExpired } from '../../src/maintenance.ts';
import { warnExpiringCards } from '../../src/payments/jobs.ts';
import { startWorker } from '../../src/runtime.ts';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { paymentFixtures, sandboxStripe, tenantApi } from '../helpers/payments.ts';
import { ownerSql, systemRows } from '../helpers/webhooks.ts';

/**
 * The "Update your card" link of customer e-mails: Tributary's page that opens a Stripe portal session for that
 * one customer when clicked, in Chromium, and changes the card there. A link that is expired, forged or
 * moved to another tenant shows a page saying so (400), never an error; the tenant's own outbox view hides
 * the token.
 */
describe('card update links', () => {
  let t: TestApp;
  let jobs: Jobs;
  let a: TestTenant;
  let b: TestTenant;
  let base: string;
  let browser: Browser;
  let link: string;
  let fx: Awaited<ReturnType<typeof paymentFixtures>>;

  beforeAll(async () => {
    t = await startTestApp();
    jobs = await startWorker(t.config, t.database, createLogger('silent'));
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    a = await createTestTenant(t, 'Card Links A');
    b = await createTestTenant(t, 'Card Links B');
    fx = await paymentFixtures(t, a);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await jobs?.stop();
    await t?.close();
  });

  /** The link as served by this test's listening app (PUBLIC_URL is not it). */
  const local = (url: string) => `${base}${new URL(url).pathname}${new URL(url).search}`;
  const open = (url: string, method: 'GET' | 'POST' = 'GET') =>
    fetch(local(url), { method, redirect: 'manual' });

  it('an expiring-card e-mail carries the link; the tenant sees it redacted', async () => {
    const on = await tenantApi(t, a)('POST', '/notification_preferences', {
      customer_emails: { card_expiring: true },
    });
    expect(on.statusCode, on.body).toBe(200);
    const [card] = await systemRows<{ y: number; m: number }>(
      t.database,
      `select exp_year as y, exp_month as m from payment_methods
         where tenant_id = '${a.id}' and type = 'card' order by created_at limit 1`,
    );
    const deps = { db: t.database.db, config: t.config, jobs: () => jobs };
    expect(
      await warnExpiringCards(deps, new Date(Date.UTC(card!.y, card!.m - 2, 15))),
    ).toBeGreaterThanOrEqual(1);
    const [row] = await systemRows<{ text: string }>(
      t.database,
      `select text from notifications where tenant_id = '${a.id}' and template = 'card_expiring'`,
    );
    link = /https?:\/\/\S+\/billing\/update_card\?token=[A-Za-z0-9_.]+/.exec(row!.text)![0];
    const list = (await tenantApi(t, a)('GET', '/notifications?limit=100')).json().data as {
      template: string;
      text: string;
      html: string;
    }[];
    const mine = list.find((n) => n.template === 'card_expiring')!;
    for (const part of [mine.text, mine.html]) {
      expect(part).toContain('/billing/update_card?token=REDACTED');
      expect(part).not.toContain(new URL(link).searchParams.get('token')!);
    }
  });

  it('clicked in Chromium: a Stripe session for that customer, where the card is changed', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(local(link));
      await Promise.all([page.waitForURL(/\/p\/session\//), page.click('[data-testid="update-card"]')]);
      await page.fill('#card_number', '5555 5555 5555 4444');
      await page.fill('#exp', '12 / 34');
      await page.fill('#cvc', '123');
      await page.click('#submit');
      await page.waitForSelector('#note');
      expect(await page.textContent('#note')).toBe('Payment method updated.');
    } finally {
      await page.close();
    }
    // Express-like (the default): the customer lives on the platform's account
    const customer = (await tenantApi(t, a)('GET', `/customers/${fx.customer_id}`)).json();
    const stripe = sandboxStripe(t);
    const cus = (await stripe.customers.retrieve(customer.stripe_customer_id)) as {
      invoice_settings: { default_payment_method: string };
    };
    const pm = await stripe.paymentMethods.retrieve(cus.invoice_settings.default_payment_method);
    expect(pm.card?.last4).toBe('4444');
    // the tenant's audit log shows the visit, made by the link (no member acted)
    const audit = (await tenantApi(t, a)('GET', '/audit_log?limit=100')).json().data as {
      action: string;
      actor: unknown;
    }[];
    expect(audit.filter((e) => e.action === 'customer.card_update_opened')).toHaveLength(1);
  });

  it('forged, moved to another tenant, or expired: a page that says so, never an error', async () => {
    const token = new URL(link).searchParams.get('token')!;
    const secret = token.split('.')[1]!;
    const forged = [`${a.publicId}.${'x'.repeat(40)}`, `${b.publicId}.${secret}`, secret, 'ten_zzz.abc', ''];
    for (const bad of forged) {
      const url = `${base}/billing/update_card?token=${encodeURIComponent(bad)}`;
      for (const method of ['GET', 'POST'] as const) {
        const res = await open(url, method);
        expect(res.status, `${method} ${bad}`).toBe(400);
        expect(await res.text()).toContain('This link has expired or is not valid');
      }
    }
    // still good, then expired
    expect((await open(link, 'POST')).status).toBe(303);
    await ownerSql(
      t.database,
      `update card_update_links set expires_at = now() - interval '1 second' where tenant_id = '${a.id}'`,
    );
    const page = await browser.newPage();
    try {
      const res = await page.goto(local(link));
      expect(res?.status()).toBe(400);
      expect(await page.textContent('[data-testid="update-card-invalid"]')).toContain('expired');
    } finally {
      await page.close();
    }
    expect((await open(link, 'POST')).status).toBe(400);
    // the maintenance job forgets it; the link stays as dead
    expect((await purgeExpired(t.database.db, t.config)).cardLinks).toBeGreaterThanOrEqual(1);
    expect((await open(link)).status).toBe(400);
  });
});
