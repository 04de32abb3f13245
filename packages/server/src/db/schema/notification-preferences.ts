import { boolean, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { ownerTenantId, timestamps } from './columns.ts';
import { users } from './tenancy.ts';

/**
 * Which e-mails to its customers a tenant sends (a receipt, a renewal reminder …). A template without a row is
 * off: Stripe may already send the connected account's receipts.
 */
export const customerEmailSettings = pgTable(
  'customer_email_settings',
  {
    tenantId: ownerTenantId(),
    template: text('template').notNull(),
    enabled: boolean('enabled').notNull(),
    ...timestamps(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.template] })],
);

/** Which owner alerts one owner or admin of a tenant receives. A template without a row is on. */
export const memberAlertPreferences = pgTable(
  'member_alert_preferences',
  {
    tenantId: ownerTenantId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    template: text('template').notNull(),
    enabled: boolean('enabled').notNull(),
    ...timestamps(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId, t.template] })],
);
