// The platform billing its tenants (docs/platform-billing.md): its plans, each tenant's plan and billing
// period, usage per metric and period, threshold alerts, and the meter events owed to Stripe.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { ownerTenantId, timestamps, ts } from './columns.ts';

const money = (name: string) => bigint(name, { mode: 'number' });

export const planIntervals = ['month', 'year'] as const;
export type PlanInterval = (typeof planIntervals)[number];
export const enforcements = ['soft', 'hard'] as const;
export type Enforcement = (typeof enforcements)[number];
export const billingStates = ['active', 'trialing', 'past_due', 'warning', 'suspended'] as const;
export type BillingState = (typeof billingStates)[number];

/**
 * A plan of the platform (Free, Pro, Enterprise): its limits and features are Tributary's; Stripe gets a
 * Product and Prices made from it, never the reverse. Readable in every context (a tenant's entitlements
 * join it); written only by the operator, outside tenant scope.
 */
export const plans = pgTable(
  'plans',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    lookupKey: text('lookup_key').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    trialDays: integer('trial_days').notNull().default(0),
    /** feature key → included; the platform's app checks them */
    features: jsonb('features').$type<Record<string, boolean>>().notNull().default({}),
    /** percentages of a limit at which tenants are warned, ascending */
    thresholds: jsonb('thresholds').$type<number[]>().notNull().default([80, 100]),
    public: boolean('public').notNull().default(true),
    /** the plan a tenant is on until it is given another (one at most; a free plan) */
    isDefault: boolean('is_default').notNull().default(false),
    archivedAt: ts('archived_at'),
    /** bumped whenever the plan's limits change, so alerts re-base against the new limits */
    limitsVersion: integer('limits_version').notNull().default(1),
    stripeProductId: text('stripe_product_id'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('plans_lookup_key_key').on(t.lookupKey),
    uniqueIndex('plans_default_key').on(t.isDefault).where(sql`is_default`),
  ],
);

/**
 * A plan's recurring price in one currency and interval. Stripe Prices are immutable: a new amount is a new
 * row (and Price); the old one stays, inactive, for the tenants still on it.
 */
export const planPrices = pgTable(
  'plan_prices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    currency: text('currency').notNull(),
    interval: text('interval').$type<PlanInterval>().notNull(),
    unitAmount: money('unit_amount').notNull(),
    stripePriceId: text('stripe_price_id'),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
    supersededAt: ts('superseded_at'),
  },
  (t) => [
    uniqueIndex('plan_prices_active_key').on(t.planId, t.currency, t.interval).where(sql`active`),
    uniqueIndex('plan_prices_stripe_key').on(t.stripePriceId),
  ],
);

/**
 * A plan's limit on one metric per billing period. Monetary metrics (`payment_volume`) have one row per
 * currency the plan is sold in (the limit is in that currency's minor units); the others have currency ''.
 * A soft limit bills `overage_unit_amount_decimal` (minor units of the subscription's currency, per unit
 * of the metric over the limit) through a Stripe meter; a hard one is refused.
 */
export const planLimits = pgTable(
  'plan_limits',
  {
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    metric: text('metric').notNull(),
    currency: text('currency').notNull().default(''),
    limit: money('limit').notNull(),
    enforcement: text('enforcement').$type<Enforcement>().notNull(),
    overageUnitAmountDecimal: text('overage_unit_amount_decimal'),
  },
  (t) => [primaryKey({ columns: [t.planId, t.metric, t.currency] })],
);

/**
 * The metered Stripe Price that bills a soft limit's overage: graduated, free up to the limit, for one
 * plan, metric, currency and interval. Replaced (new row and Price) when the limit or the rate changes.
 */
export const planOveragePrices = pgTable(
  'plan_overage_prices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id, { onDelete: 'cascade' }),
    metric: text('metric').notNull(),
    currency: text('currency').notNull(),
    interval: text('interval').$type<PlanInterval>().notNull(),
    limit: money('limit').notNull(),
    unitAmountDecimal: text('unit_amount_decimal').notNull(),
    stripePriceId: text('stripe_price_id'),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('plan_overage_prices_active_key')
      .on(t.planId, t.metric, t.currency, t.interval)
      .where(sql`active`),
  ],
);

/** The Stripe billing meter of each metric that has a soft limit somewhere (one per metric). */
export const billingMeters = pgTable('billing_meters', {
  metric: text('metric').primaryKey(),
  eventName: text('event_name').notNull(),
  stripeMeterId: text('stripe_meter_id'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/**
 * The operator's exchange rates for counting payment volume in another currency: one major unit of `from`
 * is `rate` major units of `to` (a decimal string). A currency with no rate is excluded and shown as such.
 */
export const currencyRates = pgTable(
  'currency_rates',
  {
    from: text('from_currency').notNull(),
    to: text('to_currency').notNull(),
    rate: text('rate').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.from, t.to] })],
);

/**
 * Each tenant's plan with the platform: the Stripe customer and subscription on the platform account
 * (none on a free plan), the billing period usage counts in, and the limits version alerts are keyed by.
 */
export const tenantBilling = pgTable(
  'tenant_billing',
  {
    tenantId: ownerTenantId().primaryKey(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => plans.id),
    planPriceId: uuid('plan_price_id').references(() => planPrices.id),
    currency: text('currency'),
    interval: text('interval').$type<PlanInterval>(),
    state: text('state').$type<BillingState>().notNull().default('active'),
    stripeStatus: text('stripe_status'),
    stripeCustomerId: text('stripe_customer_id'),
    stripeSubscriptionId: text('stripe_subscription_id'),
    periodStart: ts('period_start').notNull(),
    periodEnd: ts('period_end').notNull(),
    previousPeriodStart: ts('previous_period_start'),
    trialEnd: ts('trial_end'),
    /**
     * When the tenant's one trial was used up: a plan subscription made with a trial (claimed before it is
     * made, so two requests at once cannot both get it) or one that was ever paid. Set, no later
     * subscription has a trial. Never cleared but by the request whose claim made no trial subscription.
     */
    trialUsedAt: ts('trial_used_at'),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    /** bumped whenever the tenant's limits change (a new plan, or its plan's limits edited) */
    limitsVersion: integer('limits_version').notNull().default(1),
    /** a change that takes effect at the period's end (a downgrade through a subscription schedule) */
    pendingPlanId: uuid('pending_plan_id').references(() => plans.id),
    pendingPlanPriceId: uuid('pending_plan_price_id').references(() => planPrices.id),
    pendingEffectiveAt: ts('pending_effective_at'),
    stripeScheduleId: text('stripe_schedule_id'),
    lastSyncedAt: ts('last_synced_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('tenant_billing_customer_key').on(t.stripeCustomerId),
    uniqueIndex('tenant_billing_subscription_key').on(t.stripeSubscriptionId),
    index('tenant_billing_plan_idx').on(t.planId),
  ],
);

/**
 * A usage event: reported by the platform's app (its own id) or measured by Tributary (`payment_volume`
 * from payments and refunds, `seats` from memberships). One per id and tenant: a duplicate counts once.
 */
export const usageEvents = pgTable(
  'usage_events',
  {
    tenantId: ownerTenantId(),
    id: text('id').notNull(),
    metric: text('metric').notNull(),
    quantity: money('quantity').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    periodStart: ts('period_start').notNull(),
    source: text('source').$type<'api' | 'payment' | 'refund' | 'seats'>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('usage_events_period_idx').on(t.tenantId, t.metric, t.periodStart),
  ],
);

/** The running total of a metric in one billing period: what entitlements read, never a scan of events. */
export const usageSummaries = pgTable(
  'usage_summaries',
  {
    tenantId: ownerTenantId(),
    metric: text('metric').notNull(),
    periodStart: ts('period_start').notNull(),
    used: money('used').notNull().default(0),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.metric, t.periodStart] })],
);

/**
 * A threshold reached: once per tenant, metric, period, limits version and threshold (the unique key makes
 * it so under any concurrency). `notified` is false for thresholds already passed when a limit changed.
 */
export const usageAlerts = pgTable(
  'usage_alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    metric: text('metric').notNull(),
    periodStart: ts('period_start').notNull(),
    limitsVersion: integer('limits_version').notNull(),
    threshold: integer('threshold').notNull(),
    limit: money('limit').notNull(),
    used: money('used').notNull(),
    notified: boolean('notified').notNull(),
    dismissedAt: ts('dismissed_at'),
    // the clock, not the transaction's start: thresholds crossed by one change keep their order
    createdAt: ts('created_at').notNull().default(sql`clock_timestamp()`),
  },
  (t) => [
    uniqueIndex('usage_alerts_once_key').on(
      t.tenantId,
      t.metric,
      t.periodStart,
      t.limitsVersion,
      t.threshold,
    ),
    index('usage_alerts_tenant_idx').on(t.tenantId, t.createdAt),
  ],
);

/**
 * A meter event owed to Stripe for a soft limit's overage, written in the usage transaction and sent by the
 * `billing-meter-report` job; its `identifier` (our usage event's) makes Stripe count it once.
 */
export const meterReports = pgTable(
  'meter_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    identifier: text('identifier').notNull(),
    eventName: text('event_name').notNull(),
    stripeCustomerId: text('stripe_customer_id').notNull(),
    value: money('value').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    status: text('status').$type<'pending' | 'sent' | 'failed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    sentAt: ts('sent_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('meter_reports_identifier_key').on(t.tenantId, t.identifier),
    index('meter_reports_pending_idx').on(t.createdAt).where(sql`status = 'pending'`),
  ],
);
