import {
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { ownerTenantId, timestamps, ts } from './columns.ts';
import type { ConnectKind } from './connect.ts';
import { customers } from './payments.ts';

/**
 * Products of the account subscriptions are made on: made through the API, or on a Standard-like
 * account's own Stripe dashboard and mirrored from product.* events.
 */
export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    stripeAccountId: text('stripe_account_id'),
    stripeProductId: text('stripe_product_id'),
    name: text('name').notNull(),
    description: text('description'),
    active: boolean('active').notNull().default(true),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    lastSyncedAt: ts('last_synced_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('products_stripe_key').on(t.tenantId, t.stripeProductId),
    index('products_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

/** Recurring prices of those products (one-time prices are not mirrored). */
export const prices = pgTable(
  'prices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    stripePriceId: text('stripe_price_id'),
    currency: text('currency').notNull(),
    unitAmount: integer('unit_amount').notNull(),
    interval: text('interval').notNull(),
    intervalCount: integer('interval_count').notNull().default(1),
    active: boolean('active').notNull().default(true),
    lastSyncedAt: ts('last_synced_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('prices_stripe_key').on(t.tenantId, t.stripePriceId),
    index('prices_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

/**
 * Subscriptions of the tenant's customers, on the account its charges are made on (the connected account
 * for Standard-like, the platform with transfer_data for Express-like); state from customer.subscription.*.
 */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    priceId: uuid('price_id').references(() => prices.id, { onDelete: 'set null' }),
    stripeAccountId: text('stripe_account_id').notNull(),
    accountKind: text('account_kind').$type<ConnectKind>().notNull(),
    stripeSubscriptionId: text('stripe_subscription_id'),
    stripeItemId: text('stripe_item_id'),
    status: text('status').notNull(),
    quantity: integer('quantity').notNull().default(1),
    applicationFeePercent: numeric('application_fee_percent'),
    trialEnd: ts('trial_end'),
    currentPeriodStart: ts('current_period_start'),
    currentPeriodEnd: ts('current_period_end'),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    canceledAt: ts('canceled_at'),
    latestInvoice: text('latest_invoice'),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    /** the caller's Idempotency-Key: a retried request reuses this row (and its Stripe key) */
    requestKey: text('request_key'),
    lastSyncedAt: ts('last_synced_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('subscriptions_stripe_key').on(t.tenantId, t.stripeSubscriptionId),
    uniqueIndex('subscriptions_request_key').on(t.tenantId, t.requestKey),
    index('subscriptions_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

/** The invoices Stripe makes for those subscriptions (renewals), with the fee set on each draft. */
export const subscriptionInvoices = pgTable(
  'subscription_invoices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id, { onDelete: 'cascade' }),
    stripeInvoiceId: text('stripe_invoice_id').notNull(),
    stripePaymentIntentId: text('stripe_payment_intent_id'),
    number: text('number'),
    status: text('status').notNull(),
    billingReason: text('billing_reason'),
    currency: text('currency').notNull(),
    amountDue: integer('amount_due').notNull(),
    amountPaid: integer('amount_paid').notNull().default(0),
    applicationFeeAmount: integer('application_fee_amount'),
    hostedInvoiceUrl: text('hosted_invoice_url'),
    periodStart: ts('period_start'),
    periodEnd: ts('period_end'),
    lastSyncedAt: ts('last_synced_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('subscription_invoices_stripe_key').on(t.tenantId, t.stripeInvoiceId),
    index('subscription_invoices_sub_idx').on(t.tenantId, t.subscriptionId, t.createdAt),
  ],
);
