// Dunning (docs/platform-billing.md, "Dunning"): one case per failed plan renewal invoice, from the failure to
// its recovery or final action, and each payment attempt Tributary made on it. Times are Stripe's time for the
// tenant's billing customer (its test clock's on a clocked test customer).
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { ownerTenantId, timestamps, ts } from './columns.ts';

export const dunningPhases = ['past_due', 'warning', 'suspended', 'closed'] as const;
export type DunningPhase = (typeof dunningPhases)[number];
export const dunningOutcomes = ['recovered', 'downgraded', 'canceled', 'voided', 'ended'] as const;
export type DunningOutcome = (typeof dunningOutcomes)[number];

export interface JoinedInvoice {
  id: string;
  amount: number;
  /** taken off Stripe's automatic retries (auto_advance=false) */
  held: boolean;
}

export const dunningCases = pgTable(
  'dunning_cases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    stripeInvoiceId: text('stripe_invoice_id').notNull(),
    stripeCustomerId: text('stripe_customer_id').notNull(),
    /** the billing customer's test clock, whose frozen time is "now" for the case; null: real time */
    testClock: text('test_clock'),
    /** what the case's invoices (its first and any joined since) came to when they failed */
    amountDue: bigint('amount_due', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    phase: text('phase').$type<DunningPhase>().notNull().default('past_due'),
    outcome: text('outcome').$type<DunningOutcome>(),
    /** the first failure's decline code (Stripe's), for the e-mails */
    declineCode: text('decline_code'),
    openedAt: ts('opened_at').notNull(),
    /** false until the first job read Stripe's time and planned the retries from it */
    scheduled: boolean('scheduled').notNull().default(false),
    nextAttemptAt: ts('next_attempt_at'),
    /** counted attempts (an attempt Stripe could not answer counts not) */
    attemptsMade: integer('attempts_made').notNull().default(0),
    /** when Stripe first failed to answer the attempt now due (its delay moves the later dates) */
    interruptedAt: ts('interrupted_at'),
    delaySeconds: integer('delay_seconds').notNull().default(0),
    suspendAt: ts('suspend_at').notNull(),
    finalAt: ts('final_at'),
    /** payment methods a hard decline ruled out for the rest of the case */
    skippedMethods: jsonb('skipped_methods').$type<string[]>().notNull().default([]),
    /** later renewals that failed while the case was open: owed with its first invoice */
    joinedInvoices: jsonb('joined_invoices').$type<JoinedInvoice[]>().notNull().default([]),
    /** the case's invoices paid (or voided) since: it closes when every one is */
    settledInvoices: jsonb('settled_invoices').$type<string[]>().notNull().default([]),
    /** a run holds the case until then (renewed while it runs: lease.ts); another run waits */
    runLeaseUntil: ts('run_lease_until'),
    /** a run was asked for while another held the case: the holder runs again before it lets go */
    rerunRequested: boolean('rerun_requested').notNull().default(false),
    closedAt: ts('closed_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('dunning_cases_invoice_key').on(t.tenantId, t.stripeInvoiceId),
    // one open case per tenant: a later failure joins it
    uniqueIndex('dunning_cases_open_key').on(t.tenantId).where(sql`${t.phase} <> 'closed'`),
    index('dunning_cases_due_idx').on(t.phase, t.nextAttemptAt),
  ],
);

export const dunningAttemptStatuses = ['pending', 'succeeded', 'failed', 'unavailable'] as const;
export type DunningAttemptStatus = (typeof dunningAttemptStatuses)[number];

export const dunningAttempts = pgTable(
  'dunning_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => dunningCases.id, { onDelete: 'cascade' }),
    /** the invoice paid in the call: the case's first, or one joined since */
    stripeInvoiceId: text('stripe_invoice_id').notNull(),
    /** the scheduled attempt (1…): every method tried in it shares the number */
    number: integer('number').notNull(),
    paymentMethod: text('payment_method').notNull(),
    /** a new call after Stripe failed to answer one (its 5xx is replayed under the key for 24 hours) */
    retry: integer('retry').notNull().default(0),
    status: text('status').$type<DunningAttemptStatus>().notNull().default('pending'),
    declineCode: text('decline_code'),
    adviceCode: text('advice_code'),
    message: text('message'),
    /** Stripe's time of the attempt */
    at: ts('at').notNull(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('dunning_attempts_key').on(t.caseId, t.stripeInvoiceId, t.number, t.paymentMethod, t.retry),
  ],
);
