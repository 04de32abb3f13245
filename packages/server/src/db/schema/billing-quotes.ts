// A binding quote for a change of a tenant's plan (docs/platform-billing.md, "Plan changes with a quote"):
// what Stripe's invoice preview said the change costs now, and what it was computed against, so accepting it
// can refuse a change that would charge anything else.
import { bigint, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { type PlanInterval, planPrices, plans } from './billing.ts';
import { ownerTenantId, ts } from './columns.ts';

export const quoteKinds = ['upgrade', 'downgrade', 'new', 'interval_change'] as const;
export type QuoteKind = (typeof quoteKinds)[number];

export interface QuoteLine {
  description: string | null;
  amount: number;
  currency: string;
  period: { start: number; end: number };
  proration: boolean;
}

/** One `items[]` entry of the subscription change: an item given a new price, or a price added. */
export interface QuoteItem {
  id?: string;
  price?: string;
}

export const planQuotes = pgTable(
  'plan_quotes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    planPriceId: uuid('plan_price_id')
      .notNull()
      .references(() => planPrices.id),
    interval: text('interval').$type<PlanInterval>().notNull(),
    currency: text('currency').notNull(),
    kind: text('kind').$type<QuoteKind>().notNull(),
    /** the subscription items the change sends, as previewed (item ids to delete, prices to add) */
    items: jsonb('items').$type<QuoteItem[]>().notNull(),
    prorationDate: ts('proration_date').notNull(),
    lines: jsonb('lines').$type<QuoteLine[]>().notNull(),
    amountDue: bigint('amount_due', { mode: 'number' }).notNull(),
    /** a `new` quote's trial (0: none, the tenant's trial used: tenant_billing.trial_used_at) */
    trialDays: integer('trial_days').notNull().default(0),
    effectiveAt: ts('effective_at').notNull(),
    // what the quote was computed against: any of them moved and the quote is refused (stripe_state: the
    // subscription's items and prices, the customer's balance and discounts, as one comparable string)
    stripeCustomerId: text('stripe_customer_id'),
    stripeSubscriptionId: text('stripe_subscription_id'),
    fromPlanPriceId: uuid('from_plan_price_id'),
    customerBalance: bigint('customer_balance', { mode: 'number' }).notNull().default(0),
    stripeState: text('stripe_state').notNull().default(''),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    /** the request that spent it (its caller and Idempotency-Key, hashed): a retry of that request resumes */
    claimKey: text('claim_key'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('plan_quotes_tenant_idx').on(t.tenantId, t.createdAt)],
);
