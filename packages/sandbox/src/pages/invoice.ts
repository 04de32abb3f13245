// Hosted invoice page (`hosted_invoice_url`): the invoice's lines and amount due, and a card form that
// pays it through the same path as `POST /v1/invoices/:id/pay`; `/pdf` serves `invoice_pdf`.
import type { ServerResponse } from 'node:http';
import { type App, type Ctx, systemCtx } from '../app.ts';
import { renderPdf } from '../billing/pdf.ts';
import { customerNow } from '../billing/scheduler.ts';
import type { Invoice } from '../objects/invoices.ts';
import type { PaymentMethod } from '../objects/payments.ts';
import { attemptPayment } from '../resources/invoices/attempts.ts';
import { paymentIntentOf } from '../resources/invoices/model.ts';
import { createPaymentMethod } from '../resources/payment_methods.ts';
import { StripeError } from '../wire/errors.ts';
import { atTime } from '../wire/ids.ts';
import type { Params } from '../wire/schema.ts';
import { esc, page, redirect, sendHtml } from './html.ts';

export function money(amount: unknown, currency: unknown): string {
  return `${(Number(amount) / 100).toFixed(2)} ${String(currency).toUpperCase()}`;
}

export function cardForm(action: string, label: string, error: string | null): string {
  return `<form method="post" action="${esc(action)}" id="pay-form">
${error ? `<p class="error" id="error">${esc(error)}</p>` : ''}
<label for="email">Email</label><input id="email" name="email" type="email" value="customer@example.com">
<label for="card_number">Card number</label><input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242">
<label for="exp">Expiry (MM / YY)</label><input id="exp" name="exp" value="12 / 34">
<label for="cvc">CVC</label><input id="cvc" name="cvc" value="123">
<button type="submit" id="submit">${esc(label)}</button>
</form>`;
}

/** A card PaymentMethod from the hosted form's fields (declines happen later, at confirmation). */
export function cardFromForm(ctx: Ctx, form: Params): PaymentMethod {
  const [mm, yy] = String(form.exp ?? '12 / 34')
    .split('/')
    .map((s) => s.trim());
  const year = Number(yy ?? 34);
  return createPaymentMethod(ctx, {
    type: 'card',
    card: {
      number: String(form.card_number ?? '').replace(/\s+/g, ''),
      exp_month: Number(mm ?? 12),
      exp_year: year < 100 ? 2000 + year : year,
      cvc: String(form.cvc ?? '123'),
    },
    billing_details: form.email ? { email: String(form.email) } : undefined,
  });
}

export function errorMessage(e: unknown): string {
  return e instanceof StripeError ? e.body.message : 'Something went wrong.';
}

function linesTable(inv: Invoice): string {
  const rows = inv.lines.data
    .map(
      (l) =>
        `<tr><td>${esc(l.description)}</td><td>${esc(l.quantity)}</td><td>${esc(money(l.amount, inv.currency))}</td></tr>`,
    )
    .join('');
  return `<table id="lines"><tr><th>Description</th><th>Qty</th><th>Amount</th></tr>${rows}</table>`;
}

function find(app: App, owner: string, id: string): Invoice | undefined {
  return app.store.get(owner, id, 'invoice');
}

export function showInvoice(
  app: App,
  res: ServerResponse,
  owner: string,
  id: string,
  error: string | null = null,
) {
  const inv = find(app, owner, id);
  if (!inv || inv.status === 'draft')
    return sendHtml(res, 404, page('Invoice', '<h1>Invoice not found</h1>'));
  const due = inv.status === 'open' || inv.status === 'uncollectible';
  const body = `<h1>Invoice ${esc(inv.number)}</h1>
<p>Status: <strong id="status">${esc(inv.status)}</strong></p>
${linesTable(inv)}
<p>Total: ${esc(money(inv.total, inv.currency))} · Amount due: <strong id="amount_due">${esc(money(inv.amount_remaining, inv.currency))}</strong></p>
<p><a href="${esc(inv.invoice_pdf)}" id="pdf">Download PDF</a></p>
${due ? cardForm(`/i/${owner}/${inv.id}`, `Pay ${money(inv.amount_remaining, inv.currency)}`, error) : inv.status === 'paid' ? '<p id="paid">This invoice has been paid.</p>' : `<p id="closed">This invoice is ${esc(inv.status)}.</p>`}`;
  sendHtml(res, error ? 402 : 200, page(`Invoice ${inv.number}`, body));
}

export function payInvoicePage(app: App, res: ServerResponse, owner: string, id: string, form: Params) {
  const inv = find(app, owner, id);
  if (!inv) return sendHtml(res, 404, page('Invoice', '<h1>Invoice not found</h1>'));
  const ctx = systemCtx(app, owner);
  let error: string | null = null;
  let authenticate: string | null = null;
  atTime(customerNow(app, owner, inv.customer), () => {
    try {
      const pm = cardFromForm(ctx, form);
      const result = attemptPayment(ctx, inv, {
        paymentMethod: pm.id,
        offSession: false,
        returnUrl: String(inv.hosted_invoice_url),
      });
      if (result.error) error = errorMessage(result.error);
      else if (!result.ok) {
        // 3-D Secure: authenticate on the hosted page, then come back here.
        const pi = paymentIntentOf(ctx, inv);
        authenticate = pi?.next_action?.redirect_to_url?.url ?? null;
        if (!authenticate) error = 'This payment requires authentication.';
      }
    } catch (e) {
      error = errorMessage(e);
    }
  });
  if (authenticate) return redirect(res, authenticate);
  showInvoice(app, res, owner, id, error);
}

export function invoicePdf(app: App, res: ServerResponse, owner: string, id: string) {
  const inv = find(app, owner, id);
  if (!inv || inv.status === 'draft') {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
    return;
  }
  const lines = [
    { text: `Invoice ${inv.number}`, size: 20, bold: true },
    { text: `Status: ${inv.status}` },
    { text: `Customer: ${inv.customer_name ?? inv.customer_email ?? inv.customer}` },
    { text: `Date: ${new Date(Number(inv.created) * 1000).toISOString().slice(0, 10)}` },
    { text: '' },
    ...inv.lines.data.map((l) => ({
      text: `${l.description ?? ''}  x${l.quantity}  ${money(l.amount, inv.currency)}`,
    })),
    { text: '' },
    { text: `Subtotal: ${money(inv.subtotal, inv.currency)}` },
    { text: `Total: ${money(inv.total, inv.currency)}`, bold: true },
    { text: `Amount paid: ${money(inv.amount_paid, inv.currency)}` },
    { text: `Amount remaining: ${money(inv.amount_remaining, inv.currency)}` },
  ];
  const pdf = renderPdf(lines);
  res.writeHead(200, {
    'Content-Type': 'application/pdf',
    'Content-Length': pdf.length,
    'Content-Disposition': `inline; filename="${inv.number}.pdf"`,
  });
  res.end(pdf);
}
