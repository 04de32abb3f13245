import { unixTime } from '../../http/schemas.ts';
import { toApiDispute } from '../disputes/schemas.ts';
import { toApiRefund } from '../refunds/schemas.ts';
import type { PaymentDetail } from './service.ts';

export interface TimelineEntry {
  type: string;
  created: number;
  data: Record<string, unknown>;
}

// Within one second (Stripe's resolution), the order things happen in.
const order = [
  'payment.created',
  'payment.requires_action',
  'payment.succeeded',
  'payment.failed',
  'dispute.opened',
  'dispute.funds_withdrawn',
  'dispute.evidence_submitted',
  'dispute.won',
  'dispute.lost',
  'dispute.warning_closed',
  'dispute.funds_reinstated',
];
const rank = (type: string) => {
  const i = order.indexOf(type);
  return i < 0 ? order.length : i;
};

/**
 * The payment's history for the dashboard, from our own records (oldest first). Some times are Stripe's (its
 * balance transactions), others ours (when we recorded a change), and ours can run late: a step is never
 * shown before one that must have come first (a payment succeeds before it is disputed; a dispute's evidence
 * goes in before it is won, and it is won when its funds come back).
 */
export function timeline(d: PaymentDetail): TimelineEntry[] {
  const { row } = d;
  const out: TimelineEntry[] = [
    {
      type: 'payment.created',
      created: unixTime(row.createdAt)!,
      data: { amount: row.amount, currency: row.currency },
    },
  ];
  const disputes = d.disputes.map((x) => {
    // opened when Stripe withdrew its funds, if we recorded it later
    const opened = Math.min(unixTime(x.createdAt)!, ...x.balanceTransactions.map((bt) => bt.created));
    const reinstated = x.balanceTransactions.filter((bt) => bt.reporting_category === 'dispute_reversal');
    const closed = Math.min(unixTime(x.updatedAt)!, ...reinstated.map((bt) => bt.created));
    return { x, opened, closed };
  });
  if (row.succeededAt)
    out.push({
      type: 'payment.succeeded',
      created: Math.min(unixTime(row.succeededAt)!, ...disputes.map((x) => x.opened)),
      data: {},
    });
  if (row.status === 'failed')
    out.push({
      type: 'payment.failed',
      created: unixTime(row.updatedAt)!,
      data: { failure_code: row.failureCode, failure_message: row.failureMessage },
    });
  if (row.status === 'requires_action')
    out.push({
      type: 'payment.requires_action',
      created: unixTime(row.updatedAt)!,
      data: { url: row.nextActionUrl },
    });
  for (const r of d.refunds) {
    const api = toApiRefund(r);
    out.push({ type: `refund.${r.status}`, created: unixTime(r.updatedAt)!, data: api });
  }
  for (const f of row.applicationFeeRefunds) {
    out.push({ type: 'application_fee.refunded', created: f.created, data: { id: f.id, amount: f.amount } });
  }
  for (const { x, opened, closed } of disputes) {
    const ended = ['won', 'lost', 'warning_closed'].includes(x.status);
    out.push({ type: 'dispute.opened', created: opened, data: toApiDispute(x) });
    if (x.evidenceSubmittedAt) {
      const submitted = unixTime(x.evidenceSubmittedAt)!;
      out.push({
        type: 'dispute.evidence_submitted',
        created: Math.max(opened, ended ? Math.min(submitted, closed) : submitted),
        data: {},
      });
    }
    // the money: withdrawn with the dispute fee when opened, given back when won
    for (const bt of x.balanceTransactions) {
      const type = bt.reporting_category === 'dispute_reversal' ? 'funds_reinstated' : 'funds_withdrawn';
      out.push({
        type: `dispute.${type}`,
        created: bt.created,
        data: { id: bt.id, dispute: toApiDispute(x).id, amount: bt.amount, fee: bt.fee, net: bt.net },
      });
    }
    if (ended) out.push({ type: `dispute.${x.status}`, created: Math.max(opened, closed), data: {} });
  }
  return out.sort((a, b) => a.created - b.created || rank(a.type) - rank(b.type));
}
