// The tenant's billing account with the platform (docs/platform-billing.md, "Billing account"): a mirror of its
// plan invoices on the platform account, written by the platform billing's invoice.* webhooks and refreshed
// from Stripe on demand. Stripe stays the source: the row is what the dashboard lists without a Stripe call.
import { bigint, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { ownerTenantId, ts } from './columns.ts';

const money = (name: string) => bigint(name, { mode: 'number' });

export interface PlanInvoiceLine {
  id: string;
  description: string | null;
  amount: number;
  currency: string;
  quantity: number | null;
  period: { start: number; end: number } | null;
  proration: boolean;
}

export interface PlanInvoiceTax {
  amount: number;
  taxable_amount: number | null;
  tax_behavior: string | null;
  tax_rate: string | null;
}

export const platformInvoices = pgTable(
  'platform_invoices',
  {
    /** Stripe's invoice id (in_…), also its public id: the tenant sees Stripe's invoice */
    id: text('id').primaryKey(),
    tenantId: ownerTenantId(),
    stripeCustomerId: text('stripe_customer_id').notNull(),
    stripeSubscriptionId: text('stripe_subscription_id'),
    number: text('number'),
    status: text('status').notNull(),
    currency: text('currency').notNull(),
    subtotal: money('subtotal').notNull(),
    total: money('total').notNull(),
    amountDue: money('amount_due').notNull(),
    amountPaid: money('amount_paid').notNull(),
    amountRemaining: money('amount_remaining').notNull(),
    totalTax: money('total_tax'),
    taxes: jsonb('taxes').$type<PlanInvoiceTax[]>().notNull(),
    lines: jsonb('lines').$type<PlanInvoiceLine[]>().notNull(),
    periodStart: ts('period_start'),
    periodEnd: ts('period_end'),
    hostedInvoiceUrl: text('hosted_invoice_url'),
    invoicePdf: text('invoice_pdf'),
    /** Stripe's `created`: the list's order */
    createdAt: ts('created_at').notNull(),
    /** when the state was read from Stripe (out-of-order guard) */
    lastSyncedAt: ts('last_synced_at').notNull(),
  },
  (t) => [index('platform_invoices_tenant_idx').on(t.tenantId, t.createdAt)],
);
