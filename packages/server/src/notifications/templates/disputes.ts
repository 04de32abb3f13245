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
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  const due = d.evidenceDueBy ? ctx.formatDate(new Date(d.evidenceDueBy)) : null;
  return {
    subject: `Action required: a ${amount} payment to ${ctx.tenantName} is disputed`,
    preview: due ? `Submit evidence by ${due}.` : 'Review the dispute in your dashboard.',
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: 'A payment was disputed' },
      {
        kind: 'paragraph',
        text: `A customer's bank has disputed a ${amount} payment to ${ctx.tenantName}. The amount and a dispute fee are withdrawn from your balance until the dispute is decided.`,
      },
      {
        kind: 'facts',
        rows: [
          ['Amount', amount],
          ['Reason', humanReason(d.reason)],
          ['Evidence due by', due ?? 'no evidence is requested'],
          ['Dispute', d.disputeId],
        ],
      },
      ...(due
        ? [
            {
              kind: 'paragraph' as const,
              strong: true,
              text: `Submit your evidence before ${due}. Without it the dispute is lost.`,
            },
          ]
        : []),
      { kind: 'button', label: 'Respond to the dispute', href: disputeLink(ctx, d) },
    ],
    footer: ctx.footer,
  };
}

const outcomes: Record<string, { title: string; text: string }> = {
  won: {
    title: 'You won the dispute',
    text: 'The bank decided in your favour: the disputed amount is returned to your balance.',
  },
  lost: {
    title: 'You lost the dispute',
    text: 'The bank decided in the customer\u2019s favour: the disputed amount and the dispute fee are not returned.',
  },
  warning_closed: {
    title: 'The inquiry was closed',
    text: 'The bank closed its inquiry without a dispute. Nothing was withdrawn.',
  },
};

export function disputeClosed(d: DisputeClosedData, ctx: TemplateContext): EmailDocument {
  const amount = formatLocalized(d.amount, d.currency, ctx.locale);
  const outcome = outcomes[d.status] ?? {
    title: 'The dispute was closed',
    text: `The dispute ended with the status ${d.status}.`,
  };
  return {
    subject: `${outcome.title}: ${amount} payment to ${ctx.tenantName}`,
    preview: outcome.text,
    brand: ctx.tenantName,
    blocks: [
      { kind: 'heading', text: outcome.title },
      { kind: 'paragraph', text: outcome.text },
      {
        kind: 'facts',
        rows: [
          ['Amount', amount],
          ['Reason', humanReason(d.reason)],
          ['Outcome', humanReason(d.status)],
          ['Dispute', d.disputeId],
        ],
      },
      { kind: 'button', label: 'View the payment', href: disputeLink(ctx, d) },
    ],
    footer: ctx.footer,
  };
}
