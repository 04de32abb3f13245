import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ownerTenantId } from './columns.ts';
import type { Role } from './tenancy.ts';
import { tenants, users } from './tenancy.ts';

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // null: a platform key (manages every tenant)
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    type: text('type').$type<'secret' | 'restricted'>().notNull(),
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    createdBy: text('created_by'),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('api_keys_secret_hash_key').on(t.secretHash),
    index('api_keys_tenant_idx').on(t.tenantId, t.createdAt),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    /**
     * A session opened by a dashboard link is bound to the link's tenant with the link's role: it reaches
     * that tenant only, never with operator powers or a stored higher role. Null: a password
     * sign-in (the operator), which carries the user's own powers.
     */
    boundTenantId: uuid('bound_tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    boundRole: text('bound_role').$type<Role>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('sessions_token_hash_key').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

export const dashboardLinks = pgTable(
  'dashboard_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<Role>().notNull(),
    tokenHash: text('token_hash').notNull(),
    createdBy: text('created_by'),
    /** a team invitation (the Team page lists and revokes those pending), not a platform app's sign-in link */
    invitation: boolean('invitation').notNull().default(false),
    /** the e-mail as the inviter typed it: the invited account is not the tenant's to read until it joins */
    email: text('email'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('dashboard_links_token_hash_key').on(t.tokenHash)],
);

/**
 * The operator's invitations of support users (issue 23): a single-use link to set a password, its token
 * hashed. A platform table: forced RLS with no policy, so only withSystem reads it.
 */
export const supportInvitations = pgTable(
  'support_invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    createdBy: text('created_by').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('support_invitations_token_hash_key').on(t.tokenHash),
    index('support_invitations_user_idx').on(t.userId),
  ],
);

/** The operator's one-time setup token, printed at first start. */
export const setupTokens = pgTable('setup_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  tokenHash: text('token_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

/**
 * Idempotency records belong to the caller (an API key or a user), never shared: the RLS policy keys on
 * `app.caller_id`, so the same key string sent by two callers never collides or leaks.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    callerId: text('caller_id').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    requestHash: text('request_hash').notNull(),
    status: text('status').$type<'started' | 'completed' | 'failed'>().notNull(),
    responseStatus: text('response_status'),
    responseBody: jsonb('response_body'),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('idempotency_keys_caller_key').on(t.callerId, t.key),
    index('idempotency_keys_created_idx').on(t.createdAt),
  ],
);
