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

/** The payment's history for the dashboard, from our own records (oldest first). */
export function timeline(d: PaymentDetail): TimelineEntry[] {
  const { row } = d;
  const out: TimelineEntry[] = [
    {
      type: 'payment.created',
      created: unixTime(row.createdAt)!,
      data: { amount: row.amount, currency: row.currency },
    },
  ];
  if (row.succeededAt) out.push({ type: 'payment.succeeded', created: unixTime(row.succeededAt)!, data: {} });
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
  for (const x of d.disputes) {
    // opened when Stripe withdrew its funds, if we recorded it later
    const opened = Math.min(unixTime(x.createdAt)!, ...x.balanceTransactions.map((bt) => bt.created));
    out.push({ type: 'dispute.opened', created: opened, data: toApiDispute(x) });
    if (x.evidenceSubmittedAt)
      out.push({ type: 'dispute.evidence_submitted', created: unixTime(x.evidenceSubmittedAt)!, data: {} });
    // the money: withdrawn with the dispute fee when opened, given back when won
    for (const bt of x.balanceTransactions) {
      const type = bt.reporting_category === 'dispute_reversal' ? 'funds_reinstated' : 'funds_withdrawn';
      out.push({
        type: `dispute.${type}`,
        created: bt.created,
        data: { id: bt.id, dispute: toApiDispute(x).id, amount: bt.amount, fee: bt.fee, net: bt.net },
      });
    }
    if (['won', 'lost', 'warning_closed'].includes(x.status))
      out.push({ type: `dispute.${x.status}`, created: unixTime(x.updatedAt)!, data: {} });
  }
  return out.sort((a, b) => a.created - b.created || rank(a.type) - rank(b.type));
}
