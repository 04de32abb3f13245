import { z } from 'zod';
import { currencyCode } from '../http/schemas.ts';

// The support API's request and response shapes (docs/support.md). Every answer says where it came from
// (`source`: our mirror, or Stripe read just now by `?refresh=true`) and as of when (`as_of`, unix seconds).

const reasonParam = z
  .string()
  .trim()
  .min(3)
  .max(500)
  .describe('Why a platform-wide caller looks across tenants; recorded in the audit log.');
const tenantParam = z
  .string()
  .min(1)
  .max(100)
  .describe(
    'The tenant to look in (its public id). Required for platform-wide callers unless `reason` is given.',
  );

/** GET /v1/support/customers — exactly one criterion: `email`, `customer`, `payment`, or `last4` + `amount`. */
const limitParam = z.coerce
  .number()
  .int()
  .min(1)
  .max(100)
  .default(100)
  .describe(
    'At most this many rows (of each kind, for one customer), newest first; 1 to 100, 100 by default.',
  );

export const supportSearchQuery = z.strictObject({
  limit: limitParam,
  email: z.string().trim().min(3).max(320).optional().describe('Case-insensitive exact match on the e-mail.'),
  customer: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe("Tributary's customer id (`cust_…`) or Stripe's (`cus_…`)."),
  payment: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe("Tributary's payment id (`pay_…`), a PaymentIntent (`pi_…`) or a charge (`ch_…`, `py_…`)."),
  last4: z
    .string()
    .regex(/^\d{4}$/, 'four digits')
    .optional()
    .describe('Last four digits of the card; with `amount`.'),
  amount: z
    .string()
    .regex(/^\d{1,10}$/, 'a positive integer in minor units')
    .transform(Number)
    // payments' amounts are 32-bit integers
    .refine((n) => n <= 2_147_483_647, 'at most 2147483647')
    .optional()
    .describe('Amount in minor units (integer); with `last4`.'),
  currency: currencyCode.optional().describe('With `last4` and `amount`: only payments in this currency.'),
  tenant: tenantParam.optional(),
  reason: reasonParam.optional(),
});
export type SupportSearchQuery = z.infer<typeof supportSearchQuery>;

export const supportCustomerParams = z.strictObject({
  customer_id: z
    .string()
    .min(1)
    .max(100)
    .describe("Tributary's customer id (`cust_…`) or Stripe's (`cus_…`)."),
});

export const supportCustomerQuery = z.strictObject({
  limit: limitParam,
  refresh: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe("`true`: read the customer's objects from Stripe (list endpoints) into the mirror first."),
  tenant: tenantParam.optional(),
  reason: reasonParam.optional(),
});

export const sourceSchema = z
  .enum(['mirror', 'stripe'])
  .describe("`mirror`: Tributary's records; `stripe`: read from Stripe by this request (`refresh=true`).");

const ts = z.number().int().describe('unix seconds');
const tsOrNull = ts.nullable();

export const supportTenantSchema = z.object({ id: z.string(), name: z.string() });

export const supportCustomerRefSchema = z.object({
  id: z.string().describe('cust_…'),
  stripe_id: z.string().nullable().describe('cus_…'),
  email: z.string().nullable(),
  name: z.string().nullable(),
});

export const supportMatchSchema = z.object({
  tenant: supportTenantSchema,
  customer: supportCustomerRefSchema,
  source: sourceSchema,
  as_of: ts,
});

export const supportMatchListSchema = z.object({ data: z.array(supportMatchSchema) });

const paymentSchema = z.object({
  id: z.string().describe('pay_…'),
  stripe_payment_intent_id: z.string().nullable(),
  stripe_charge_id: z.string().nullable(),
  amount: z.number().int(),
  currency: z.string(),
  status: z.string(),
  amount_refunded: z.number().int(),
  fee: z
    .object({ stripe: z.number().int(), application: z.number().int() })
    .nullable()
    .describe("Stripe's fee and the platform's application fee, once Stripe booked them (else null)"),
  net: z.number().int().nullable().describe("the tenant's net after fees, refunds and disputes, once known"),
  failure_code: z.string().nullable(),
  failure_reason: z.string().nullable().describe('why it failed, in plain words'),
  receipt_url: z.string().nullable(),
  dispute_status: z.string().nullable(),
  card: z.object({ brand: z.string().nullable(), last4: z.string().nullable() }).nullable(),
  created: ts,
  as_of: tsOrNull,
});

const subscriptionSchema = z.object({
  id: z.string().describe('subs_…'),
  stripe_id: z.string().nullable(),
  status: z.string(),
  plan: z
    .object({
      price: z.string().nullable().describe('prc_…'),
      stripe_price_id: z.string().nullable(),
      product_name: z.string().nullable(),
      unit_amount: z.number().int(),
      currency: z.string(),
      interval: z.string(),
      interval_count: z.number().int(),
    })
    .nullable(),
  quantity: z.number().int(),
  current_period_end: tsOrNull,
  cancel_at_period_end: z.boolean(),
  canceled_at: tsOrNull,
  trial_end: tsOrNull,
  created: ts,
  as_of: tsOrNull,
});

const invoiceSchema = z.object({
  id: z.string().describe('`in_…` (a subscription invoice at Stripe) or `inv_…` (a Tributary invoice)'),
  kind: z.enum(['subscription', 'invoice']),
  number: z.string().nullable(),
  status: z.string(),
  currency: z.string(),
  amount_due: z.number().int(),
  amount_paid: z.number().int(),
  url: z.string().nullable().describe("the invoice's page (hosted invoice or payment link)"),
  subscription: z.string().nullable().describe('subs_…'),
  created: ts,
  as_of: tsOrNull,
});

const refundSchema = z.object({
  id: z.string().describe('rfd_…'),
  stripe_id: z.string().nullable(),
  payment: z.string().describe('pay_…'),
  amount: z.number().int(),
  currency: z.string(),
  status: z.string(),
  reason: z.string().nullable(),
  failure_reason: z.string().nullable(),
  arn: z
    .string()
    .nullable()
    .describe('the acquirer reference number (or bank trace reference) Stripe gives once the refund settles'),
  arn_status: z.string().nullable().describe("Stripe's `reference_status`: pending, available, unavailable"),
  expected_arrival: z
    .object({ earliest: ts, latest: ts })
    .nullable()
    .describe('when the money usually reaches the customer (5–10 business days for cards); null once failed'),
  created: ts,
  as_of: tsOrNull,
});

const disputeSchema = z.object({
  id: z.string().describe('dsp_…'),
  stripe_id: z.string(),
  payment: z.string().describe('pay_…'),
  amount: z.number().int(),
  currency: z.string(),
  status: z.string(),
  reason: z.string(),
  evidence_due_by: tsOrNull,
  created: ts,
  as_of: tsOrNull,
});

const paymentMethodSchema = z.object({
  id: z.string().describe('cpm_…'),
  type: z.string(),
  brand: z.string().nullable(),
  last4: z.string().nullable(),
  exp_month: z.number().int().nullable(),
  exp_year: z.number().int().nullable(),
});

const timelineEntrySchema = z.object({
  at: ts,
  kind: z.enum(['payment', 'refund', 'dispute', 'subscription', 'invoice', 'payment_method', 'customer']),
  type: z
    .string()
    .describe('what happened: `payment.succeeded`, or the Stripe event type (`charge.refunded`)'),
  object: z.string().describe('the id of what it happened to (ours, else Stripe’s)'),
  summary: z.string().describe('in plain words'),
  stripe_event: z.string().nullable().describe('the stored webhook event (`evt_…`) that recorded the change'),
});

export const supportCustomerSchema = z.object({
  object: z.literal('support_customer'),
  tenant: supportTenantSchema,
  customer: supportCustomerRefSchema.extend({ deleted: z.boolean(), as_of: tsOrNull }),
  source: sourceSchema,
  as_of: ts,
  payments: z.array(paymentSchema),
  subscriptions: z.array(subscriptionSchema),
  invoices: z.array(invoiceSchema),
  refunds: z.array(refundSchema),
  disputes: z.array(disputeSchema),
  payment_methods: z.array(paymentMethodSchema),
  timeline: z.array(timelineEntrySchema).describe('everything above and its webhook events, newest first'),
});

export type SupportCustomer = z.infer<typeof supportCustomerSchema>;
export type SupportMatch = z.infer<typeof supportMatchSchema>;
export type TimelineEntry = SupportCustomer['timeline'][number];
