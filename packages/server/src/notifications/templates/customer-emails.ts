import { formatLocalized } from '../../currency.ts';
import type { TemplateContext } from './context.ts';
import type { Block, EmailDocument } from './document.ts';

// E-mails to a tenant's own customers, sent in the tenant's name: the footer says who sent them, not the
// owners' one.
const customerFooter = (ctx: TemplateContext) =>
  `${ctx.tenantName} sent you this e-mail about your account with them.`;

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
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  const blocks: Block[] = [
    { kind: 'heading', text: `Receipt from ${ctx.tenantName}` },
    { kind: 'paragraph', text: `Thank you for your payment of ${amount}.` },
  ];
  if (d.lines.length > 0) blocks.push({ kind: 'facts', rows: lineRows(d.lines, d.currency, ctx.locale) });
  blocks.push({
    kind: 'facts',
    rows: [
      ['Total paid', amount],
      ['Paid on', ctx.formatDate(new Date(d.paidAt))],
      ...(d.receiptNumber ? [['Receipt number', d.receiptNumber] as [string, string]] : []),
      ...(d.invoiceId ? [['Invoice', d.invoiceId] as [string, string]] : []),
    ],
  });
  if (d.receiptUrl) blocks.push({ kind: 'button', label: 'View your receipt', href: d.receiptUrl });
  return {
    subject: `Your receipt from ${ctx.tenantName}${d.receiptNumber ? ` #${d.receiptNumber}` : ''}`,
    preview: `${amount} paid to ${ctx.tenantName}.`,
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
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  const due = d.dueDate ? ctx.formatDate(new Date(d.dueDate)) : null;
  return {
    subject: `Invoice from ${ctx.tenantName} for ${amount}`,
    preview: due ? `Due by ${due}.` : `Pay ${amount} online.`,
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: `${ctx.tenantName} sent you an invoice` },
      ...(d.lines.length > 0
        ? [{ kind: 'facts' as const, rows: lineRows(d.lines, d.currency, ctx.locale) }]
        : []),
      {
        kind: 'facts',
        rows: [
          ['Amount due', amount],
          ['Due by', due ?? 'on receipt'],
          ['Invoice', d.invoiceId],
        ],
      },
      { kind: 'button', label: 'Pay the invoice', href: d.payUrl },
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
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  return {
    subject: `Your ${amount} payment to ${ctx.tenantName} failed`,
    preview: 'Update your card to keep your account in good standing.',
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: 'Your payment failed' },
      {
        kind: 'paragraph',
        text: `We could not charge ${amount} to your card${d.failureMessage ? `: ${d.failureMessage}` : '.'} Please update your payment details.`,
      },
      ...(d.updateUrl ? [{ kind: 'button' as const, label: 'Update your card', href: d.updateUrl }] : []),
      ...(d.invoiceUrl
        ? [{ kind: 'button' as const, label: 'Pay the invoice now', href: d.invoiceUrl }]
        : []),
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
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  const when = ctx.formatDate(new Date(d.renewsAt));
  return {
    subject: `Your ${ctx.tenantName} subscription renews on ${when}`,
    preview: `${amount} will be charged.`,
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: 'Your subscription renews soon' },
      {
        kind: 'facts',
        rows: [
          ['Subscription', d.description],
          ['Renews on', when],
          ['Amount', amount],
        ],
      },
      {
        kind: 'paragraph',
        text: 'Nothing to do if you wish to continue. To change or cancel it, contact us before that date.',
      },
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
  const card = `${d.brand.charAt(0).toUpperCase()}${d.brand.slice(1)} ending in ${d.last4}`;
  const expiry = `${String(d.expMonth).padStart(2, '0')}/${d.expYear}`;
  return {
    subject: `Your card on file with ${ctx.tenantName} expires soon`,
    preview: `${card} expires ${expiry}.`,
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: 'Your card expires soon' },
      {
        kind: 'paragraph',
        text: `Your ${card} expires at the end of ${expiry}. Update it to avoid an interruption.`,
      },
      ...(d.updateUrl ? [{ kind: 'button' as const, label: 'Update your card', href: d.updateUrl }] : []),
    ],
    footer: customerFooter(ctx),
  };
}
