import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, sessionFor, type TestTenant } from '../helpers/app.ts';
import { launchChromium } from '../helpers/browser.ts';
import { connectTenant, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, waitFor } from '../helpers/webhooks.ts';
import { startSmtp, type TestSmtp } from './smtp.ts';

interface Notification {
  id: string;
  template: string;
  status: string;
  recipients: string[];
  dedup_key: string;
  subject: string;
  text: string;
}

/**
 * A customer's receipt after paying a tenant's invoice through its Payment Link in Chromium, through a real
 * SMTP server: sent once when the tenant turned receipts on, kept `suppressed` (nothing sent) when not. The
 * owners hear of the payment either way.
 */
describe('receipts for invoices paid through their Payment Link', () => {
  let smtp: TestSmtp;
  let p: Pipeline;
  let tenant: TestTenant;
  let browser: Browser;
  let api: ReturnType<typeof tenantApi>;

  beforeAll(async () => {
    smtp = await startSmtp();
    p = await startPipeline({ SMTP_URL: smtp.url, EMAIL_FROM: 'Acme Billing <billing@tributary.test>' });
    tenant = await createTestTenant(p.t, 'Acme Studio');
    await sessionFor(p.t, tenant, 'owner@studio.test', 'owner');
    await connectTenant(p.t, tenant);
    api = tenantApi(p.t, tenant);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await p?.close();
    await smtp?.close();
  });

  const notifications = async () =>
    (await api('GET', '/notifications?limit=100')).json().data as Notification[];

  /** An invoice to `email`, sent and paid with 4242 on its hosted page; its owners' alert once sent. */
  async function payInvoice(email: string) {
    const created = await api('POST', '/invoices', {
      lines: [
        { description: 'Design work', quantity: 2, unit_amount: 3000 },
        { description: 'Hosting', quantity: 1, unit_amount: 4000 },
      ],
      currency: 'usd',
      customer_email: email,
    });
    expect(created.statusCode, created.body).toBe(200);
    const inv = (await api('POST', `/invoices/${created.json().id}/send`)).json();
    const page = await browser.newPage();
    try {
      await page.goto(inv.payment_link.url);
      await page.fill('#card_number', '4242 4242 4242 4242');
      await page.fill('#exp', '12 / 34');
      await page.fill('#cvc', '123');
      await Promise.all([page.waitForURL(/\/c\/done\//), page.click('#submit')]);
    } finally {
      await page.close();
    }
    // the owners' alert is written with the payment; the receipt's row by the follow-up after it
    const settled = await waitFor(
      async () => {
        const all = await notifications();
        const paid = all.find((n) => n.template === 'invoice_paid' && n.text.includes(inv.id));
        const receipt = all.find((n) => n.template === 'receipt' && n.text.includes(inv.id));
        return paid?.status === 'sent' &&
          receipt &&
          receipt.status !== 'pending' &&
          receipt.status !== 'sending'
          ? { paid, receipt }
          : null;
      },
      'invoice_paid sent and the receipt settled',
      pipelineState(p),
    );
    return { inv, ...settled };
  }

  it('receipts off (the default): none is sent, the outbox row is suppressed', async () => {
    const prefs = await api('GET', '/notification_preferences');
    expect(prefs.json().customer_emails).toMatchObject({ receipt: false, invoice_sent: false });
    const { receipt, paid } = await payInvoice('quiet@example.com');
    expect(receipt.status).toBe('suppressed');
    expect(receipt.recipients).toEqual(['quiet@example.com']);
    expect(paid.recipients).toEqual(['owner@studio.test']);
    // the invoice itself was not mailed either: invoice e-mails are off too
    const sent = (await notifications()).filter((n) => n.template === 'invoice_sent');
    expect(sent.map((n) => [n.status, n.recipients])).toEqual([['suppressed', ['quiet@example.com']]]);
    expect(smtp.arrivals.filter((a) => a.to.includes('quiet@example.com'))).toHaveLength(0);
    expect(smtp.arrivals.filter((a) => a.to.includes('owner@studio.test'))).toHaveLength(1);
  });

  it('receipts on: exactly one receipt reaches the customer, with the lines, total and hosted receipt', async () => {
    const on = await api('POST', '/notification_preferences', { customer_emails: { receipt: true } });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json().customer_emails.receipt).toBe(true);
    const { inv, receipt } = await payInvoice('client@example.com');
    expect(receipt.status).toBe('sent');
    expect(receipt.dedup_key).toMatch(/^receipt:pi_/);
    const arrivals = smtp.arrivals.filter((a) => a.to.includes('client@example.com'));
    expect(arrivals).toHaveLength(1);
    const mail = arrivals[0]!.mail;
    expect(arrivals[0]!.to).toEqual(['client@example.com']);
    expect(mail.subject).toMatch(/^Your receipt from Acme Studio/);
    const payment = (
      await api('GET', `/payments/${(await api('GET', `/invoices/${inv.id}`)).json().payment}`)
    ).json();
    expect(payment.receipt_url).toMatch(/^http/);
    for (const part of [mail.text!, mail.html as string]) {
      expect(part).toContain('Design work × 2');
      expect(part).toContain('$60.00');
      expect(part).toContain('$100.00');
      expect(part).toContain(inv.id);
      expect(part).toContain(payment.receipt_url);
    }
  });
});
