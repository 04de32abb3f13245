import { unixTime } from '../../http/schemas.ts';
import { toApiDispute } from '../disputes/schemas.ts';
import { toApiRefund } from '../refunds/schemas.ts';
import type { PaymentDetail } from './service.ts';

export interface TimelineEntry {
  type: string;
  created: number;
  data: Record<string, unknown>;
}

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
  for (const x of d.disputes) {
    out.push({ type: 'dispute.opened', created: unixTime(x.createdAt)!, data: toApiDispute(x) });
    if (x.evidenceSubmittedAt)
      out.push({ type: 'dispute.evidence_submitted', created: unixTime(x.evidenceSubmittedAt)!, data: {} });
    if (['won', 'lost', 'warning_closed'].includes(x.status))
      out.push({ type: `dispute.${x.status}`, created: unixTime(x.updatedAt)!, data: {} });
  }
  return out.sort((a, b) => a.created - b.created);
}
