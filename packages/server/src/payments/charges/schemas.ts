import { z } from 'zod';
import { feeBreakdownSchema } from '../../fees/service.ts';
import { toPublicId } from '../../http/ids.ts';
import { listQuerySchema } from '../../http/pagination.ts';
import {
  amountsInSteps,
  currencyCode,
  metadataSchema,
  unixTime,
  unixTimestampQuery,
} from '../../http/schemas.ts';
import { disputeSchema } from '../disputes/schemas.ts';
import { refundSchema } from '../refunds/schemas.ts';
import { adjustedNets, disputeOpen } from './nets.ts';
import type { PaymentRow } from './repo.ts';

export const paymentIntentBody = z
  .strictObject({
    /** minor units, 50 to 99999999 (bounds checked with the currency, said in its major units) */
    amount: z.number().int(),
    currency: currencyCode,
    customer: z.string().min(1).max(100).optional(),
    /** one of the customer's saved methods (`cpm_…`); default: the customer's default */
    payment_method: z.string().min(1).max(100).optional(),
    /** charge a saved method with the customer absent (no 3-D Secure possible: it fails instead) */
    off_session: z.boolean().optional(),
    /** confirm now with the saved method (on-session); with return_url 3-D Secure redirects there */
    confirm: z.boolean().optional(),
    return_url: z.url().max(2000).optional(),
    description: z.string().max(1000).optional(),
    statement_descriptor_suffix: z.string().max(22).optional(),
    metadata: metadataSchema.optional(),
  })
  .superRefine(amountsInSteps((b) => [[['amount'], b.amount]], { min: 50 }));

const feesSchema = feeBreakdownSchema.extend({
  /** fee recovered after the charge by reversing part of its transfer (Express-like: Stripe's fee above the estimate, a subscription's first invoice) */
  fee_top_up: z.number().int(),
  /** what the top-up could not take back: the transfer held less (a refund had reversed most of it) */
  fee_top_up_uncollected: z.number().int(),
  /** false while the fees are estimates (before the balance transaction) */
  final: z.boolean(),
  /** refunded to the customer so far (counted in the nets: the tenant pays it) */
  refunded: z.number().int(),
  /** the part of the application fee Stripe refunded (`refund_application_fee`), back from the platform to the tenant */
  application_fee_refunded: z.number().int(),
  /** the net of the disputes' balance transactions (withdrawal and dispute fee, less any reinstatement) */
  dispute_net: z.number().int(),
});

export const paymentSchema = z
  .object({
    id: z.string(),
    object: z.literal('payment'),
    status: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    customer: z.string().nullable(),
    invoice: z.string().nullable(),
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    payment_method: z
      .object({ type: z.string().nullable(), brand: z.string().nullable(), last4: z.string().nullable() })
      .nullable(),
    fees: feesSchema,
    /** the fee schedule and Stripe's price the payment was charged under; null when not made through the API */
    fee_schedule: z
      .object({
        percent_bps: z.number().int(),
        fixed: z.record(z.string(), z.number().int()),
        min: z.record(z.string(), z.number().int()),
        max: z.record(z.string(), z.number().int()),
        pass_through_stripe_fee: z.boolean(),
        stripe_rate: z.object({
          country: z.string(),
          percent_bps: z.number().int(),
          fixed: z.number().int(),
        }),
      })
      .nullable(),
    charge_type: z.enum(['direct', 'destination']),
    account_kind: z.enum(['express', 'standard']),
    amount_refunded: z.number().int(),
    dispute_status: z.string().nullable(),
    /** a dispute is open on the payment (needs a response or under review); false once won, lost or closed */
    disputed: z.boolean(),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable(),
    next_action: z.object({ type: z.literal('redirect_to_url'), url: z.string() }).nullable(),
    receipt_url: z.string().nullable(),
    stripe: z.object({
      account: z.string(),
      payment_intent: z.string().nullable(),
      charge: z.string().nullable(),
    }),
    created: z.number().int(),
    succeeded_at: z.number().int().nullable(),
    updated: z.number().int(),
  })
  .meta({ id: 'Payment' });

export const paymentWithSecretSchema = paymentSchema
  .extend({
    /** for on-session confirmation with Stripe.js (only on creation) */
    client_secret: z.string().nullable(),
  })
  .meta({ id: 'PaymentWithSecret' });

export function toApiPayment(row: PaymentRow): z.infer<typeof paymentSchema> {
  const nets = adjustedNets(row);
  return {
    id: toPublicId('payment', row.id),
    object: 'payment',
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    customer: row.customerId ? toPublicId('customer', row.customerId) : null,
    invoice: row.invoiceId ? toPublicId('invoice', row.invoiceId) : null,
    description: row.description,
    metadata: row.metadata,
    payment_method: row.paymentMethodType
      ? { type: row.paymentMethodType, brand: row.paymentMethodBrand, last4: row.paymentMethodLast4 }
      : null,
    fees: {
      platform_fee: row.platformFee,
      application_fee: row.applicationFeeAmount,
      stripe_fee: row.stripeFee,
      stripe_fee_payer: row.chargeType === 'direct' ? 'account' : 'platform',
      tenant_net: nets.tenantNet,
      platform_net: nets.platformNet,
      fee_top_up: row.feeTopUp,
      fee_top_up_uncollected: row.feeTopUpUncollected,
      final: row.feesFinal,
      refunded: row.amountRefunded,
      application_fee_refunded: row.applicationFeeRefunded,
      dispute_net: row.disputeNet,
    },
    fee_schedule: row.feeSchedule,
    charge_type: row.chargeType,
    account_kind: row.accountKind,
    amount_refunded: row.amountRefunded,
    dispute_status: row.disputeStatus,
    disputed: disputeOpen(row),
    failure_code: row.failureCode,
    failure_message: row.failureMessage,
    next_action: row.nextActionUrl ? { type: 'redirect_to_url', url: row.nextActionUrl } : null,
    receipt_url: row.receiptUrl,
    stripe: {
      account: row.stripeAccountId,
      payment_intent: row.stripePaymentIntentId,
      charge: row.stripeChargeId,
    },
    created: unixTime(row.createdAt)!,
    succeeded_at: unixTime(row.succeededAt),
    updated: unixTime(row.updatedAt)!,
  };
}

export const paymentStatuses = [
  'pending',
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
  'requires_capture',
  'succeeded',
  'failed',
  'canceled',
] as const;

export const paymentListQuery = listQuerySchema.extend({
  status: z.enum(paymentStatuses).optional(),
  customer: z.string().min(1).max(100).optional(),
  /** matches description, Stripe ids, last 4 digits and the customer's email */
  q: z.string().min(1).max(200).optional(),
  created_gte: unixTimestampQuery.optional(),
  created_lte: unixTimestampQuery.optional(),
});

/** The list's filters; `limit` and the cursors are accepted and ignored (every matching row is exported). */
export const paymentExportQuery = paymentListQuery;

export const paymentDetailSchema = paymentSchema
  .extend({
    refunds: z.array(refundSchema),
    disputes: z.array(z.lazy(() => disputeSchema)),
    timeline: z.array(
      z.object({ type: z.string(), created: z.number().int(), data: z.record(z.string(), z.unknown()) }),
    ),
  })
  .meta({ id: 'PaymentDetail' });
