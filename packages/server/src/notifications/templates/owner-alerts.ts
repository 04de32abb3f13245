import { formatLocalized } from '../../currency.ts';
import type { TemplateContext } from './context.ts';
import type { EmailDocument } from './document.ts';

const humanCode = (r: string) => {
  const words = r.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export interface RefundFailedData {
  refundId: string;
  paymentId: string;
  amount: number;
  currency: string;
  /** Stripe's `failure_reason` (`expired_or_canceled_card`, `lost_or_stolen_card` …) */
  failureReason: string | null;
}

export function refundFailed(d: RefundFailedData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.refundFailed;
  const c = ctx.m.common;
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  return {
    subject: m.subject(amount, ctx.tenantName),
    preview: m.preview,
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: m.heading },
      { kind: 'paragraph', text: m.body(amount) },
      {
        kind: 'facts',
        rows: [
          [c.amount, amount],
          [c.reason, d.failureReason ? humanCode(d.failureReason) : c.notGiven],
          [m.refund, d.refundId],
        ],
      },
      { kind: 'button', label: c.viewPayment, href: ctx.dashboardUrl(`payments/${d.paymentId}`) },
    ],
    footer: ctx.footer,
  };
}

export interface PayoutFailedData {
  /** Stripe's payout id (`po_…`) */
  payoutId: string;
  amount: number;
  currency: string;
  failureCode: string | null;
  failureMessage: string | null;
}

export function payoutFailed(d: PayoutFailedData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.payoutFailed;
  const c = ctx.m.common;
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  return {
    subject: m.subject(amount, ctx.tenantName),
    preview: m.preview,
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: m.heading },
      { kind: 'paragraph', text: m.body(amount) },
      {
        kind: 'facts',
        rows: [
          [c.amount, amount],
          [c.reason, d.failureMessage ?? (d.failureCode ? humanCode(d.failureCode) : c.notGiven)],
          [m.payout, d.payoutId],
        ],
      },
      { kind: 'button', label: m.button, href: ctx.dashboardUrl('settings') },
    ],
    footer: ctx.footer,
  };
}

export interface AccountData {
  /** the connected Stripe account (`acct_…`) */
  accountId: string;
}

export interface AccountNeedsInformationData extends AccountData {
  /** Stripe's `requirements.currently_due` (and past due) */
  due: string[];
  /** ISO time Stripe disables the account by; null when none is set */
  deadline: string | null;
}

export function accountNeedsInformation(d: AccountNeedsInformationData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.accountNeedsInformation;
  const by = d.deadline ? ctx.formatDate(new Date(d.deadline)) : null;
  return {
    subject: m.subject(ctx.tenantName),
    preview: by ? m.previewBy(by) : m.previewNoBy,
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: m.heading },
      { kind: 'paragraph', text: m.body },
      {
        kind: 'facts',
        rows: [
          [m.needed, d.due.length > 0 ? d.due.map(humanCode).join(', ') : m.seeDashboard],
          [m.dueBy, by ?? m.noDeadline],
          [ctx.m.common.account, d.accountId],
        ],
      },
      { kind: 'button', label: m.button, href: ctx.dashboardUrl('payments-setup') },
    ],
    footer: ctx.footer,
  };
}

export interface AccountDisabledData extends AccountData {
  /** Stripe's `requirements.disabled_reason` */
  reason: string | null;
}

export function accountDisabled(d: AccountDisabledData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.accountDisabled;
  const c = ctx.m.common;
  return {
    subject: m.subject(ctx.tenantName),
    preview: m.preview,
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: m.heading },
      { kind: 'paragraph', strong: true, text: m.body },
      {
        kind: 'facts',
        rows: [
          [c.reason, d.reason ? humanCode(d.reason.replaceAll('.', ' ')) : c.notGiven],
          [c.account, d.accountId],
        ],
      },
      { kind: 'button', label: m.button, href: ctx.dashboardUrl('payments-setup') },
    ],
    footer: ctx.footer,
  };
}

export function accountDeauthorized(d: AccountData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.accountDeauthorized;
  return {
    subject: m.subject(ctx.tenantName),
    preview: m.preview,
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: m.heading },
      { kind: 'paragraph', text: m.body },
      { kind: 'facts', rows: [[ctx.m.common.account, d.accountId]] },
      { kind: 'button', label: m.button, href: ctx.dashboardUrl('payments-setup') },
    ],
    footer: ctx.footer,
  };
}

export interface InvoicePaidData {
  invoiceId: string;
  amount: number;
  currency: string;
  customerEmail: string | null;
}

export function invoicePaid(d: InvoicePaidData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.invoicePaid;
  const c = ctx.m.common;
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  return {
    subject: m.subject(amount, ctx.tenantName),
    preview: d.customerEmail ? m.previewWho(d.customerEmail) : m.previewAnon,
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: m.heading },
      {
        kind: 'facts',
        rows: [
          [c.amount, amount],
          [m.customer, d.customerEmail ?? c.notGiven],
          [c.invoice, d.invoiceId],
        ],
      },
      { kind: 'button', label: m.button, href: ctx.dashboardUrl('invoices') },
    ],
    footer: ctx.footer,
  };
}
