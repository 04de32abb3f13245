import { z } from 'zod';
import { toPublicId } from '../../http/ids.ts';
import { listQuerySchema } from '../../http/pagination.ts';
import { metadataSchema, unixTime } from '../../http/schemas.ts';
import type { RefundRow } from './repo.ts';

export const refundBody = z.strictObject({
  /** minor units; default: everything not yet refunded (more than that is refused in the payment's major units) */
  amount: z.number().int().min(1).optional(),
  reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
  /** give the platform's application fee back too (in proportion) */
  refund_application_fee: z.boolean().optional(),
  metadata: metadataSchema.optional(),
});

export const refundSchema = z
  .object({
    id: z.string(),
    object: z.literal('refund'),
    payment: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    reason: z.string().nullable(),
    refund_application_fee: z.boolean(),
    status: z.string(),
    failure_reason: z.string().nullable(),
    stripe_refund_id: z.string().nullable(),
    created: z.number().int(),
  })
  .meta({ id: 'Refund' });

export function toApiRefund(row: RefundRow): z.infer<typeof refundSchema> {
  return {
    id: toPublicId('refund', row.id),
    object: 'refund',
    payment: toPublicId('payment', row.paymentId),
    amount: row.amount,
    currency: row.currency,
    reason: row.reason,
    refund_application_fee: row.refundApplicationFee,
    status: row.status,
    failure_reason: row.failureReason,
    stripe_refund_id: row.stripeRefundId,
    created: unixTime(row.createdAt)!,
  };
}

export const refundListQuery = listQuerySchema.extend({ payment: z.string().min(1).max(100).optional() });
