import { z } from 'zod';
import { toPublicId } from '../../http/ids.ts';
import { listQuerySchema } from '../../http/pagination.ts';
import { metadataSchema, shownOnce, unixTime } from '../../http/schemas.ts';
import type { CustomerRow, PaymentMethodRow } from './repo.ts';

const email = z.email().max(200);

const addressSchema = z.strictObject({
  line1: z.string().max(200).nullish(),
  line2: z.string().max(200).nullish(),
  city: z.string().max(200).nullish(),
  state: z.string().max(200).nullish(),
  postal_code: z.string().max(20).nullish(),
  country: z.string().length(2).nullish(),
});

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

export const customerListQuery = listQuerySchema.extend({
  email: z.string().min(1).max(200).optional(),
  /** part of the e-mail or name, case-insensitive (the dashboard's search-as-you-type picker) */
  q: z.string().min(1).max(200).optional(),
});

export const customerSchema = z
  .object({
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
  })
  .meta({ id: 'Customer' });

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

export const paymentMethodSchema = z
  .object({
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
  })
  .meta({ id: 'PaymentMethod' });

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
