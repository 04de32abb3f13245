import { recordPaymentVolume, reverseRefundVolume, usageDepsFrom } from '../billing/service.ts';
import type { HandlerContext } from '../webhooks/service.ts';
import type { PaymentRow } from './charges/repo.ts';
import type { RefundRow } from './refunds/repo.ts';

// The tenant's payment volume with the platform (its plan's `payment_volume` metric), counted in the
// transaction that makes a payment or a refund succeed: once per Stripe charge and refund, however often
// their events are delivered or replayed. Only payments of the tenant's own account reach these tables: the
// platform's plan invoices never do.

/** A charge that succeeded counts its amount. */
export async function countPayment(ctx: HandlerContext, row: PaymentRow | null | undefined): Promise<void> {
  if (row?.status !== 'succeeded' || !row.stripeChargeId || row.tenantId !== ctx.tenantId) return;
  await recordPaymentVolume(ctx.tx, usageDepsFrom(ctx), {
    tenantId: row.tenantId,
    id: `payment:${row.stripeChargeId}`,
    amount: row.amount,
    currency: row.currency,
    occurredAt: row.succeededAt ?? ctx.syncedAt,
    source: 'payment',
  });
}

/**
 * A refund that succeeded takes its amount off; one that failed after it succeeded (Stripe gave the money
 * back to the charge) gives it back.
 */
export async function countRefund(ctx: HandlerContext, row: RefundRow | null | undefined): Promise<void> {
  if (!row?.stripeRefundId || row.tenantId !== ctx.tenantId) return;
  if (row.status === 'failed' || row.status === 'canceled') {
    await reverseRefundVolume(ctx.tx, usageDepsFrom(ctx), {
      tenantId: row.tenantId,
      refundId: row.stripeRefundId,
      occurredAt: ctx.syncedAt,
    });
    return;
  }
  if (row.status !== 'succeeded') return;
  await recordPaymentVolume(ctx.tx, usageDepsFrom(ctx), {
    tenantId: row.tenantId,
    id: `refund:${row.stripeRefundId}`,
    amount: -row.amount,
    currency: row.currency,
    occurredAt: ctx.syncedAt,
    source: 'refund',
  });
}
