import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ownerTenantId, timestamps, ts } from './columns.ts';
import type { ConnectKind } from './connect.ts';
import { tenants } from './tenancy.ts';

/**
 * A tenant's override of the platform's application fee. Each null column inherits the platform
 * default from the config (PLATFORM_FEE_*), so changing the default moves every tenant that did not override.
 */
export const feeSchedules = pgTable('fee_schedules', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  percentBps: integer('percent_bps'),
  fixed: jsonb('fixed').$type<Record<string, number>>(),
  min: jsonb('min').$type<Record<string, number>>(),
  max: jsonb('max').$type<Record<string, number>>(),
  passThroughStripeFee: boolean('pass_through_stripe_fee'),
  ...timestamps(),
});

/**
 * The tenant's customers, mirrored from Stripe. They live where the tenant's charges are made: on the
 * connected account for direct charges (Standard-like), on the platform for destination charges
 * (Express-like) — `stripe_account_id` is null then.
 */
export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    stripeCustomerId: text('stripe_customer_id'),
    stripeAccountId: text('stripe_account_id'),
    email: text('email'),
    name: text('name'),
    phone: text('phone'),
    address: jsonb('address').$type<Record<string, string | null> | null>(),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    defaultPaymentMethod: text('default_payment_method'),
    /** Stripe's `preferred_locales[0]`: the language of the e-mails the tenant sends the customer */
    preferredLocale: text('preferred_locale'),
    deleted: boolean('deleted').notNull().default(false),
    lastSyncedAt: ts('last_synced_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('customers_stripe_key').on(t.tenantId, t.stripeCustomerId),
    index('customers_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('customers_email_idx').on(t.tenantId, sql`lower(${t.email})`),
  ],
);

/** Saved payment methods of the tenant's customers (cards, US bank accounts). */
export const paymentMethods = pgTable(
  'payment_methods',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    stripePaymentMethodId: text('stripe_payment_method_id').notNull(),
    type: text('type').notNull(),
    brand: text('brand'),
    last4: text('last4'),
    expMonth: integer('exp_month'),
    expYear: integer('exp_year'),
    bankName: text('bank_name'),
    detachedAt: ts('detached_at'),
    lastSyncedAt: ts('last_synced_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('payment_methods_stripe_key').on(t.tenantId, t.stripePaymentMethodId),
    index('payment_methods_customer_idx').on(t.tenantId, t.customerId, t.createdAt),
  ],
);

export const chargeTypes = ['direct', 'destination'] as const;
export type ChargeType = (typeof chargeTypes)[number];

/**
 * One row per charge: a declined attempt and the success after it are two rows of the same PaymentIntent.
 * A PaymentIntent with no charge yet (just created, waiting for 3-D Secure) has one open row, without a
 * charge, which its first charge then claims. Filled by the API when Tributary creates the payment and by
 * webhooks (payment_intent.*, charge.*, balance transactions) behind the guards. Money in integer minor
 * units; fees are estimates until the balance transaction is known (`fees_final`).
 */

/** An application fee refund (`fr_…`) as the payment keeps it. */
export interface FeeRefundEntry {
  id: string;
  amount: number;
  created: number;
}

/** A dispute's balance transaction as the dispute keeps it (`net` = `amount` − `fee`). */
export interface DisputeBalanceEntry {
  id: string;
  amount: number;
  fee: number;
  net: number;
  reporting_category: string;
  created: number;
}

/** A payment's fee schedule as it was charged, in the API's words (analytics and reconciliation read it). */
export interface FeeScheduleSnapshot {
  percent_bps: number;
  fixed: Record<string, number>;
  min: Record<string, number>;
  max: Record<string, number>;
  pass_through_stripe_fee: boolean;
  /** Stripe's price the estimate used: for the settlement country and the payment's currency */
  stripe_rate: { country: string; percent_bps: number; fixed: number };
}

export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    stripeAccountId: text('stripe_account_id').notNull(),
    accountKind: text('account_kind').$type<ConnectKind>().notNull(),
    chargeType: text('charge_type').$type<ChargeType>().notNull(),
    stripePaymentIntentId: text('stripe_payment_intent_id'),
    stripeChargeId: text('stripe_charge_id'),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    /** the tenant invoice this pays */
    invoiceId: uuid('invoice_id'),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    status: text('status').notNull(),
    description: text('description'),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    /** the caller's Idempotency-Key (scoped to the caller): a retried request reuses this row, so its Stripe key */
    requestKey: text('request_key'),
    paymentMethodType: text('payment_method_type'),
    paymentMethodBrand: text('payment_method_brand'),
    paymentMethodLast4: text('payment_method_last4'),
    /** our platform fee (before any Stripe fee pass-through) */
    platformFee: integer('platform_fee').notNull(),
    applicationFeeAmount: integer('application_fee_amount').notNull(),
    stripeFee: integer('stripe_fee').notNull(),
    tenantNet: integer('tenant_net').notNull(),
    platformNet: integer('platform_net').notNull(),
    feesFinal: boolean('fees_final').notNull().default(false),
    /**
     * Fee the platform recovered after the charge by reversing part of a destination charge's transfer: a
     * subscription invoice finalized before its whole application fee could be set (its first one). Already
     * counted in tenant_net and platform_net.
     */
    feeTopUp: integer('fee_top_up').notNull().default(0),
    feeTopUpReversal: text('fee_top_up_reversal'),
    /**
     * The part of a fee top-up the transfer no longer held (a refund had reversed it first): recorded rather
     * than taken from elsewhere, and not asked for again. Not counted in the nets (it was never collected).
     */
    feeTopUpUncollected: integer('fee_top_up_uncollected').notNull().default(0),
    /** the fee schedule and Stripe price the payment was charged under (null: not started through our API) */
    feeSchedule: jsonb('fee_schedule').$type<FeeScheduleSnapshot>(),
    amountRefunded: integer('amount_refunded').notNull().default(0),
    /** the application fee Stripe refunded (its `amount_refunded`; `refund_application_fee`), and each refund */
    applicationFeeRefunded: integer('application_fee_refunded').notNull().default(0),
    applicationFeeRefunds: jsonb('application_fee_refunds').$type<FeeRefundEntry[]>().notNull().default([]),
    /** the charge's application fee (`fee_…`, on the platform): its balance transactions are read from it */
    stripeApplicationFeeId: text('stripe_application_fee_id'),
    /** the sum of the net of every dispute balance transaction (withdrawal, its fee, reinstatement) */
    disputeNet: integer('dispute_net').notNull().default(0),
    disputeStatus: text('dispute_status'),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    nextActionUrl: text('next_action_url'),
    receiptUrl: text('receipt_url'),
    succeededAt: ts('succeeded_at'),
    /** guard of the PaymentIntent's fields on the open row (fetch time of the PaymentIntent last applied) */
    lastSyncedAt: ts('last_synced_at'),
    /** guard of the charge's fields: a payment's two objects are fetched apart, so each has its own */
    chargeSyncedAt: ts('charge_synced_at'),
    /** when the row's charge was created at Stripe */
    chargeCreated: ts('charge_created'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('payments_charge_key').on(t.tenantId, t.stripeChargeId),
    uniqueIndex('payments_request_key').on(t.tenantId, t.requestKey),
    uniqueIndex('payments_open_pi_key')
      .on(t.tenantId, t.stripePaymentIntentId)
      .where(sql`${t.stripeChargeId} IS NULL`),
    index('payments_charge_idx').on(t.stripeChargeId),
    index('payments_pi_idx').on(t.stripePaymentIntentId),
    index('payments_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('payments_customer_idx').on(t.tenantId, t.customerId),
    index('payments_succeeded_idx').on(t.tenantId, t.succeededAt),
  ],
);

/**
 * Refunds. A row is written (reserving its amount under the payment's row lock) before Stripe is called with
 * the idempotency key `tributary:refund:<id>:<attempt>`; a refusal marks it failed, which frees the amount.
 */
export const refunds = pgTable(
  'refunds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id, { onDelete: 'cascade' }),
    stripeRefundId: text('stripe_refund_id'),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    /** the caller's Idempotency-Key: a retry reuses this row (and its Stripe key) instead of refunding again */
    requestKey: text('request_key'),
    reason: text('reason'),
    refundApplicationFee: boolean('refund_application_fee').notNull().default(false),
    status: text('status').notNull().default('pending'),
    failureReason: text('failure_reason'),
    attempt: integer('attempt').notNull().default(1),
    /** when Stripe made the refund (its `created`): the month its amount leaves the payment volume */
    stripeCreated: ts('stripe_created'),
    lastSyncedAt: ts('last_synced_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('refunds_stripe_key').on(t.tenantId, t.stripeRefundId),
    uniqueIndex('refunds_request_key').on(t.tenantId, t.requestKey),
    index('refunds_payment_idx').on(t.tenantId, t.paymentId, t.createdAt),
    index('refunds_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

export interface DisputeFile {
  id: string;
  filename: string;
  field: string;
  size: number;
}

/** Disputes (chargebacks) from `charge.dispute.*`; evidence submitted through the API. */
export const disputes = pgTable(
  'disputes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id, { onDelete: 'cascade' }),
    stripeDisputeId: text('stripe_dispute_id').notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    reason: text('reason').notNull(),
    status: text('status').notNull(),
    evidenceDueBy: ts('evidence_due_by'),
    evidence: jsonb('evidence').$type<Record<string, string>>().notNull().default({}),
    files: jsonb('files').$type<DisputeFile[]>().notNull().default([]),
    evidenceSubmittedAt: ts('evidence_submitted_at'),
    /** Stripe's balance transactions of the dispute: the withdrawal (amount and dispute fee), a reinstatement */
    balanceTransactions: jsonb('balance_transactions').$type<DisputeBalanceEntry[]>().notNull().default([]),
    /** when the customer's bank opened it at Stripe (its `created`) */
    stripeCreated: ts('stripe_created'),
    lastSyncedAt: ts('last_synced_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('disputes_stripe_key').on(t.tenantId, t.stripeDisputeId),
    index('disputes_created_idx').on(t.tenantId, t.createdAt, t.id),
  ],
);

export const feeBalanceTypes = ['application_fee', 'application_fee_refund'] as const;
export type FeeBalanceType = (typeof feeBalanceTypes)[number];

/**
 * The platform's balance transactions of a payment's application fee: the fee (`application_fee`, positive)
 * and each of its refunds (`application_fee_refund`, negative), as Stripe booked them — the facts the
 * platform's fee revenue is counted from (analytics), never our estimate of the fee. One row per Stripe
 * balance transaction, written by the payments sync from the application fee object.
 */
export const feeBalanceTransactions = pgTable(
  'fee_balance_transactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id, { onDelete: 'cascade' }),
    stripeBalanceTransactionId: text('stripe_balance_transaction_id').notNull(),
    type: text('type').$type<FeeBalanceType>().notNull(),
    /** the application fee (`fee_…`) or fee refund (`fr_…`) the balance transaction is for */
    source: text('source').notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    /** Stripe's `created` of the balance transaction */
    created: ts('created').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('fee_balance_transactions_stripe_key').on(t.tenantId, t.stripeBalanceTransactionId),
    index('fee_balance_transactions_payment_idx').on(t.tenantId, t.paymentId),
    index('fee_balance_transactions_tenant_created_idx').on(t.tenantId, t.created),
    index('fee_balance_transactions_created_idx').on(t.created),
  ],
);
