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
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  return {
    subject: `A ${amount} refund by ${ctx.tenantName} failed`,
    preview: 'The money is back in your balance; the customer was not refunded.',
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: 'A refund failed' },
      {
        kind: 'paragraph',
        text: `The customer's bank did not take a ${amount} refund. The amount is back in your balance: refund the customer another way, or try again.`,
      },
      {
        kind: 'facts',
        rows: [
          ['Amount', amount],
          ['Reason', d.failureReason ? humanCode(d.failureReason) : 'not given'],
          ['Refund', d.refundId],
        ],
      },
      { kind: 'button', label: 'View the payment', href: ctx.dashboardUrl(`payments/${d.paymentId}`) },
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
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  return {
    subject: `Action required: a ${amount} payout to ${ctx.tenantName}'s bank account failed`,
    preview: 'Check the bank account your payouts go to.',
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: 'A payout failed' },
      {
        kind: 'paragraph',
        text: `Your bank did not accept a ${amount} payout; the amount is back in your Stripe balance. Check the bank account your payouts go to: further payouts wait until it is fixed.`,
      },
      {
        kind: 'facts',
        rows: [
          ['Amount', amount],
          ['Reason', d.failureMessage ?? (d.failureCode ? humanCode(d.failureCode) : 'not given')],
          ['Payout', d.payoutId],
        ],
      },
      { kind: 'button', label: 'Open your account settings', href: ctx.dashboardUrl('settings') },
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
  const by = d.deadline ? ctx.formatDate(new Date(d.deadline)) : null;
  return {
    subject: `Stripe needs more information about ${ctx.tenantName}`,
    preview: by ? `Provide it by ${by} to keep payments and payouts on.` : 'Provide it to keep payments on.',
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: 'Your account needs information' },
      {
        kind: 'paragraph',
        text: 'Stripe asks for more information about your business. Without it, payments or payouts may be paused.',
      },
      {
        kind: 'facts',
        rows: [
          ['Needed', d.due.length > 0 ? d.due.map(humanCode).join(', ') : 'see your dashboard'],
          ['Due by', by ?? 'no deadline set'],
          ['Account', d.accountId],
        ],
      },
      { kind: 'button', label: 'Provide the information', href: ctx.dashboardUrl('payments-setup') },
    ],
    footer: ctx.footer,
  };
}

export interface AccountDisabledData extends AccountData {
  /** Stripe's `requirements.disabled_reason` */
  reason: string | null;
}

export function accountDisabled(d: AccountDisabledData, ctx: TemplateContext): EmailDocument {
  return {
    subject: `Action required: ${ctx.tenantName}'s Stripe account is disabled`,
    preview: 'Payments or payouts are paused.',
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: 'Your Stripe account is disabled' },
      {
        kind: 'paragraph',
        strong: true,
        text: 'Stripe paused payments or payouts on your account. Customers cannot pay you until it is enabled again.',
      },
      {
        kind: 'facts',
        rows: [
          ['Reason', d.reason ? humanCode(d.reason.replaceAll('.', ' ')) : 'not given'],
          ['Account', d.accountId],
        ],
      },
      { kind: 'button', label: 'Open payments setup', href: ctx.dashboardUrl('payments-setup') },
    ],
    footer: ctx.footer,
  };
}

export function accountDeauthorized(d: AccountData, ctx: TemplateContext): EmailDocument {
  return {
    subject: `${ctx.tenantName}'s Stripe account was disconnected`,
    preview: 'Payments through it stop until an account is connected again.',
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: 'Your Stripe account was disconnected' },
      {
        kind: 'paragraph',
        text: 'The Stripe account was disconnected from the platform. No payments can be taken until an account is connected again.',
      },
      { kind: 'facts', rows: [['Account', d.accountId]] },
      { kind: 'button', label: 'Connect an account', href: ctx.dashboardUrl('payments-setup') },
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
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  return {
    subject: `Invoice paid: ${amount} to ${ctx.tenantName}`,
    preview: d.customerEmail ? `${d.customerEmail} paid.` : 'Your customer paid.',
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: 'An invoice was paid' },
      {
        kind: 'facts',
        rows: [
          ['Amount', amount],
          ['Customer', d.customerEmail ?? 'not given'],
          ['Invoice', d.invoiceId],
        ],
      },
      { kind: 'button', label: 'View your invoices', href: ctx.dashboardUrl('invoices') },
    ],
    footer: ctx.footer,
  };
}
