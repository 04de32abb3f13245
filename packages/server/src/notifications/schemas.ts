import { z } from 'zod';
import type { Config } from '../config.ts';
import { toPublicId } from '../http/ids.ts';
import { unixTime } from '../http/schemas.ts';
import { emailHeaders } from './headers.ts';
import type { BounceRow, NotificationRow } from './repo.ts';

/** The e-mail's headers as sent (or as they will be sent; `date` is null before the first send). */
const headersSchema = z.object({
  from: z.string(),
  to: z.array(z.string()),
  reply_to: z.string().nullable(),
  subject: z.string(),
  message_id: z.string(),
  date: z.string().nullable(),
  /** the other headers every notification carries (`Auto-Submitted`, `X-Tributary-Notification`) */
  other: z.record(z.string(), z.string()),
});

export const notificationSchema = z
  .object({
    id: z.string(),
    object: z.literal('notification'),
    /** the tenant it belongs to (`ten_…`) */
    tenant: z.string(),
    template: z.string(),
    recipients: z.array(z.string()),
    locale: z.string(),
    status: z.enum(['pending', 'sending', 'sent', 'failed', 'suppressed']),
    /** why a `suppressed` one was never sent: `platform_sends`, `turned_off`, `no_recipients` */
    suppressed_reason: z.enum(['platform_sends', 'turned_off', 'no_recipients']).nullable(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    message_id: z.string(),
    provider_message_id: z.string().nullable(),
    /** sends since it was written or last resent (the retry limit counts these) */
    attempts: z.number().int(),
    /** times it was sent again by hand, and the last time */
    resend_count: z.number().int(),
    resent_at: z.number().int().nullable(),
    last_error: z.string().nullable(),
    dedup_key: z.string(),
    headers: headersSchema,
    created: z.number().int(),
    updated: z.number().int(),
    sent_at: z.number().int().nullable(),
  })
  .meta({ id: 'Notification' });

/**
 * A billing contact's verification link proves the reader holds that mailbox: the tenant's own view of its
 * outbox must not hand it to its members, or one could "verify" any address. Only the platform sees it.
 */
const verificationToken = /(billing_contact\/verify\?[^"'\s<>]*?token=)[A-Za-z0-9]+/g;
/** Likewise a customer's card update link: whoever holds it updates that customer's card. */
const cardUpdateToken = /(billing\/update_card\?token=)[A-Za-z0-9_.]+/g;
/** And the recovery page's link of a dunning e-mail: it pays and adds cards (a key reading notifications need not). */
const recoveryToken = /(recover[?#]token=)rcv_[^"'\s<>&]+/g;
const redactLink = (s: string) =>
  s
    .replace(verificationToken, '$1REDACTED')
    .replace(cardUpdateToken, '$1REDACTED')
    .replace(recoveryToken, '$1REDACTED');
const withCardLinks = new Set([
  'billing_contact_verification',
  'payment_failed',
  'card_expiring',
  'plan_payment_failed',
  'plan_attempt_failed',
  'plan_suspended',
]);

export function toApiNotification(
  config: Config,
  row: NotificationRow,
  view: 'tenant' | 'platform' = 'tenant',
): z.infer<typeof notificationSchema> {
  const h = emailHeaders(config, row);
  const redact = view === 'tenant' && withCardLinks.has(row.template) ? redactLink : (s: string) => s;
  return {
    id: toPublicId('notification', row.id),
    object: 'notification',
    tenant: toPublicId('tenant', row.tenantId),
    template: row.template,
    recipients: row.recipients,
    locale: row.locale,
    status: row.status,
    suppressed_reason: row.suppressedReason,
    subject: row.subject,
    text: redact(row.text),
    html: redact(row.html),
    message_id: row.messageId,
    provider_message_id: row.providerMessageId,
    attempts: row.attempts,
    resend_count: row.resendCount,
    resent_at: unixTime(row.resentAt),
    last_error: row.lastError,
    dedup_key: row.dedupKey,
    headers: {
      from: h.from,
      to: h.to,
      reply_to: h.replyTo,
      subject: h.subject,
      message_id: h.messageId,
      date: h.date,
      other: h.extra,
    },
    created: unixTime(row.createdAt)!,
    updated: unixTime(row.updatedAt)!,
    sent_at: unixTime(row.sentAt),
  };
}

export const notificationStatusSchema = z.object({
  object: z.literal('notification_status'),
  /** `smtp`, or `mailbox`: no SMTP server, e-mails are kept in the outbox */
  transport: z.enum(['smtp', 'mailbox']),
  owner_alerts_sender: z.enum(['tributary', 'platform']),
  /** one of the tenant's own alert addresses was refused for good, until an e-mail reaches it again */
  billing_address_bounces: z.boolean(),
  /** the latest of them (all its refused addresses in `recipients`) */
  bounce: z
    .object({
      notification: z.string(),
      recipients: z.array(z.string()),
      error: z.string(),
      bounced_at: z.number().int(),
    })
    .nullable(),
  /** customers' addresses refused for good: shown apart, never as the owners' banner */
  customer_bounces: z.number().int(),
});

export function toApiNotificationStatus(s: {
  config: { transport: 'smtp' | 'mailbox'; ownerAlertsSender: 'tributary' | 'platform' };
  bounces: BounceRow[];
  customerBounces: number;
}): z.infer<typeof notificationStatusSchema> {
  const latest = s.bounces[0];
  return {
    object: 'notification_status',
    transport: s.config.transport,
    owner_alerts_sender: s.config.ownerAlertsSender,
    billing_address_bounces: s.bounces.length > 0,
    bounce: latest
      ? {
          notification: toPublicId('notification', latest.notificationId),
          recipients: s.bounces.map((b) => b.address),
          error: latest.error,
          bounced_at: unixTime(latest.bouncedAt)!,
        }
      : null,
    customer_bounces: s.customerBounces,
  };
}
