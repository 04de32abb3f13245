import { sql } from 'drizzle-orm';
import { index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ownerTenantId, timestamps, ts } from './columns.ts';

/**
 * Why a row is `suppressed`: the platform's app sends it (OWNER_ALERTS_SENDER=platform, from the webhook's
 * `notify`), the tenant or every recipient turned it off, or it had nobody to go to.
 */
export const suppressedReasons = ['platform_sends', 'turned_off', 'no_recipients'] as const;
export type SuppressedReason = (typeof suppressedReasons)[number];

export const notificationStatuses = ['pending', 'sending', 'sent', 'failed', 'suppressed'] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];

/**
 * The e-mail outbox: one row per notification, written in the transaction of the change that causes it.
 * `dedup_key` (stable ids of the cause) is unique per tenant, so a cause never produces two; `message_id`
 * is fixed from it, so a resend after a crash carries the same Message-ID (docs/notifications.md).
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: ownerTenantId(),
    template: text('template').notNull(),
    recipients: text('recipients').array().notNull(),
    locale: text('locale').notNull().default('en'),
    dedupKey: text('dedup_key').notNull(),
    messageId: text('message_id').notNull(),
    /** the From header when it is not EMAIL_FROM as configured: the tenant's name as display part */
    fromHeader: text('from_header'),
    replyTo: text('reply_to'),
    subject: text('subject').notNull(),
    html: text('html').notNull(),
    text: text('text').notNull(),
    status: text('status').$type<NotificationStatus>().notNull().default('pending'),
    suppressedReason: text('suppressed_reason').$type<SuppressedReason>(),
    /** sends since the row was written or last resent: the retry limit counts these */
    attempts: integer('attempts').notNull().default(0),
    /** how many times an owner or the operator sent it again (each resets `attempts`), and the last time */
    resendCount: integer('resend_count').notNull().default(0),
    resentAt: ts('resent_at'),
    lastError: text('last_error'),
    /** the transport's id of the accepted message (SMTP's queue id), or `mailbox` when kept in the outbox */
    providerMessageId: text('provider_message_id'),
    sentAt: ts('sent_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('notifications_dedup_key').on(t.tenantId, t.dedupKey),
    index('notifications_created_idx').on(t.tenantId, t.createdAt, t.id),
    // the billing contact verification limits count these across tenants (verification-limit.ts)
    index('notifications_verification_idx')
      .on(t.createdAt)
      .where(sql`${t.template} = 'billing_contact_verification'`),
  ],
);

export const bounceKinds = ['owner', 'customer'] as const;
export type BounceKind = (typeof bounceKinds)[number];

/**
 * Addresses an SMTP server refused for good (a 5xx), per tenant, address and kind: `owner` for the tenant's
 * own alert addresses (owners, admins, billing contact: the dashboard's "billing address bounces"),
 * `customer` for its customers'. A later delivery to the address forgets it.
 */
export const notificationBounces = pgTable(
  'notification_bounced_addresses',
  {
    tenantId: ownerTenantId(),
    address: text('address').notNull(),
    kind: text('kind').$type<BounceKind>().notNull(),
    notificationId: uuid('notification_id').notNull(),
    error: text('error').notNull(),
    bouncedAt: ts('bounced_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.address, t.kind] })],
);
