import { z } from 'zod';
import { toPublicId } from '../http/ids.ts';
import { listQuerySchema } from '../http/pagination.ts';
import { amountsInSteps, currencyCode, metadataSchema, unixTime } from '../http/schemas.ts';
import type { PriceRow, ProductRow, SubscriptionRow, SubscriptionSummary } from './repo.ts';
import type { SubscriptionView } from './service.ts';

// Subscriptions on connected accounts: request and response shapes, shared with the dashboard.

const recurringPrice = {
  currency: currencyCode.default('usd'),
  /** minor units, at most 99999999 (bounds checked with the currency) */
  unit_amount: z.number().int(),
  interval: z.enum(['day', 'week', 'month', 'year']),
  interval_count: z.number().int().min(1).max(365).optional(),
};

export const productCreateBody = z.strictObject({
  name: z.string().min(1).max(250),
  description: z.string().max(1000).nullable().optional(),
  metadata: metadataSchema.optional(),
  /** a plan: the product's first recurring price, made with it (both or neither) */
  price: z
    .strictObject(recurringPrice)
    .superRefine(amountsInSteps((b) => [[['unit_amount'], b.unit_amount]]))
    .optional(),
});

export const productSchema = z
  .object({
    id: z.string(),
    object: z.literal('product'),
    name: z.string(),
    description: z.string().nullable(),
    active: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    stripe_product_id: z.string().nullable(),
    created: z.number().int(),
  })
  .meta({ id: 'Product' });

export function toApiProduct(r: ProductRow): z.infer<typeof productSchema> {
  return {
    id: toPublicId('product', r.id),
    object: 'product',
    name: r.name,
    description: r.description,
    active: r.active,
    metadata: r.metadata,
    stripe_product_id: r.stripeProductId,
    created: unixTime(r.createdAt)!,
  };
}

export const priceCreateBody = z
  .strictObject({ product: z.string().min(1).max(100), ...recurringPrice })
  .superRefine(amountsInSteps((b) => [[['unit_amount'], b.unit_amount]]));

export const priceListQuery = listQuerySchema.extend({ product: z.string().min(1).max(100).optional() });

export const priceSchema = z
  .object({
    id: z.string(),
    object: z.literal('price'),
    product: z.string(),
    currency: z.string(),
    unit_amount: z.number().int(),
    interval: z.string(),
    interval_count: z.number().int(),
    active: z.boolean(),
    stripe_price_id: z.string().nullable(),
    created: z.number().int(),
  })
  .meta({ id: 'Price' });

/** A product as created: with its price when made as a plan (`price` in the request), else `null`. */
export const productCreatedSchema = productSchema.extend({ price: priceSchema.nullable() });

export function toApiPrice(r: PriceRow): z.infer<typeof priceSchema> {
  return {
    id: toPublicId('price', r.id),
    object: 'price',
    product: toPublicId('product', r.productId),
    currency: r.currency,
    unit_amount: r.unitAmount,
    interval: r.interval,
    interval_count: r.intervalCount,
    active: r.active,
    stripe_price_id: r.stripePriceId,
    created: unixTime(r.createdAt)!,
  };
}

export const subscriptionCreateBody = z.strictObject({
  customer: z.string().min(1).max(100),
  price: z.string().min(1).max(100),
  quantity: z.number().int().min(1).max(10_000).optional(),
  trial_period_days: z.number().int().min(1).max(730).optional(),
  metadata: metadataSchema.optional(),
});

export const subscriptionUpdateBody = z.strictObject({
  quantity: z.number().int().min(1).max(10_000).optional(),
  cancel_at_period_end: z.boolean().optional(),
});

export const subscriptionCancelBody = z
  .strictObject({ at_period_end: z.boolean().optional() })
  .optional()
  .default({});

export const subscriptionListQuery = listQuerySchema.extend({
  status: z.string().min(1).max(40).optional(),
  customer: z.string().min(1).max(100).optional(),
});

export const subscriptionInvoiceSchema = z
  .object({
    stripe_invoice: z.string(),
    number: z.string().nullable(),
    status: z.string(),
    billing_reason: z.string().nullable(),
    currency: z.string(),
    amount_due: z.number().int(),
    amount_paid: z.number().int(),
    application_fee_amount: z.number().int().nullable(),
    hosted_invoice_url: z.string().nullable(),
    payment: z.string().nullable(),
    period_start: z.number().int().nullable(),
    period_end: z.number().int().nullable(),
    created: z.number().int(),
  })
  .meta({ id: 'SubscriptionInvoice' });

export const subscriptionSchema = z
  .object({
    id: z.string(),
    object: z.literal('subscription'),
    status: z.string(),
    customer: z.string().nullable(),
    price: z.string().nullable(),
    quantity: z.number().int(),
    application_fee_percent: z.number().nullable(),
    trial_end: z.number().int().nullable(),
    current_period_start: z.number().int().nullable(),
    current_period_end: z.number().int().nullable(),
    cancel_at_period_end: z.boolean(),
    canceled_at: z.number().int().nullable(),
    account_kind: z.enum(['express', 'standard']),
    metadata: z.record(z.string(), z.string()),
    stripe: z.object({
      account: z.string(),
      subscription: z.string().nullable(),
      latest_invoice: z.string().nullable(),
    }),
    invoices: z.array(subscriptionInvoiceSchema).nullable(),
    /** the customer's name and e-mail (null in webhook payloads) */
    customer_details: z.object({ name: z.string().nullable(), email: z.string().nullable() }).nullable(),
    /** the plan: its product's name and price per unit (null in webhook payloads) */
    plan: z
      .object({
        name: z.string(),
        unit_amount: z.number().int(),
        currency: z.string(),
        interval: z.string(),
        interval_count: z.number().int(),
      })
      .nullable(),
    /**
     * while `incomplete` (its first invoice unpaid: the card declined or needs authentication), Stripe's hosted
     * page of that invoice, for the customer to pay and so start the subscription; null otherwise (and in lists)
     */
    complete_payment_url: z.string().nullable(),
    created: z.number().int(),
  })
  .meta({ id: 'Subscription' });

export function toApiSubscription(
  r: SubscriptionRow,
  invoices: SubscriptionView['invoices'] | null = null,
  summary: SubscriptionSummary | null = null,
): z.infer<typeof subscriptionSchema> {
  const plan = summary?.plan ?? null;
  return {
    customer_details: summary?.customer ?? null,
    plan: plan && {
      name: plan.name,
      unit_amount: plan.unitAmount,
      currency: plan.currency,
      interval: plan.interval,
      interval_count: plan.intervalCount,
    },
    id: toPublicId('subscription', r.id),
    object: 'subscription',
    status: r.status,
    customer: r.customerId ? toPublicId('customer', r.customerId) : null,
    price: r.priceId ? toPublicId('price', r.priceId) : null,
    quantity: r.quantity,
    application_fee_percent: r.applicationFeePercent === null ? null : Number(r.applicationFeePercent),
    trial_end: unixTime(r.trialEnd),
    current_period_start: unixTime(r.currentPeriodStart),
    current_period_end: unixTime(r.currentPeriodEnd),
    cancel_at_period_end: r.cancelAtPeriodEnd,
    canceled_at: unixTime(r.canceledAt),
    account_kind: r.accountKind,
    metadata: r.metadata,
    stripe: {
      account: r.stripeAccountId,
      subscription: r.stripeSubscriptionId,
      latest_invoice: r.latestInvoice,
    },
    complete_payment_url:
      r.status === 'incomplete'
        ? (invoices?.find((i) => i.stripeInvoiceId === r.latestInvoice)?.hostedInvoiceUrl ?? null)
        : null,
    invoices:
      invoices?.map((i) => ({
        stripe_invoice: i.stripeInvoiceId,
        number: i.number,
        status: i.status,
        billing_reason: i.billingReason,
        currency: i.currency,
        amount_due: i.amountDue,
        amount_paid: i.amountPaid,
        application_fee_amount: i.applicationFeeAmount,
        hosted_invoice_url: i.hostedInvoiceUrl,
        payment: i.paymentId ? toPublicId('payment', i.paymentId) : null,
        period_start: unixTime(i.periodStart),
        period_end: unixTime(i.periodEnd),
        created: unixTime(i.createdAt)!,
      })) ?? null,
    created: unixTime(r.createdAt)!,
  };
}
