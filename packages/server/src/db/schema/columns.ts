// Column shapes every table of a kind shares.
import { timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenants } from './tenancy.ts';

export const ts = (name: string) => timestamp(name, { withTimezone: true });

/** The owning tenant of a tenant-owned row: its rows go with the tenant. */
export const ownerTenantId = () =>
  uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' });

/** `created_at` and `updated_at`, set on insert. */
export const timestamps = () => ({
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
