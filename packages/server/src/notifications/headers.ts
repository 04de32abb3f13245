import type { Config } from '../config.ts';
import { toPublicId } from '../http/ids.ts';
import type { NotificationRow } from './repo.ts';

/**
 * The headers of a notification's e-mail, as the transport sends them and as the mailbox shows them: the one
 * place they are decided, so what the dashboard shows is what went out.
 */
export interface EmailHeaders {
  from: string;
  to: string[];
  replyTo: string | null;
  subject: string;
  messageId: string;
  /** RFC 5322 date of the send (nodemailer's format); null before the first send */
  date: string | null;
  extra: Record<string, string>;
}

/** `Date` as nodemailer writes it for the same instant. */
export const headerDate = (d: Date) => d.toUTCString().replace(/GMT/, '+0000');

/**
 * The headers of `row`, sent at `sentAt` (the row's own `sent_at` for one already sent). The From address is
 * always EMAIL_FROM; the display part and Reply-To were fixed with the row (the tenant's branding then).
 */
export function emailHeaders(
  config: Config,
  row: Pick<
    NotificationRow,
    'id' | 'recipients' | 'subject' | 'messageId' | 'sentAt' | 'fromHeader' | 'replyTo'
  >,
  sentAt: Date | null = row.sentAt,
): EmailHeaders {
  return {
    from: row.fromHeader ?? config.email.from,
    to: row.recipients,
    replyTo: row.replyTo,
    subject: row.subject,
    messageId: row.messageId,
    date: sentAt ? headerDate(sentAt) : null,
    extra: {
      'Auto-Submitted': 'auto-generated',
      'X-Tributary-Notification': toPublicId('notification', row.id),
    },
  };
}
