import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ownerTenantId, ts } from './columns.ts';
import { customers } from './payments.ts';

/**
 * The links in customer e-mails (a failed payment, a card about to expire) that open a page to update the
 * card: one customer's, until `expires_at`. Only the token's sha256 is kept; the link carries the token.
 */
export const cardUpdateLinks = pgTable(
  'card_update_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('card_update_links_token_key').on(t.tokenHash),
    index('card_update_links_customer_idx').on(t.tenantId, t.customerId),
  ],
);
