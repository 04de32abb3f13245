import type { Browser, Page } from 'playwright-core';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  invite,
  openEvent,
  openEvents,
  replayEvent,
  rotateWebhookSecret,
  setupOperator,
  signIn,
  toggleWebhookEndpoint,
} from '../../../web/e2e/flows.ts';
import { type Running, serve } from '../../src/runtime.ts';
import { testConfig } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { createDatabase } from '../helpers/db.ts';
import { portBeforeListen } from '../helpers/ports.ts';
import { fakeEvent, ownerSql } from '../helpers/webhooks.ts';

const stripe = new Stripe('sk_test_web_events');

/** The webhook pipeline's dashboard: a signed Stripe delivery → Events page → detail → replay; outbound endpoints. */
describe('Events and Webhook endpoints in Chromium', () => {
  let running: Running;
  let browser: Browser;
  let base: string;
  let secret: string;

  beforeAll(async () => {
    const database = await createDatabase();
    const port = await portBeforeListen();
    const config = testConfig({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` });
    // the inbound secret the test app accepts (comma-separated for rotation: any of them signs)
    secret = config.webhookSecrets[0]!;
    // work: the event is processed by the job worker, so replay is observable end to end
    running = await serve(config, { database, work: true, sandbox: false });
    base = config.publicUrl;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await running?.database.close();
  });

  /** As Stripe delivers: the exact bytes, signed with `Stripe-Signature`. */
  async function deliver(event: Record<string, unknown> | string, path = '/webhooks/stripe'): Promise<void> {
    const payload = typeof event === 'string' ? event : JSON.stringify(event);
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret }),
      },
      body: payload,
    });
    expect(res.status, await res.text()).toBe(200);
  }

  /** The event's status through the operator's session (the page's own API). */
  const statusOf = async (page: Page, id: string) =>
    ((await (await page.request.get(`${base}/v1/events/${id}`)).json()) as { status: string }).status;

  it('operator sees a signed Stripe event, opens it, replays it; creates an endpoint and sees its secret once', async () => {
    const page = await (await browser.newContext()).newPage();
    await setupOperator(page, running.setupUrl!, {
      name: 'Olivia Operator',
      email: 'olivia@example.com',
      password: 'operator-password-123',
    });

    const event = fakeEvent({ type: 'tributary.dashboard_test' });
    const other = fakeEvent({ type: 'customer.created' });
    await deliver(event);
    await deliver(other);
    const id = event.id as string;
    // no handler for this type: processed by the worker, then marked ignored (not pending, not failed)
    await expect.poll(() => statusOf(page, id), { timeout: 30_000 }).not.toBe('pending');
    const settled = await statusOf(page, id);
    expect(['processed', 'ignored']).toContain(settled);

    // Events page: the dead-letter count, both events, then a prefix filter keeps only ours
    await openEvents(page);
    await expect.poll(() => page.getByTestId('dead-letter-count').textContent()).toBe('0');
    await page.getByTestId(`event-row-${id}`).waitFor();
    await page.getByTestId(`event-row-${other.id as string}`).waitFor();
    await openEvents(page, { type: 'tributary.*' });
    await page.getByTestId(`event-row-${other.id as string}`).waitFor({ state: 'detached' });
    expect(await page.getByTestId(`event-row-${id}`).getAttribute('data-status')).toBe(settled);
    await openEvents(page, { status: 'dead' });
    await page.getByTestId(`event-row-${id}`).waitFor({ state: 'detached' });
    await openEvents(page, { status: settled, type: 'tributary.dashboard_test' });

    // detail: the payload as pretty JSON, attempts, processed time; replay puts it back to pending
    const shown = await openEvent(page, id);
    expect(JSON.parse(shown)).toEqual(event);
    expect(shown).toContain('\n  "type": "tributary.dashboard_test"');
    expect(await page.getByTestId('event-processed-at').textContent()).not.toBe('—');
    await replayEvent(page);
    expect(await page.getByTestId('event-detail').getByTestId('event-detail-status').textContent()).toMatch(
      /Pending|Processed|Ignored/,
    );
    // the replay job runs again and the event settles once more
    await expect.poll(() => statusOf(page, id), { timeout: 30_000 }).toBe(settled);

    // outbound endpoints: the signing secret is shown once, rotation shows a new one
    const endpoint = await createWebhookEndpoint(page, {
      url: 'http://127.0.0.1:9/hooks/tributary',
      events: ['payment.succeeded', 'invoice.paid'],
      description: 'Browser test app',
    });
    expect(endpoint.id).toMatch(/^whe_/);
    expect(endpoint.secret).toMatch(/^whsec_/);
    await expect(page.getByTestId('webhook-endpoint-secret').count()).resolves.toBe(0);
    const listed = await page.request.get(`${base}/v1/webhook_endpoints/${endpoint.id}`);
    const body = (await listed.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ enabled_events: ['payment.succeeded', 'invoice.paid'], status: 'enabled' });
    expect(body).not.toHaveProperty('secret');
    await page.reload();
    await page.getByTestId(`webhook-endpoint-row-${endpoint.id}`).waitFor();
    expect(await page.content()).not.toContain(endpoint.secret);

    const rotated = await rotateWebhookSecret(page, endpoint.id);
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(endpoint.secret);
    expect(await toggleWebhookEndpoint(page, endpoint.id)).toBe('disabled');
    expect(await toggleWebhookEndpoint(page, endpoint.id)).toBe('enabled');
    await page.getByTestId(`webhook-attempts-${endpoint.id}`).click();
    await page.getByTestId('webhook-attempts-dialog').getByText('No deliveries yet').waitFor();
    await page.keyboard.press('Escape');
    // nothing gave up yet: resending says so
    await page.getByTestId(`resend-webhook-endpoint-${endpoint.id}`).click();
    // resending asks first, naming the endpoint
    expect(await page.getByTestId('confirm-dialog').innerText()).toContain(
      'http://127.0.0.1:9/hooks/tributary',
    );
    await page.getByTestId(`resend-webhook-endpoint-confirm-${endpoint.id}`).click();
    await page.getByText('0 failed deliveries sent again').waitFor();
    await deleteWebhookEndpoint(page, endpoint.id);
  });

  it("a tenant member opens one of the tenant's events and sees its payload (read-only)", async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, base, 'olivia@example.com', 'operator-password-123');
    const tenantId = await createTenant(page, 'Events Tenant');
    const account = `acct_web${Date.now().toString(36)}`;
    await ownerSql(
      running.database,
      `update tenants set stripe_account_id = '${account}' where replace(id::text, '-', '') = '${tenantId.slice(4)}'`,
    );
    const event = fakeEvent({ type: 'tributary.tenant_test', account });
    await deliver(event, '/webhooks/stripe/connect');
    // no handler for this type: the worker marks it ignored, its one attempt in the history
    await expect.poll(() => statusOf(page, event.id as string), { timeout: 30_000 }).toBe('ignored');
    const url = await invite(page, tenantId, 'member@events.test', 'member');

    const member = await (await browser.newContext()).newPage();
    await member.goto(url);
    await member.waitForURL(`**/tenants/${tenantId}`);
    await member.goto(`${base}/tenants/${tenantId}/events`);
    await member.getByTestId(`event-row-${event.id as string}`).waitFor();
    const shown = await openEvent(member, event.id as string);
    expect(JSON.parse(shown)).toEqual(event);
    expect(await member.getByTestId('event-attempt-1').getAttribute('data-outcome')).toBe('ignored');
    await expect(member.getByTestId('event-replay').count()).resolves.toBe(0);
    await expect(member.getByTestId('event-payload-note').count()).resolves.toBe(0);

    // an event nested too deep to store: its summary, and a note saying so above it
    const deep = fakeEvent({
      type: 'tributary.tenant_deep',
      account,
      object: { id: 'pi_deep_web', object: 'payment_intent', extra: '__DEEP__' },
    });
    const depth = 8_000;
    await deliver(
      JSON.stringify(deep).replace('"__DEEP__"', `${'['.repeat(depth)}1${']'.repeat(depth)}`),
      '/webhooks/stripe/connect',
    );
    await expect.poll(() => statusOf(page, deep.id as string), { timeout: 30_000 }).toBe('ignored');
    await member.reload();
    await member.getByTestId(`event-row-${deep.id as string}`).waitFor();
    const summary = JSON.parse(await openEvent(member, deep.id as string));
    expect(summary).toMatchObject({
      id: deep.id,
      data: { object: { id: 'pi_deep_web', object: 'payment_intent' } },
    });
    expect(await member.getByTestId('event-payload-note').textContent()).toContain('nested too deep');
  });
});
