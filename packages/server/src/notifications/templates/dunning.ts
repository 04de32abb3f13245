import { formatLocalized } from '../../currency.ts';
import type { TemplateContext } from './context.ts';
import type { EmailDocument } from './document.ts';

// Dunning's e-mails to the tenant's owners and admins and its billing contact (billing/dunning/): its plan's
// renewal failed, a retry failed, the account is suspended, the payment was recovered.

interface Owed {
  /** minor units of `currency` */
  amount: number;
  currency: string;
  /** the recovery page (or, until it has its token, the dashboard's billing page) */
  recoveryUrl: string;
}

export interface PlanPaymentFailedData extends Owed {
  /** Stripe's decline code, said in words; null when unknown */
  declineCode: string | null;
  /** the first retry */
  nextAttemptAt: Date | null;
}

export interface PlanAttemptFailedData extends Owed {
  attempt: number;
  of: number;
  declineCode: string | null;
  /** null after the last attempt */
  nextAttemptAt: Date | null;
  suspendAt: Date;
}

export type PlanSuspendedData = Owed;
export type PlanRecoveredData = Omit<Owed, 'recoveryUrl'>;

const reason = (ctx: TemplateContext, code: string | null) =>
  (code && ctx.m.dunning.reason[code]) || ctx.m.dunning.reasonOther;

const day = (ctx: TemplateContext, d: Date) =>
  new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(d);

export function planPaymentFailed(d: PlanPaymentFailedData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.dunning;
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  const why = reason(ctx, d.declineCode);
  return {
    subject: m.failedSubject(amount, ctx.tenantName),
    preview: m.failedPreview(why),
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: m.failedHeading },
      { kind: 'paragraph', text: m.failedBody(amount, why) },
      {
        kind: 'facts',
        rows: [
          [m.amount, amount],
          [m.reasonLabel, why],
          ...(d.nextAttemptAt ? [[m.nextAttempt, day(ctx, d.nextAttemptAt)] as [string, string]] : []),
        ],
      },
      { kind: 'button', label: m.button, href: d.recoveryUrl },
    ],
    footer: ctx.footer,
  };
}

export function planAttemptFailed(d: PlanAttemptFailedData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.dunning;
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  const why = reason(ctx, d.declineCode);
  const next = d.nextAttemptAt ? day(ctx, d.nextAttemptAt) : null;
  return {
    subject: m.attemptSubject(d.attempt, d.of, ctx.tenantName),
    preview: m.attemptPreview(next),
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: m.attemptHeading(d.attempt, d.of) },
      { kind: 'paragraph', text: m.attemptBody(amount, why, next, day(ctx, d.suspendAt)) },
      {
        kind: 'facts',
        rows: [
          [m.amount, amount],
          [m.reasonLabel, why],
          next ? [m.nextAttempt, next] : [m.suspendsOn, day(ctx, d.suspendAt)],
        ],
      },
      { kind: 'button', label: m.button, href: d.recoveryUrl },
    ],
    footer: ctx.footer,
  };
}

export function planSuspended(d: PlanSuspendedData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.dunning;
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  return {
    subject: m.suspendedSubject(ctx.tenantName),
    preview: m.suspendedPreview(amount),
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: m.suspendedHeading },
      { kind: 'paragraph', text: m.suspendedBody(amount) },
      { kind: 'button', label: m.button, href: d.recoveryUrl },
    ],
    footer: ctx.footer,
  };
}

export function planRecovered(d: PlanRecoveredData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.dunning;
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  return {
    subject: m.recoveredSubject(ctx.tenantName),
    preview: m.recoveredPreview(amount),
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: m.recoveredHeading },
      { kind: 'paragraph', text: m.recoveredBody(amount) },
    ],
    footer: ctx.footer,
  };
}
