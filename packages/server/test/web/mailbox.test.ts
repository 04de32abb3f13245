import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOperator } from '../../../web/e2e/flows.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { enqueueNotification } from '../../src/notifications/service.ts';
import { type BrowserApp, startBrowserApp } from '../helpers/browser-app.ts';
import { waitFor } from '../helpers/webhooks.ts';
import { startSmtp, type TestSmtp } from '../notifications/smtp.ts';

interface ApiNotification {
  id: string;
  status: string;
  template: string;
  message_id: string;
  headers: { date: string | null };
}

/**
 * The E-mails page (the Mailbox without SMTP) in Chromium, against a real SMTP server: a dispute opened with
 * the sandbox's dispute card shows as sent — headers, the HTML part in a sandboxed iframe, the text part —
 * and an owner sends it again; a tenant sees only its own; a bounce puts a banner on the owner's pages.
 */
describe('Mailbox page in Chromium', () => {
  let app: BrowserApp;
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
    smtp.answer = (address) =>
      address.endsWith('@bounces.test') ? { code: 550, message: '5.1.1 No such user' } : 'accept';
    app = await startBrowserApp(
      { SMTP_URL: smtp.url, EMAIL_FROM: 'Tributary Alerts <alerts@tributary.test>' },
      { webhooks: true },
    );
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });
  const call: BrowserApp['call'] = (path, body) => app.call(path, body);
  const notificationsOf = async (tenantId: string) =>
    (await call(`/v1/tenants/${tenantId}/notifications?limit=100`)).data as ApiNotification[];

  it('shows the dispute e-mail as sent, resends it; another tenant never sees it; a bounce shows a banner', async () => {
    const acme = await call('/v1/tenants', { name: 'Acme Bikes' });
    const owner = await app.signIn(acme.id, 'owner@acme.test', 'owner');
    await app.connectEnabled(acme.id);
    const t = `/v1/tenants/${acme.id}`;
    // branded: its name in From's display part (the address stays EMAIL_FROM's), its colour, a Reply-To
    await call(`${t}/branding`, {
      brand_name: 'Acme Pro',
      accent_color: '#ff5500',
      reply_to: 'owner@acme.test',
    });
    const customer = await call(`${t}/customers`, { email: 'disputer@example.com' });
    await call(`${t}/customers/${customer.id}/setup_intents`, { payment_method: 'pm_card_createDispute' });
    const pay = await call(`${t}/payment_intents`, {
      amount: 4000,
      currency: 'usd',
      customer: customer.id,
      off_session: true,
    });
    expect(pay.status).toBe('succeeded');
    const sent = await waitFor(async () => {
      const n = (await notificationsOf(acme.id)).find((x) => x.template === 'dispute_opened');
      return n?.status === 'sent' ? n : null;
    }, 'dispute_opened sent');
    const arrival = smtp.arrivals.find((a) => a.mail.messageId === sent.message_id)!;
    expect(arrival).toBeTruthy();

    // the page, as the owner: SMTP is configured, so it is "E-mails"
    await owner.getByTestId('nav-emails').click();
    await owner.getByRole('heading', { name: 'E-mails' }).waitFor();
    // the payment's receipt (kept suppressed) may be newer: open the alert
    await owner.getByTestId(`mail-row-${sent.id}`).click();
    const message = owner.getByTestId('mail-message');
    await expect.poll(() => message.getAttribute('data-id')).toBe(sent.id);
    expect(await message.getAttribute('data-id')).toBe(sent.id);
    const header = (name: string) => owner.getByTestId(`mail-header-${name}`).textContent();
    expect(await header('From')).toBe('"Acme Pro via Tributary Alerts" <alerts@tributary.test>');
    expect(arrival.mail.from?.value).toEqual([
      { name: 'Acme Pro via Tributary Alerts', address: 'alerts@tributary.test' },
    ]);
    expect(arrival.from).toBe('alerts@tributary.test');
    expect(await header('Reply-To')).toBe('owner@acme.test');
    expect(arrival.mail.replyTo?.text).toBe('owner@acme.test');
    expect(arrival.mail.html).toContain('#ff5500');
    expect(await header('To')).toBe('owner@acme.test');
    expect(await header('Subject')).toBe(arrival.mail.subject);
    expect(await header('Message-ID')).toBe(arrival.mail.messageId);
    // the Date header the server received is the one shown
    expect(await header('Date')).toBe(/^Date: (.+)$/im.exec(arrival.raw)![1]!.trim());
    await expect
      .poll(() => owner.getByTestId('mail-attempts').textContent(), { timeout: 20_000 })
      .toBe('1 attempt');
    // the HTML part runs in an iframe that may run nothing, and shows what was sent
    const iframe = owner.getByTestId('mail-html');
    expect(await iframe.getAttribute('sandbox')).toBe('');
    expect(await iframe.getAttribute('srcdoc')).toBe(arrival.mail.html);
    const body = owner.frameLocator('[data-testid="mail-html"]').locator('body');
    await expect.poll(() => body.textContent()).toContain('A payment was disputed');
    expect(await body.textContent()).toContain('$40.00');
    await owner.getByTestId('mail-part-text').click();
    expect(await owner.getByTestId('mail-text').textContent()).toBe(arrival.mail.text);

    // resend, after confirming: the same Message-ID arrives once more
    await owner.getByTestId('mail-resend').click();
    await owner.getByTestId('mail-resend-confirm').click();
    await waitFor(
      async () => smtp.arrivals.filter((a) => a.mail.messageId === sent.message_id).length === 2,
      'the resent e-mail arrived',
    );
    // a resend starts its own count of attempts; the page says it was resent
    await expect
      .poll(() => owner.getByTestId('mail-resent').textContent(), { timeout: 20_000 })
      .toBe('resent once');
    await expect
      .poll(() => owner.getByTestId('mail-attempts').textContent(), { timeout: 20_000 })
      .toBe('1 attempt');

    // another tenant, whose alert address bounces (a permanent 550)
    const beta = await call('/v1/tenants', { name: 'Beta Books' });
    const betaOwner = await app.signIn(beta.id, 'owner@bounces.test', 'owner');
    const betaId = fromPublicId('tenant', beta.id)!;
    const alert = await withTenant(app.running.database.db, betaId, (tx) =>
      enqueueNotification(
        tx,
        {
          config: app.config,
          enqueue: (queue, data) => app.running.jobs.sendInTx(tx, queue, data),
        },
        {
          tenantId: betaId,
          template: 'dispute_opened',
          data: {
            disputeId: 'dsp_0',
            paymentId: 'pay_0',
            amount: 1500,
            currency: 'eur',
            reason: 'fraudulent',
            evidenceDueBy: '2026-12-20T23:59:59.000Z',
          },
          recipients: ['owner@bounces.test'],
          dedupKey: 'dispute_opened:beta',
        },
      ),
    );
    const betaMail = `ntf_${alert.notification.id.replaceAll('-', '')}`;
    await waitFor(
      async () => (await notificationsOf(beta.id)).find((n) => n.id === betaMail)?.status === 'failed',
      'the bounced e-mail failed',
    );

    // the platform's mailbox lists both tenants' e-mails
    const all = (await call('/v1/notifications?limit=100')).data as (ApiNotification & { tenant: string })[];
    expect(all.find((n) => n.id === sent.id)?.tenant).toBe(acme.id);
    expect(all.find((n) => n.id === betaMail)?.tenant).toBe(beta.id);

    // Acme's owner never sees Beta's e-mail, and its id is a 404 there (once the payment's receipt is written)
    await waitFor(
      async () => (await notificationsOf(acme.id)).some((n) => n.template === 'receipt'),
      'the receipt written',
    );
    await owner.reload();
    await owner.getByTestId(`mail-row-${sent.id}`).waitFor();
    // its own e-mails only: the alert, and the payment's receipt kept suppressed (receipts are off)
    expect(await owner.getByTestId('mail-list').locator('li').count()).toBe(
      (await notificationsOf(acme.id)).length,
    );
    expect((await notificationsOf(acme.id)).map((n) => n.template).sort()).toEqual([
      'dispute_opened',
      'receipt',
    ]);
    expect(await owner.getByTestId(`mail-row-${betaMail}`).count()).toBe(0);
    const cross = await owner.request.get(`${app.base}/v1/tenants/${acme.id}/notifications/${betaMail}`);
    expect(cross.status()).toBe(404);
    const foreign = await owner.request.get(`${app.base}/v1/tenants/${beta.id}/notifications`);
    expect([403, 404]).toContain(foreign.status());
    expect(await owner.getByTestId('bounce-banner').count()).toBe(0);

    // Beta's owner: the banner on every page, pointing to Settings; the failed e-mail with its error
    await betaOwner.reload();
    const banner = betaOwner.getByTestId('bounce-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('owner@bounces.test');
    await betaOwner.getByTestId('nav-emails').click();
    await betaOwner.getByTestId(`mail-row-${betaMail}`).waitFor();
    await banner.waitFor();
    expect(await betaOwner.getByTestId('mail-last-error').textContent()).toContain('550');
    expect(await betaOwner.getByTestId(`mail-row-${sent.id}`).count()).toBe(0);
    await betaOwner.getByTestId('bounce-banner-settings').click();
    await betaOwner.waitForURL(`**/tenants/${beta.id}/settings`);
    await banner.waitFor();

    // the operator's All e-mails: both tenants'
    const operator = await (await app.browser.newContext()).newPage();
    await setupOperator(operator, app.running.setupUrl!, {
      name: 'Olivia Operator',
      email: 'olivia@example.com',
      password: 'operator-password-123',
    });
    await operator.getByTestId('nav-operator-emails').click();
    await operator.getByRole('heading', { name: 'All e-mails' }).waitFor();
    await operator.getByTestId(`mail-row-${sent.id}`).waitFor();
    await operator.getByTestId(`mail-row-${betaMail}`).click();
    expect(await operator.getByTestId('mail-header-To').textContent()).toBe('owner@bounces.test');
  });
});
