import { sql } from 'drizzle-orm';
import {
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { timestamps, ts } from './columns.ts';
import { tenants } from './tenancy.ts';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const stripeEventStatuses = ['pending', 'processed', 'failed', 'dead', 'ignored'] as const;
export type StripeEventStatus = (typeof stripeEventStatuses)[number];

/**
 * The durable inbox: every verified delivery from Stripe, stored before it is acknowledged.
 * `tenant_id` is the tenant owning `account`; for a platform event (no `account`), the tenant the worker
 * routes it to by its object's Stripe ids (webhooks/route.ts). Null for events of no tenant, and for unknown
 * accounts, which are flagged with `unknown_account`.
 */
export const stripeEvents = pgTable(
  'stripe_events',
  {
    id: text('id').primaryKey(),
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'set null' }),
    type: text('type').notNull(),
    account: text('account'),
    /** which endpoint received it: the platform's or the Connect one */
    source: text('source').$type<'platform' | 'connect' | 'backfill'>().notNull(),
    /** a full snapshot event, or a thin v2 event notification whose event is fetched by the job */
    kind: text('kind').$type<'snapshot' | 'thin'>().notNull().default('snapshot'),
    unknownAccount: boolean('unknown_account').notNull().default(false),
    livemode: boolean('livemode').notNull().default(false),
    created: ts('created').notNull(),
    apiVersion: text('api_version'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /**
     * The body exactly as Stripe signed it, kept only when `payload` could not hold it unchanged (a NUL
     * character, nesting deeper than jsonb takes): what was stored is then a sanitised copy.
     */
    rawBody: bytea('raw_body'),
    receivedAt: ts('received_at').notNull().defaultNow(),
    status: text('status').$type<StripeEventStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    processedAt: ts('processed_at'),
    /**
     * A platform event stored before platform events were routed to their tenant: the maintenance job
     * routes it from its stored object (webhooks/route-stored.ts), then clears the flag.
     */
    routingPending: boolean('routing_pending').notNull().default(false),
  },
  (t) => [
    index('stripe_events_received_idx').on(t.receivedAt, t.id),
    index('stripe_events_routing_pending_idx').on(t.receivedAt).where(sql`${t.routingPending}`),
    index('stripe_events_tenant_received_idx').on(t.tenantId, t.receivedAt, t.id),
    index('stripe_events_status_idx').on(t.status),
    index('stripe_events_type_idx').on(t.type),
  ],
);

/**
 * One processing attempt of a stored Stripe event: written in the transaction that records its outcome, so
 * the history is exactly what happened. `tenant_id` follows the event's (null for platform events and unknown
 * accounts, reached only through withSystem), under the same RLS policy as stripe_events.
 */
export const stripeEventAttempts = pgTable(
  'stripe_event_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: text('event_id')
      .notNull()
      .references(() => stripeEvents.id, { onDelete: 'cascade' }),
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'set null' }),
    attempt: integer('attempt').notNull(),
    outcome: text('outcome').$type<StripeEventStatus>().notNull(),
    error: text('error'),
    startedAt: ts('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index('stripe_event_attempts_event_idx').on(t.eventId, t.startedAt)],
);

/**
 * The applied state of Stripe's stateful objects, one row per Stripe id, written by the domains' webhook
 * handlers behind the `last_synced_at` guard (CONVENTIONS.md). Domains with their own tables (payments,
 * connect, …) keep this as their raw mirror.
 */
export const stripeObjects = pgTable(
  'stripe_objects',
  {
    rowId: uuid('row_id').primaryKey().defaultRandom(),
    id: text('id').notNull(),
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    account: text('account'),
    object: text('object').notNull(),
    // Stripe ids are unique per account, not globally (a capability is `card_payments` on every account):
    // the key is tenant + account + object + id, so one tenant's object never meets another's.
    tenantKey: text('tenant_key').notNull().generatedAlwaysAs(sql`coalesce(tenant_id::text, '')`),
    accountKey: text('account_key').notNull().generatedAlwaysAs(sql`coalesce(account, '')`),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    deleted: boolean('deleted').notNull().default(false),
    lastSyncedAt: ts('last_synced_at').notNull(),
    lastEventId: text('last_event_id'),
  },
  (t) => [
    index('stripe_objects_tenant_object_idx').on(t.tenantId, t.object),
    uniqueIndex('stripe_objects_key').on(t.tenantKey, t.accountKey, t.object, t.id),
  ],
);

export interface PreviousSecret {
  secret: string;
  /** ISO time */
  expires_at: string;
}

/** The platform app's endpoints for outbound webhooks (platform-level: no tenant). */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    url: text('url').notNull(),
    description: text('description'),
    enabledEvents: text('enabled_events').array().notNull().default(sql`'{*}'::text[]`),
    status: text('status').$type<'enabled' | 'disabled'>().notNull().default('enabled'),
    disabledReason: text('disabled_reason'),
    secret: text('secret').notNull(),
    /** secrets replaced by rotations, each signing alongside until it expires (rotations may overlap) */
    previousSecrets: jsonb('previous_secrets').$type<PreviousSecret[]>().notNull().default([]),
    failingSince: ts('failing_since'),
    ...timestamps(),
  },
  (t) => [index('webhook_endpoints_created_idx').on(t.createdAt, t.id)],
);

/** A domain change to tell the platform's app about; written in the same transaction as the change. */
export const outboundEvents = pgTable(
  'outbound_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    /** the Stripe event that caused it: a replayed or redelivered event never emits twice */
    sourceEventId: text('source_event_id'),
    // the clock, not the transaction's start: events emitted in one transaction keep their order
    createdAt: ts('created_at').notNull().default(sql`clock_timestamp()`),
  },
  (t) => [
    uniqueIndex('outbound_events_source_key').on(t.sourceEventId, t.type),
    index('outbound_events_created_idx').on(t.createdAt, t.id),
  ],
);

/** One outbound event to one endpoint: its state across attempts. */
export const outboundDeliveries = pgTable(
  'outbound_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    eventId: uuid('event_id')
      .notNull()
      .references(() => outboundEvents.id, { onDelete: 'cascade' }),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    status: text('status')
      .$type<'pending' | 'succeeded' | 'failed' | 'skipped'>()
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('outbound_deliveries_event_endpoint_key').on(t.eventId, t.endpointId),
    index('outbound_deliveries_endpoint_idx').on(t.endpointId, t.createdAt),
  ],
);

/** Every HTTP attempt of a delivery, for the dashboard. */
export const outboundAttempts = pgTable(
  'outbound_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => outboundDeliveries.id, { onDelete: 'cascade' }),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    responseStatus: integer('response_status'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('outbound_attempts_endpoint_idx').on(t.endpointId, t.createdAt, t.id)],
);
