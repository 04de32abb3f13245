import { createHash } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Tx } from '../db/client.ts';
import { toPublicId } from '../http/ids.ts';
import { tenantRowIn } from '../tenants/service.ts';
import * as repo from './repo.ts';
import {
  renderTemplate,
  type TemplateContext,
  type TemplateData,
  type TemplateName,
} from './templates/index.ts';

export const NOTIFICATION_SEND_QUEUE = 'notification-send';

export interface NotificationSendJob {
  tenantId: string;
  notificationId: string;
}

/** How a notification's send job is enqueued: `Jobs.sendInTx` bound to the caller's transaction. */
export type EnqueueSend = (queue: typeof NOTIFICATION_SEND_QUEUE, data: NotificationSendJob) => Promise<void>;

export interface NotificationInput<T extends TemplateName> {
  tenantId: string;
  template: T;
  data: TemplateData[T];
  recipients: string[];
  /** stable ids of the cause (`dispute_opened:<dispute id>`): one notification per key and tenant */
  dedupKey: string;
  locale?: string;
  /** kept in the outbox but never sent (someone else sends it) */
  suppress?: boolean;
}

/**
 * The one Message-ID of a notification, fixed by its tenant and deduplication key: every send of it, a resend
 * after a crash included, carries the same one, so the receiving side can tell the duplicate.
 */
export function messageIdFor(config: Config, tenantId: string, dedupKey: string): string {
  const hash = createHash('sha256').update(`${tenantId}\n${dedupKey}`).digest('hex').slice(0, 40);
  return `<${hash}@${config.email.domain}>`;
}

async function templateContext(
  tx: Tx,
  config: Config,
  tenantId: string,
  locale: string,
): Promise<TemplateContext> {
  const tenant = await tenantRowIn(tx, tenantId);
  const name = tenant?.name ?? 'your account';
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' });
  return {
    tenantName: name,
    locale,
    dashboardUrl: (path) => `${config.publicUrl}/tenants/${toPublicId('tenant', tenantId)}/${path}`,
    formatDate: (d) => dates.format(d),
    footer: `You receive this e-mail as an owner or admin of ${name}.`,
  };
}

/**
 * Writes a notification to the outbox in the caller's transaction, rendered, and enqueues its send there
 * too: it exists, and is sent, exactly when the change causing it commits. A key the tenant already has
 * adds nothing (`created` false). Without recipients, or with `suppress`, the row is kept `suppressed`.
 */
export async function enqueueNotification<T extends TemplateName>(
  tx: Tx,
  deps: { config: Config; enqueue: EnqueueSend },
  input: NotificationInput<T>,
): Promise<{ notification: repo.NotificationRow; created: boolean }> {
  const existing = await repo.notificationByKey(tx, input.tenantId, input.dedupKey);
  if (existing) return { notification: existing, created: false };
  const locale = input.locale ?? 'en';
  const ctx = await templateContext(tx, deps.config, input.tenantId, locale);
  const rendered = await renderTemplate(input.template, input.data, ctx);
  const suppressed = input.suppress || input.recipients.length === 0;
  const row = await repo.insertNotification(tx, {
    tenantId: input.tenantId,
    template: input.template,
    recipients: input.recipients,
    locale,
    dedupKey: input.dedupKey,
    messageId: messageIdFor(deps.config, input.tenantId, input.dedupKey),
    ...rendered,
    status: suppressed ? 'suppressed' : 'pending',
  });
  // a concurrent transaction wrote the same key first
  if (!row)
    return {
      notification: (await repo.notificationByKey(tx, input.tenantId, input.dedupKey))!,
      created: false,
    };
  if (!suppressed)
    await deps.enqueue(NOTIFICATION_SEND_QUEUE, { tenantId: row.tenantId, notificationId: row.id });
  return { notification: row, created: true };
}
