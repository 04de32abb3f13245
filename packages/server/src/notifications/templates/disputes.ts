import { formatLocalized } from '../../currency.ts';
import type { TemplateContext } from './context.ts';
import type { EmailDocument } from './document.ts';

export interface DisputeData {
  disputeId: string;
  paymentId: string;
  amount: number;
  currency: string;
  /** Stripe's reason code (`fraudulent`, `product_not_received` …) */
  reason: string;
  /** ISO time evidence is due by; null when Stripe takes none */
  evidenceDueBy: string | null;
}

export interface DisputeClosedData extends DisputeData {
  /** Stripe's final status: `won`, `lost`, `warning_closed` */
  status: string;
}

const humanReason = (r: string) => {
  const words = r.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** The dispute's page in the dashboard: the payment it disputes, where evidence is submitted. */
const disputeLink = (ctx: TemplateContext, d: DisputeData) => ctx.dashboardUrl(`payments/${d.paymentId}`);

export function disputeOpened(d: DisputeData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.disputeOpened;
  const c = ctx.m.common;
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  const due = d.evidenceDueBy ? ctx.formatDate(new Date(d.evidenceDueBy)) : null;
  return {
    subject: m.subject(amount, ctx.tenantName),
    preview: due ? m.previewDue(due) : m.previewNoDue,
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: m.heading },
      { kind: 'paragraph', text: m.body(amount, ctx.tenantName) },
      {
        kind: 'facts',
        rows: [
          [c.amount, amount],
          [c.reason, humanReason(d.reason)],
          [m.evidenceDueBy, due ?? m.noEvidence],
          [m.dispute, d.disputeId],
        ],
      },
      ...(due ? [{ kind: 'paragraph' as const, strong: true, text: m.submitBefore(due) }] : []),
      { kind: 'button', label: m.button, href: disputeLink(ctx, d) },
    ],
    footer: ctx.footer,
  };
}

export function disputeClosed(d: DisputeClosedData, ctx: TemplateContext): EmailDocument {
  const m = ctx.m.disputeClosed;
  const c = ctx.m.common;
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  const outcome = m.outcomes[d.status] ?? { title: m.otherTitle, text: m.otherText(d.status) };
  return {
    subject: m.subject(outcome.title, amount, ctx.tenantName),
    preview: outcome.text,
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: outcome.title },
      { kind: 'paragraph', text: outcome.text },
      {
        kind: 'facts',
        rows: [
          [c.amount, amount],
          [c.reason, humanReason(d.reason)],
          [m.outcome, humanReason(d.status)],
          [ctx.m.disputeOpened.dispute, d.disputeId],
        ],
      },
      { kind: 'button', label: c.viewPayment, href: disputeLink(ctx, d) },
    ],
    footer: ctx.footer,
  };
}
