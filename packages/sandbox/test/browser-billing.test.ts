// Headless Chromium pays the hosted billing pages: a Payment Link and a hosted invoice with 4242…, after
// seeing a decline with 4000 0000 0000 0002.
import type { Page } from 'playwright-core';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeHostedPages, type HostedPages, openHostedPages } from './helpers.ts';

let hosted: HostedPages | undefined;
let stripe: Stripe;
let page: Page;
let app: HostedPages['app'];

beforeAll(async () => {
  hosted = await openHostedPages();
  ({ stripe, page, app } = hosted);
});
afterAll(() => closeHostedPages(hosted));

async function fillCard(number: string) {
  await page.fill('#card_number', number);
  await page.fill('#exp', '12 / 34');
  await page.fill('#cvc', '123');
}

describe('hosted billing pages in Chromium', () => {
  it('pays a Payment Link: a decline first, then 4242 lands on the redirect', async () => {
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 1999,
      product_data: { name: 'Workshop' },
    });
    const link = await stripe.paymentLinks.create({
      line_items: [{ price: price.id, quantity: 1 }],
      after_completion: { type: 'redirect', redirect: { url: `${app.url}?paid={CHECKOUT_SESSION_ID}` } },
    });
    await page.goto(link.url);
    expect(await page.textContent('#total')).toContain('19.99 USD');
    await fillCard('4000 0000 0000 0002');
    await page.click('#submit');
    await page.waitForSelector('#error');
    expect(await page.textContent('#error')).toContain('Your card was declined.');
    await fillCard('4242 4242 4242 4242');
    await Promise.all([page.waitForURL(/paid=cs_test_/), page.click('#submit')]);
    const csId = new URL(page.url()).searchParams.get('paid')!;
    const cs = await stripe.checkout.sessions.retrieve(csId);
    expect(cs).toMatchObject({
      status: 'complete',
      payment_status: 'paid',
      amount_total: 1999,
      payment_link: link.id,
    });
    const pi = await stripe.paymentIntents.retrieve(String(cs.payment_intent));
    expect(pi.status).toBe('succeeded');
  });

  it('pays a hosted invoice: a decline first, then 4242; the PDF link serves a PDF', async () => {
    const cus = await stripe.customers.create({ email: 'payer@example.com' });
    await stripe.invoiceItems.create({
      customer: cus.id,
      amount: 12_345,
      currency: 'usd',
      description: 'Consulting',
    });
    const inv = await stripe.invoices.create({
      customer: cus.id,
      collection_method: 'send_invoice',
      days_until_due: 30,
      pending_invoice_items_behavior: 'include',
    });
    const open = await stripe.invoices.finalizeInvoice(inv.id);
    await page.goto(String(open.hosted_invoice_url));
    expect(await page.textContent('#amount_due')).toContain('123.45 USD');
    expect(await page.textContent('#lines')).toContain('Consulting');
    await fillCard('4000 0000 0000 0002');
    await page.click('#submit');
    await page.waitForSelector('#error');
    expect(await page.textContent('#error')).toContain('Your card was declined.');
    expect((await stripe.invoices.retrieve(inv.id)).status).toBe('open');
    await fillCard('4242 4242 4242 4242');
    await page.click('#submit');
    await page.waitForSelector('#paid');
    expect(await page.textContent('#status')).toBe('paid');
    const paid = await stripe.invoices.retrieve(inv.id);
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 12_345, attempt_count: 2 });
    const pdf = await page.request.get(String(paid.invoice_pdf));
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
