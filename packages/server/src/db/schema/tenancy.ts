import { sql } from 'drizzle-orm';
import {
  check,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** Tenant roles, most powerful first; `support` reads customers and their money, nothing else (issue 23). */
export const roles = ['owner', 'admin', 'member', 'support'] as const;
export type Role = (typeof roles)[number];

/**
 * A platform account's role: `operator` runs the platform; `support` reads every tenant's customers and their
 * money and changes nothing (issue 23). Null: a tenant's user, reaching only its memberships.
 */
export const operatorRoles = ['operator', 'support'] as const;
export type OperatorRole = (typeof operatorRoles)[number];

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    externalId: text('external_id'),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    settings: jsonb('settings').$type<TenantSettings>().notNull().default({}),
    status: text('status').$type<'active' | 'suspended'>().notNull().default('active'),
    // The connected account this tenant owns (`acct_…`); routes its Stripe events. The Connect
    // issue fills it during onboarding.
    stripeAccountId: text('stripe_account_id'),
    // E-mail branding (docs/notifications.md#branding): the From display part, the layout's logo and accent
    brandName: text('brand_name'),
    brandLogoUrl: text('brand_logo_url'),
    brandAccentColor: text('brand_accent_color'),
    /** Reply-To of its e-mails: an owner's or admin's address, or the verified billing contact */
    replyTo: text('reply_to'),
    billingContactEmail: text('billing_contact_email'),
    /** the language of its owners' alerts (`en`, `fr`, `de`); null: English */
    emailLocale: text('email_locale'),
    billingContactVerifiedAt: timestamp('billing_contact_verified_at', { withTimezone: true }),
    /** sha256 of the single-use verification link's token, until it is used or replaced */
    billingContactTokenHash: text('billing_contact_token_hash'),
    billingContactTokenExpiresAt: timestamp('billing_contact_token_expires_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tenants_external_id_key').on(t.externalId).where(sql`external_id IS NOT NULL`),
    uniqueIndex('tenants_stripe_account_id_key')
      .on(t.stripeAccountId)
      .where(sql`stripe_account_id IS NOT NULL`),
    index('tenants_created_idx').on(t.createdAt, t.id),
  ],
);

export interface TenantSettings {
  support_email?: string | null;
  default_currency?: string | null;
}

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name'),
    passwordHash: text('password_hash'),
    operatorRole: text('operator_role').$type<OperatorRole>(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    check('users_operator_role_check', sql`${t.operatorRole} IN ('operator', 'support')`),
  ],
);

export const memberships = pgTable(
  'memberships',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<Role>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // null for platform-level entries (tenant created, platform key issued, system access)
    tenantId: uuid('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    actorType: text('actor_type').$type<'user' | 'api_key' | 'platform' | 'system'>().notNull(),
    actorId: text('actor_id'),
    actorLabel: text('actor_label'),
    action: text('action').notNull(),
    target: text('target'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    requestId: text('request_id'),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_tenant_created_idx').on(t.tenantId, t.createdAt, t.id)],
);
