import { formatLocalized } from '../../currency.ts';
import type { TemplateContext } from './context.ts';
import type { Block, EmailDocument } from './document.ts';

// E-mails to a tenant's own customers, sent in the tenant's name: the footer says who sent them, not the
// owners' one.
const customerFooter = (ctx: TemplateContext) => ctx.m.common.customerFooter(ctx.tenantName);

export interface LineItem {
  description: string;
  quantity: number;
  /** minor units of the currency, per unit */
  unitAmount: number;
}

function lineRows(lines: LineItem[], currency: string, locale: string): [string, string][] {
  return lines.map((l) => [
    l.quantity === 1 ? l.description : `${l.description} × ${l.quantity}`,
    formatLocalized(l.unitAmount * l.quantity, currency, locale),
  ]);
}

export interface ReceiptData {
  amount: number;
  currency: string;
  /** the invoice's lines; for a payment without an invoice, its description if it has one */
  lines: LineItem[];
  /** Stripe's receipt number of the charge, when it has one */
  receiptNumber: string | null;
  /** Stripe's hosted receipt (`charge.receipt_url`) */
  receiptUrl: string | null;
  /** ISO time of the payment */
  paidAt: string;
  /** the invoice it paid (the tenant's `inv_…`, or a subscription invoice's number), if any */
  invoiceId: string | null;
}

export function receipt(d: ReceiptData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.receipt;
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  const blocks: Block[] = [
    { kind: 'heading', text: m.heading(ctx.tenantName) },
    { kind: 'paragraph', text: m.thanks(amount) },
  ];
  if (d.lines.length > 0) blocks.push({ kind: 'facts', rows: lineRows(d.lines, d.currency, ctx.locale) });
  blocks.push({
    kind: 'facts',
    rows: [
      [m.totalPaid, amount],
      [m.paidOn, ctx.formatDate(new Date(d.paidAt))],
      ...(d.receiptNumber ? [[m.receiptNumber, d.receiptNumber] as [string, string]] : []),
      ...(d.invoiceId ? [[ctx.m.common.invoice, d.invoiceId] as [string, string]] : []),
    ],
  });
  if (d.receiptUrl) blocks.push({ kind: 'button', label: m.button, href: d.receiptUrl });
  return {
    subject: m.subject(ctx.tenantName, d.receiptNumber),
    preview: m.preview(amount, ctx.tenantName),
    brand: ctx.tenantName,
    blocks,
    footer: customerFooter(ctx),
  };
}

export interface InvoiceSentData {
  invoiceId: string;
  amount: number;
  currency: string;
  lines: LineItem[];
  /** ISO due date, if any */
  dueDate: string | null;
  /** the invoice's Payment Link */
  payUrl: string;
}

export function invoiceSent(d: InvoiceSentData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.invoiceSent;
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  const due = d.dueDate ? ctx.formatDate(new Date(d.dueDate)) : null;
  return {
    subject: m.subject(ctx.tenantName, amount),
    preview: due ? m.previewDue(due) : m.previewPay(amount),
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: m.heading(ctx.tenantName) },
      ...(d.lines.length > 0
        ? [{ kind: 'facts' as const, rows: lineRows(d.lines, d.currency, ctx.locale) }]
        : []),
      {
        kind: 'facts',
        rows: [
          [m.amountDue, amount],
          [m.dueBy, due ?? m.onReceipt],
          [ctx.m.common.invoice, d.invoiceId],
        ],
      },
      { kind: 'button', label: m.button, href: d.payUrl },
    ],
    footer: customerFooter(ctx),
  };
}

export interface PaymentFailedData {
  amount: number;
  currency: string;
  /** the bank's reason, as Stripe words it */
  failureMessage: string | null;
  /** Tributary's page that opens a Stripe session to update the card; null when none can be made */
  updateUrl: string | null;
  /** the invoice's hosted page, where another card pays it now */
  invoiceUrl?: string | null;
}

export function paymentFailed(d: PaymentFailedData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.paymentFailed;
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  return {
    subject: m.subject(amount, ctx.tenantName),
    preview: m.preview,
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: m.heading },
      { kind: 'paragraph', text: m.body(amount, d.failureMessage) },
      ...(d.updateUrl ? [{ kind: 'button' as const, label: m.button, href: d.updateUrl }] : []),
      ...(d.invoiceUrl ? [{ kind: 'button' as const, label: m.payInvoice, href: d.invoiceUrl }] : []),
    ],
    footer: customerFooter(ctx),
  };
}

export interface RenewalReminderData {
  subscriptionId: string;
  /** what renews (the product's name) */
  description: string;
  amount: number;
  currency: string;
  /** ISO time of the renewal (the period's end) */
  renewsAt: string;
}

export function renewalReminder(d: RenewalReminderData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.renewalReminder;
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  const when = ctx.formatDate(new Date(d.renewsAt));
  return {
    subject: m.subject(ctx.tenantName, when),
    preview: m.preview(amount),
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: m.heading },
      {
        kind: 'facts',
        rows: [
          [m.subscription, d.description],
          [m.renewsOn, when],
          [ctx.m.common.amount, amount],
        ],
      },
      { kind: 'paragraph', text: m.body },
    ],
    footer: customerFooter(ctx),
  };
}

export interface CardExpiringData {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  updateUrl: string | null;
}

export function cardExpiring(d: CardExpiringData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.cardExpiring;
  const card = m.card(`${d.brand.charAt(0).toUpperCase()}${d.brand.slice(1)}`, d.last4);
  const expiry = `${String(d.expMonth).padStart(2, '0')}/${d.expYear}`;
  return {
    subject: m.subject(ctx.tenantName),
    preview: m.preview(card, expiry),
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: m.heading },
      { kind: 'paragraph', text: m.body(card, expiry) },
      ...(d.updateUrl ? [{ kind: 'button' as const, label: m.button, href: d.updateUrl }] : []),
    ],
    footer: customerFooter(ctx),
  };
}
