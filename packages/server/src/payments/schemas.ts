import { z } from 'zod';
import { toPublicId } from '../http/ids.ts';
import { listQuerySchema } from '../http/pagination.ts';
import { metadataSchema, shownOnce, unixTime, unixTimestampQuery } from '../http/schemas.ts';
import type { FeePreview, FeeScheduleView } from './fee-schedule.ts';
import type { FeeBreakdown, FeeSchedule, StripePricing } from './fees.ts';
import type { CustomerRow, DisputeRow, PaymentMethodRow, PaymentRow, RefundRow } from './repo.ts';

// ---------------------------------------------------------------------------------------------------------
// Shared pieces

const currency = z
  .string()
  .regex(/^[a-zA-Z]{3}$/, 'a three-letter ISO currency code')
  .transform((v) => v.toLowerCase());
const minor = z.number().int().min(0).max(99_999_999);
const perCurrency = z
  .record(z.string().regex(/^[a-z]{3}$/, 'lowercase ISO currency'), minor)
  .refine((m) => Object.keys(m).length <= 50, 'at most 50 currencies');
const email = z.email().max(200);
const addressSchema = z.strictObject({
  line1: z.string().max(200).nullish(),
  line2: z.string().max(200).nullish(),
  city: z.string().max(200).nullish(),
  state: z.string().max(200).nullish(),
  postal_code: z.string().max(20).nullish(),
  country: z.string().length(2).nullish(),
});

// ---------------------------------------------------------------------------------------------------------
// Fee schedule

export const feeScheduleBody = z.strictObject({
  percent_bps: z.number().int().min(0).max(10_000).nullable().optional(),
  fixed: perCurrency.nullable().optional(),
  min: perCurrency.nullable().optional(),
  max: perCurrency.nullable().optional(),
  pass_through_stripe_fee: z.boolean().nullable().optional(),
});

const scheduleShape = {
  percent_bps: z.number().int(),
  fixed: z.record(z.string(), z.number().int()),
  min: z.record(z.string(), z.number().int()),
  max: z.record(z.string(), z.number().int()),
  pass_through_stripe_fee: z.boolean(),
};

const pricingSchema = z.object({
  percent_bps: z.number().int(),
  fixed: z.record(z.string(), z.number().int()),
});

export const feeScheduleSchema = z.object({
  object: z.literal('fee_schedule'),
  tenant: z.string(),
  ...scheduleShape,
  /** what the tenant overrides (null fields inherit the platform default) */
  override: z
    .object({
      percent_bps: z.number().int().nullable(),
      fixed: z.record(z.string(), z.number().int()).nullable(),
      min: z.record(z.string(), z.number().int()).nullable(),
      max: z.record(z.string(), z.number().int()).nullable(),
      pass_through_stripe_fee: z.boolean().nullable(),
    })
    .nullable(),
  stripe_pricing: pricingSchema,
  updated_at: z.number().int().nullable(),
});

const scheduleFields = (e: FeeSchedule) => ({
  percent_bps: e.percentBps,
  fixed: e.fixed,
  min: e.min ?? {},
  max: e.max ?? {},
  pass_through_stripe_fee: e.passThroughStripeFee,
});
const pricingFields = (p: StripePricing) => ({ percent_bps: p.percentBps, fixed: p.fixed });

export function toApiFeeSchedule(v: FeeScheduleView): z.infer<typeof feeScheduleSchema> {
  const o = v.override;
  return {
    object: 'fee_schedule',
    tenant: toPublicId('tenant', v.tenantId),
    ...scheduleFields(v.effective),
    override: o
      ? {
          percent_bps: o.percentBps,
          fixed: o.fixed,
          min: o.min,
          max: o.max,
          pass_through_stripe_fee: o.passThroughStripeFee,
        }
      : null,
    stripe_pricing: pricingFields(v.pricing),
    updated_at: unixTime(v.updatedAt),
  };
}

/** GET /v1/fee_schedule: the platform's default (PLATFORM_FEE_*) and Stripe's price (STRIPE_PRICING_*). */
export const platformFeeScheduleSchema = z.object({
  object: z.literal('platform_fee_schedule'),
  ...scheduleShape,
  stripe_pricing: pricingSchema,
});

export function toApiPlatformFeeSchedule(v: {
  schedule: FeeSchedule;
  pricing: StripePricing;
}): z.infer<typeof platformFeeScheduleSchema> {
  return {
    object: 'platform_fee_schedule',
    ...scheduleFields(v.schedule),
    stripe_pricing: pricingFields(v.pricing),
  };
}

/** Unknown parameters are ignored, as on the other GETs that take no list parameters. */
export const feePreviewQuery = z.object({
  /** minor units; default $100.00 */
  amount: z.coerce.number().int().min(0).max(99_999_999).default(10_000),
  currency: currency.default('usd'),
});

const breakdownSchema = z.object({
  platform_fee: z.number().int(),
  application_fee: z.number().int(),
  stripe_fee: z.number().int(),
  stripe_fee_payer: z.enum(['platform', 'account']),
  tenant_net: z.number().int(),
  platform_net: z.number().int(),
});

export const feePreviewSchema = z.object({
  object: z.literal('fee_preview'),
  tenant: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  /** the schedule in force that the numbers come from */
  schedule: z.object(scheduleShape),
  /** Standard-like accounts (direct charges, the account pays Stripe) and Express-like (destination charges) */
  standard: breakdownSchema,
  express: breakdownSchema,
});

const toApiBreakdown = (b: FeeBreakdown): z.infer<typeof breakdownSchema> => ({
  platform_fee: b.platformFee,
  application_fee: b.applicationFeeAmount,
  stripe_fee: b.stripeFee,
  stripe_fee_payer: b.stripeFeePayer,
  tenant_net: b.tenantNet,
  platform_net: b.platformNet,
});

export function toApiFeePreview(v: FeePreview): z.infer<typeof feePreviewSchema> {
  return {
    object: 'fee_preview',
    tenant: toPublicId('tenant', v.tenantId),
    amount: v.amount,
    currency: v.currency,
    schedule: scheduleFields(v.schedule),
    standard: toApiBreakdown(v.breakdowns.standard),
    express: toApiBreakdown(v.breakdowns.express),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Customers and payment methods

export const customerCreateBody = z.strictObject({
  email: email.optional(),
  name: z.string().min(1).max(200).optional(),
  phone: z.string().min(1).max(40).optional(),
  address: addressSchema.optional(),
  metadata: metadataSchema.optional(),
});
export const customerUpdateBody = z.strictObject({
  email: email.nullable().optional(),
  name: z.string().min(1).max(200).nullable().optional(),
  phone: z.string().min(1).max(40).nullable().optional(),
  address: addressSchema.nullable().optional(),
  metadata: metadataSchema.optional(),
});
export const customerListQuery = listQuerySchema.extend({ email: z.string().min(1).max(200).optional() });

export const customerSchema = z.object({
  id: z.string(),
  object: z.literal('customer'),
  email: z.string().nullable(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  address: z.record(z.string(), z.string().nullable()).nullable(),
  metadata: z.record(z.string(), z.string()),
  default_payment_method: z.string().nullable(),
  stripe_customer_id: z.string().nullable(),
  created: z.number().int(),
});

export function toApiCustomer(
  row: CustomerRow,
  defaultPm: PaymentMethodRow | null = null,
): z.infer<typeof customerSchema> {
  return {
    id: toPublicId('customer', row.id),
    object: 'customer',
    email: row.email,
    name: row.name,
    phone: row.phone,
    address: row.address ?? null,
    metadata: row.metadata,
    default_payment_method: defaultPm ? toPublicId('paymentMethod', defaultPm.id) : null,
    stripe_customer_id: row.stripeCustomerId,
    created: unixTime(row.createdAt)!,
  };
}

export const paymentMethodSchema = z.object({
  id: z.string(),
  object: z.literal('payment_method'),
  customer: z.string(),
  type: z.string(),
  card: z
    .object({
      brand: z.string().nullable(),
      last4: z.string().nullable(),
      exp_month: z.number().int().nullable(),
      exp_year: z.number().int().nullable(),
    })
    .nullable(),
  us_bank_account: z.object({ bank_name: z.string().nullable(), last4: z.string().nullable() }).nullable(),
  is_default: z.boolean(),
  stripe_payment_method_id: z.string(),
  created: z.number().int(),
});

export function toApiPaymentMethod(
  row: PaymentMethodRow,
  defaultStripeId: string | null,
): z.infer<typeof paymentMethodSchema> {
  return {
    id: toPublicId('paymentMethod', row.id),
    object: 'payment_method',
    customer: toPublicId('customer', row.customerId),
    type: row.type,
    card:
      row.type === 'card'
        ? { brand: row.brand, last4: row.last4, exp_month: row.expMonth, exp_year: row.expYear }
        : null,
    us_bank_account: row.type === 'us_bank_account' ? { bank_name: row.bankName, last4: row.last4 } : null,
    is_default: row.stripePaymentMethodId === defaultStripeId,
    stripe_payment_method_id: row.stripePaymentMethodId,
    created: unixTime(row.createdAt)!,
  };
}

export const setupIntentBody = z.strictObject({
  /** a Stripe PaymentMethod id or test token (`pm_card_visa`) collected by Stripe.js; omit for on-session */
  payment_method: z
    .string()
    .max(200)
    .regex(/^pm_[A-Za-z0-9_]+$/, 'a PaymentMethod id (pm_…)')
    .optional(),
  /** a US bank account by its numbers (ACH debits; test mode: routing 110000000) */
  us_bank_account: z
    .strictObject({
      routing_number: z.string().regex(/^\d{9}$/),
      account_number: z.string().regex(/^\d{4,17}$/),
      account_holder_type: z.enum(['individual', 'company']).default('individual'),
      account_holder_name: z.string().min(1).max(200),
    })
    .optional(),
  /** where 3-D Secure sends the customer back; without it Stripe.js handles the challenge */
  return_url: z.url().max(2000).optional(),
  set_default: z.boolean().optional(),
});

export const setupIntentSchema = z.object({
  object: z.literal('setup_intent'),
  id: z.string(),
  status: z.string(),
  client_secret: z.string().nullable(),
  next_action: z.object({ type: z.string(), url: z.string().nullable() }).nullable(),
  payment_method: paymentMethodSchema.nullable(),
  last_error: z.object({ code: z.string().nullable(), message: z.string().nullable() }).nullable(),
});

export const setupSessionBody = z.strictObject({
  /** where Checkout sends the customer once the method is saved (`{CHECKOUT_SESSION_ID}` is filled in) */
  success_url: z.url().max(2000),
  /** where Checkout's "back" link goes */
  cancel_url: z.url().max(2000),
  /** what the page collects: a card (3-D Secure handled on the page) or a US bank account */
  payment_method_type: z.enum(['card', 'us_bank_account']).default('card'),
});
export const setupSessionSchema = z.object({
  object: z.literal('setup_session'),
  /** the Checkout Session's id (`cs_…`) */
  id: z.string(),
  /** Stripe's hosted page, for the customer alone: the platform's app hands it over */
  url: shownOnce,
  expires_at: z.number().int(),
});

export const portalSessionBody = z.strictObject({
  /** where the portal's "return" link goes (the platform's page) */
  return_url: z.url().max(2000).optional(),
});
export const portalSessionSchema = z.object({
  object: z.literal('customer_portal_session'),
  customer: z.string(),
  url: shownOnce,
  created: z.number().int(),
});

// ---------------------------------------------------------------------------------------------------------
// Payments

export const paymentIntentBody = z.strictObject({
  amount: z.number().int().min(50).max(99_999_999),
  currency,
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
});

const feesSchema = breakdownSchema.extend({
  /** fee recovered after the charge by reversing part of its transfer (subscription invoices, Express-like) */
  fee_top_up: z.number().int(),
  /** false while the fees are estimates (before the balance transaction) */
  final: z.boolean(),
});

export const paymentSchema = z.object({
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
  charge_type: z.enum(['direct', 'destination']),
  account_kind: z.enum(['express', 'standard']),
  amount_refunded: z.number().int(),
  dispute_status: z.string().nullable(),
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
});

export const paymentWithSecretSchema = paymentSchema.extend({
  /** for on-session confirmation with Stripe.js (only on creation) */
  client_secret: z.string().nullable(),
});

export function toApiPayment(row: PaymentRow): z.infer<typeof paymentSchema> {
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
      tenant_net: row.tenantNet,
      platform_net: row.platformNet,
      fee_top_up: row.feeTopUp,
      final: row.feesFinal,
    },
    charge_type: row.chargeType,
    account_kind: row.accountKind,
    amount_refunded: row.amountRefunded,
    dispute_status: row.disputeStatus,
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

// ---------------------------------------------------------------------------------------------------------
// Refunds

export const refundBody = z.strictObject({
  /** minor units; default: everything not yet refunded */
  amount: z.number().int().min(1).max(99_999_999).optional(),
  reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
  /** give the platform's application fee back too (in proportion) */
  refund_application_fee: z.boolean().optional(),
  metadata: metadataSchema.optional(),
});

export const refundSchema = z.object({
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
});

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

export const paymentDetailSchema = paymentSchema.extend({
  refunds: z.array(refundSchema),
  disputes: z.array(z.lazy(() => disputeSchema)),
  timeline: z.array(
    z.object({ type: z.string(), created: z.number().int(), data: z.record(z.string(), z.unknown()) }),
  ),
});

// ---------------------------------------------------------------------------------------------------------
// Disputes

const evidenceText = z.string().min(1).max(20_000);
/** Stripe's text evidence fields (a subset that covers agreements, communication and shipping). */
export const evidenceTextFields = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_email_address',
  'customer_name',
  'duplicate_charge_explanation',
  'product_description',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_tracking_number',
  'uncategorized_text',
] as const;
export const evidenceFileFields = [
  'cancellation_policy',
  'customer_communication',
  'customer_signature',
  'duplicate_charge_documentation',
  'receipt',
  'refund_policy',
  'service_documentation',
  'shipping_documentation',
  'uncategorized_file',
] as const;

export const evidenceBody = z.strictObject({
  evidence: z
    .strictObject(
      Object.fromEntries(evidenceTextFields.map((f) => [f, evidenceText.optional()])) as Record<
        (typeof evidenceTextFields)[number],
        z.ZodOptional<typeof evidenceText>
      >,
    )
    .default({}),
  /** documents (agreements, email records…), base64, each sent to Stripe's files API */
  files: z
    .array(
      z.strictObject({
        field: z.enum(evidenceFileFields),
        filename: z
          .string()
          .min(1)
          .max(200)
          .regex(/\.(pdf|png|jpe?g)$/i, 'a .pdf, .png or .jpg file'),
        content_base64: z
          .string()
          .min(4)
          .max(8_000_000)
          .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64'),
      }),
    )
    .max(9)
    .default([]),
  /** false saves the evidence as a draft on Stripe; true (default) submits it (once) */
  submit: z.boolean().default(true),
});

export const disputeSchema = z.object({
  id: z.string(),
  object: z.literal('dispute'),
  payment: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  reason: z.string(),
  status: z.string(),
  evidence_due_by: z.number().int().nullable(),
  evidence: z.record(z.string(), z.string()),
  files: z.array(
    z.object({ id: z.string(), filename: z.string(), field: z.string(), size: z.number().int() }),
  ),
  evidence_submitted_at: z.number().int().nullable(),
  stripe_dispute_id: z.string(),
  created: z.number().int(),
});

export function toApiDispute(row: DisputeRow): z.infer<typeof disputeSchema> {
  return {
    id: toPublicId('dispute', row.id),
    object: 'dispute',
    payment: toPublicId('payment', row.paymentId),
    amount: row.amount,
    currency: row.currency,
    reason: row.reason,
    status: row.status,
    evidence_due_by: unixTime(row.evidenceDueBy),
    evidence: row.evidence,
    files: row.files,
    evidence_submitted_at: unixTime(row.evidenceSubmittedAt),
    stripe_dispute_id: row.stripeDisputeId,
    created: unixTime(row.createdAt)!,
  };
}

export const disputeListQuery = listQuerySchema.extend({ status: z.string().min(1).max(50).optional() });
export const refundListQuery = listQuerySchema.extend({ payment: z.string().min(1).max(100).optional() });
