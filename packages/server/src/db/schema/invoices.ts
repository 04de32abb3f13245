import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ownerTenantId, timestamps, ts } from './columns.ts';
import type { ConnectKind } from './connect.ts';
import type { ChargeType } from './payments.ts';
import { customers, payments } from './payments.ts';

export interface InvoiceLine {
  description: string;
  quantity: number;
  unit_amount: number;
}

/** Stored states; `overdue` is derived (open and past its due date), never stored. */
export const invoiceStatuses = ['draft', 'open', 'paid', 'void', 'uncollectible'] as const;
export type InvoiceStatus = (typeof invoiceStatuses)[number];

/**
 * Invoices a tenant sends its own customers: paid through a single-use Payment Link on the tenant's
 * account (direct) or on the platform settling to it (destination, Express-like). Paid only from webhooks.
 */
export const invoices = pgTable(
  'invoices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    customerEmail: text('customer_email'),
    currency: text('currency').notNull(),
    status: text('status').$type<InvoiceStatus>().notNull().default('draft'),
    lines: jsonb('lines').$type<InvoiceLine[]>().notNull(),
    amountTotal: integer('amount_total').notNull(),
    dueDate: ts('due_date'),
    notes: text('notes'),
    externalReference: text('external_reference'),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    /** decided at send: where the link lives and the fee it carries */
    stripeAccountId: text('stripe_account_id'),
    accountKind: text('account_kind').$type<ConnectKind>(),
    chargeType: text('charge_type').$type<ChargeType>(),
    platformFee: integer('platform_fee'),
    applicationFeeAmount: integer('application_fee_amount'),
    /** bumped by each send that needs a new link (an edit after sending); part of the idempotency key */
    sendAttempt: integer('send_attempt').notNull().default(0),
    stripePaymentLinkId: text('stripe_payment_link_id'),
    paymentLinkUrl: text('payment_link_url'),
    /** the link must be turned off (paid, voided or replaced); cleared once Stripe confirms */
    linkToDeactivate: text('link_to_deactivate'),
    stripeCheckoutSessionId: text('stripe_checkout_session_id'),
    stripePaymentIntentId: text('stripe_payment_intent_id'),
    paymentId: uuid('payment_id').references(() => payments.id, { onDelete: 'set null' }),
    sentAt: ts('sent_at'),
    paidAt: ts('paid_at'),
    voidedAt: ts('voided_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('invoices_link_key').on(t.tenantId, t.stripePaymentLinkId),
    index('invoices_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('invoices_status_idx').on(t.tenantId, t.status),
  ],
);

/**
 * Every completed Checkout Session of an invoice's links: the first paid one pays the invoice; any later one
 * (a race on the single-use link) is refunded through the payments domain and recorded here.
 */
export const invoicePayments = pgTable(
  'invoice_payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    stripeCheckoutSessionId: text('stripe_checkout_session_id').notNull(),
    stripePaymentIntentId: text('stripe_payment_intent_id'),
    amount: integer('amount').notNull(),
    /** kept (pays the invoice) | duplicate (to refund) | refunded | pending (async debit) | failed */
    outcome: text('outcome').notNull(),
    refundError: text('refund_error'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('invoice_payments_session_key').on(t.tenantId, t.stripeCheckoutSessionId),
    index('invoice_payments_invoice_idx').on(t.tenantId, t.invoiceId),
  ],
);
