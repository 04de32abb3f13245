// The MRR history (docs/analytics.md, "Capture"), for each audience: a tenant's own customers' subscriptions
// (tenant-owned, forced row-level security) and the platform's plan subscriptions of its tenants (no tenant
// reads or writes them: forced row-level security with no policy, reached by the system role only).
// Observations are what each copy of a subscription said at its time; changes are derived from them, one row
// per change of a subscription's MRR, and are what the engine reads.
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { ownerTenantId, ts } from './columns.ts';
import { tenants } from './tenancy.ts';

const money = (name: string) => bigint(name, { mode: 'number' });

export type ChurnKindColumn = 'voluntary' | 'involuntary';
/** The MRR a discount's start or end gives the observed subscription later, with nothing else changed. */
export type LaterValue = { at: string; mrr: number };

const observation = () => ({
  id: uuid('id').primaryKey().defaultRandom(),
  stripeSubscriptionId: text('stripe_subscription_id').notNull(),
  stripeCustomerId: text('stripe_customer_id').notNull(),
  currency: text('currency').notNull(),
  /** when the observed state took effect (Stripe's time) */
  at: ts('at').notNull(),
  /** the status's place in a subscription's life: orders two copies of the same second */
  rank: integer('rank').notNull(),
  status: text('status').notNull(),
  mrr: money('mrr').notNull(),
  churnKind: text('churn_kind').$type<ChurnKindColumn>(),
  later: jsonb('later').$type<LaterValue[]>().notNull().default([]),
  /** `event` (a webhook's copy) or `backfill` (`tributary sync mrr`, from the current object) */
  source: text('source').$type<'event' | 'backfill'>().notNull(),
  stripeEventId: text('stripe_event_id'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

const change = () => ({
  id: uuid('id').primaryKey().defaultRandom(),
  stripeSubscriptionId: text('stripe_subscription_id').notNull(),
  stripeCustomerId: text('stripe_customer_id').notNull(),
  currency: text('currency').notNull(),
  /** MRR after the change, minor units of `currency` */
  mrr: money('mrr').notNull(),
  at: ts('at').notNull(),
  churnKind: text('churn_kind').$type<ChurnKindColumn>(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** The tenant whose plan a platform row is about (kept when the tenant is deleted: the revenue was real). */
const billedTenantId = () => uuid('billed_tenant_id').references(() => tenants.id, { onDelete: 'set null' });

export const mrrObservations = pgTable(
  'mrr_observations',
  { ...observation(), tenantId: ownerTenantId() },
  (t) => [uniqueIndex('mrr_observations_key').on(t.tenantId, t.stripeSubscriptionId, t.at, t.rank)],
);

export const mrrChanges = pgTable('mrr_changes', { ...change(), tenantId: ownerTenantId() }, (t) => [
  uniqueIndex('mrr_changes_key').on(t.tenantId, t.stripeSubscriptionId, t.currency, t.at),
  index('mrr_changes_at_idx').on(t.tenantId, t.at),
]);

/** The earliest instant from which a tenant's figures are to be computed again (the snapshot job's marker). */
export const analyticsRestateFrom = pgTable('analytics_restate_from', {
  tenantId: ownerTenantId().primaryKey(),
  from: ts('restate_from').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const platformMrrObservations = pgTable(
  'platform_mrr_observations',
  { ...observation(), billedTenantId: billedTenantId() },
  (t) => [uniqueIndex('platform_mrr_observations_key').on(t.stripeSubscriptionId, t.at, t.rank)],
);

/** A plan subscription suspended by dunning (its MRR 0 from then), until the case recovered. */
export const platformMrrSuspensions = pgTable(
  'platform_mrr_suspensions',
  {
    /** the dunning case's id */
    caseId: uuid('case_id').primaryKey(),
    billedTenantId: billedTenantId(),
    stripeSubscriptionId: text('stripe_subscription_id').notNull(),
    stripeCustomerId: text('stripe_customer_id').notNull(),
    suspendedAt: ts('suspended_at').notNull(),
    recoveredAt: ts('recovered_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('platform_mrr_suspensions_sub_idx').on(t.stripeSubscriptionId)],
);

export const platformMrrChanges = pgTable(
  'platform_mrr_changes',
  { ...change(), billedTenantId: billedTenantId() },
  (t) => [
    uniqueIndex('platform_mrr_changes_key').on(t.stripeSubscriptionId, t.currency, t.at),
    index('platform_mrr_changes_at_idx').on(t.at),
  ],
);

/** The platform's marker: one row. */
export const platformAnalyticsRestateFrom = pgTable('platform_analytics_restate_from', {
  scope: text('scope').primaryKey().default('platform'),
  from: ts('restate_from').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

// Snapshots (docs/analytics.md, "Snapshots"): the engine's figures per currency, unit (day, week, month) and
// period, materialised by the snapshot job from the change rows so that reads never fold the history again.
// Only the period summaries are stored: every ratio of a period is a function of them (ratios.ts,
// periodRatios), and LTV of the months before it, so both are derived at read time exactly as the engine does.
const snapshot = () => ({
  currency: text('currency').notNull(),
  unit: text('unit').$type<'day' | 'week' | 'month'>().notNull(),
  periodStart: ts('period_start').notNull(),
  periodEnd: ts('period_end').notNull(),
  startMrr: money('start_mrr').notNull(),
  endMrr: money('end_mrr').notNull(),
  newMrr: money('new_mrr').notNull(),
  reactivationMrr: money('reactivation_mrr').notNull(),
  expansionMrr: money('expansion_mrr').notNull(),
  contractionMrr: money('contraction_mrr').notNull(),
  churnMrr: money('churn_mrr').notNull(),
  churnVoluntaryMrr: money('churn_voluntary_mrr').notNull(),
  churnInvoluntaryMrr: money('churn_involuntary_mrr').notNull(),
  payingAtStart: integer('paying_at_start').notNull(),
  payingAtEnd: integer('paying_at_end').notNull(),
  startPayersEndMrr: money('start_payers_end_mrr').notNull(),
  churnedCustomers: integer('churned_customers').notNull(),
  churnedVoluntary: integer('churned_voluntary').notNull(),
  churnedInvoluntary: integer('churned_involuntary').notNull(),
});

/** What a scope's snapshots hold: computed when (the figures' as_of), and up to which instant. */
const snapshotState = () => ({
  /** when the job computed them: the figures are those of the change rows committed then */
  computedAt: ts('computed_at').notNull(),
  /** every period up to the one holding this instant is stored (later ones are quiet: no change after it) */
  horizon: ts('horizon').notNull(),
  /** the latest change of the scope (future-dated ones included), or null with none */
  latestChangeAt: ts('latest_change_at'),
});

export const mrrSnapshots = pgTable('mrr_snapshots', { tenantId: ownerTenantId(), ...snapshot() }, (t) => [
  primaryKey({ columns: [t.tenantId, t.unit, t.currency, t.periodStart] }),
]);

export const mrrSnapshotStates = pgTable('mrr_snapshot_states', {
  tenantId: ownerTenantId().primaryKey(),
  ...snapshotState(),
});

export const platformMrrSnapshots = pgTable('platform_mrr_snapshots', snapshot(), (t) => [
  primaryKey({ columns: [t.unit, t.currency, t.periodStart] }),
]);

export const platformMrrSnapshotStates = pgTable('platform_mrr_snapshot_states', {
  scope: text('scope').primaryKey().default('platform'),
  ...snapshotState(),
});
