import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ownerTenantId, timestamps, ts } from './columns.ts';

export const connectKinds = ['express', 'standard'] as const;
export type ConnectKind = (typeof connectKinds)[number];

/** Stripe's `requirements` hash as we keep it (see connect/service.ts for the plain-words view). */
export interface StoredRequirements {
  currently_due: string[];
  past_due: string[];
  eventually_due: string[];
  pending_verification: string[];
  current_deadline: number | null;
  disabled_reason: string | null;
  errors: { requirement: string; reason: string }[];
}

/**
 * A tenant's connected accounts, one row per connection; the current one has no
 * `disconnected_at`. Disconnected rows stay as history (the tenant's payments keep pointing at them).
 * `tenants.stripe_account_id` mirrors the current (or last) account so Stripe events route to the tenant.
 */
export const connectAccounts = pgTable(
  'connect_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    stripeAccountId: text('stripe_account_id').notNull(),
    kind: text('kind').$type<ConnectKind>().notNull(),
    /** created by Tributary through the API, or an existing account linked through OAuth */
    source: text('source').$type<'created' | 'oauth'>().notNull(),
    livemode: boolean('livemode').notNull().default(false),
    chargesEnabled: boolean('charges_enabled').notNull().default(false),
    payoutsEnabled: boolean('payouts_enabled').notNull().default(false),
    detailsSubmitted: boolean('details_submitted').notNull().default(false),
    requirements: jsonb('requirements').$type<StoredRequirements | null>(),
    capabilities: jsonb('capabilities').$type<Record<string, string>>().notNull().default({}),
    /** when the tenant first came back from hosted onboarding (an unfinished account is then `restricted`) */
    onboardingReturnedAt: ts('onboarding_returned_at'),
    /** onboarding redirect token (sha-256), behind Tributary's return_url/refresh_url */
    linkTokenHash: text('link_token_hash'),
    linkTokenExpiresAt: ts('link_token_expires_at'),
    linkReturnTo: text('link_return_to').$type<'platform' | 'dashboard'>(),
    connectedAt: ts('connected_at').notNull().defaultNow(),
    disconnectedAt: ts('disconnected_at'),
    disconnectReason: text('disconnect_reason').$type<'disconnected' | 'deauthorized'>(),
    lastSyncedAt: ts('last_synced_at'),
    lastEventAt: ts('last_event_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('connect_accounts_current_key').on(t.tenantId).where(sql`disconnected_at IS NULL`),
    index('connect_accounts_tenant_idx').on(t.tenantId, t.connectedAt),
    index('connect_accounts_stripe_account_idx').on(t.stripeAccountId),
    uniqueIndex('connect_accounts_link_token_key')
      .on(t.linkTokenHash)
      .where(sql`link_token_hash IS NOT NULL`),
  ],
);

/**
 * OAuth `state` values: 256 random bits, stored as sha-256, bound to the tenant and the caller
 * (user or API key) that asked, single use, 10 minutes.
 */
export const connectOauthStates = pgTable(
  'connect_oauth_states',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    stateHash: text('state_hash').notNull(),
    callerKind: text('caller_kind').$type<'user' | 'api_key' | 'platform'>().notNull(),
    callerId: text('caller_id'),
    returnTo: text('return_to').$type<'platform' | 'dashboard'>().notNull().default('platform'),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('connect_oauth_states_hash_key').on(t.stateHash)],
);
