import { z } from 'zod';
import { toPublicId } from '../http/ids.ts';
import { unixTime } from '../http/schemas.ts';
import type { BounceRow, NotificationRow } from './repo.ts';

export const notificationSchema = z.object({
  id: z.string(),
  object: z.literal('notification'),
  template: z.string(),
  recipients: z.array(z.string()),
  locale: z.string(),
  status: z.enum(['pending', 'sending', 'sent', 'failed', 'suppressed']),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  message_id: z.string(),
  provider_message_id: z.string().nullable(),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  dedup_key: z.string(),
  created: z.number().int(),
  updated: z.number().int(),
  sent_at: z.number().int().nullable(),
});

export function toApiNotification(row: NotificationRow): z.infer<typeof notificationSchema> {
  return {
    id: toPublicId('notification', row.id),
    object: 'notification',
    template: row.template,
    recipients: row.recipients,
    locale: row.locale,
    status: row.status,
    subject: row.subject,
    text: row.text,
    html: row.html,
    message_id: row.messageId,
    provider_message_id: row.providerMessageId,
    attempts: row.attempts,
    last_error: row.lastError,
    dedup_key: row.dedupKey,
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
  /** a permanent SMTP rejection of the tenant's alert addresses, until an e-mail reaches them again */
  billing_address_bounces: z.boolean(),
  bounce: z
    .object({
      notification: z.string(),
      recipients: z.array(z.string()),
      error: z.string(),
      bounced_at: z.number().int(),
    })
    .nullable(),
});

export function toApiNotificationStatus(s: {
  config: { transport: 'smtp' | 'mailbox'; ownerAlertsSender: 'tributary' | 'platform' };
  bounce: BounceRow | null;
}): z.infer<typeof notificationStatusSchema> {
  return {
    object: 'notification_status',
    transport: s.config.transport,
    owner_alerts_sender: s.config.ownerAlertsSender,
    billing_address_bounces: s.bounce !== null,
    bounce: s.bounce
      ? {
          notification: toPublicId('notification', s.bounce.notificationId),
          recipients: s.bounce.recipients,
          error: s.bounce.error,
          bounced_at: unixTime(s.bounce.bouncedAt)!,
        }
      : null,
  };
}
