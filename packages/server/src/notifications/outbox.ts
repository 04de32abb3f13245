import { createHash } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Tx } from '../db/client.ts';
import type { SuppressedReason } from '../db/schema/index.ts';
import { toPublicId } from '../http/ids.ts';
import { alertRecipients, tenantRowIn } from '../tenants/service.ts';
import { type Branding, brandingOf, effectiveReplyTo, fromHeaderFor, styleOf } from './branding.ts';
import * as repo from './repo.ts';
import {
  type EmailDocument,
  type RenderedEmail,
  renderDocument,
  renderTemplate,
  type TemplateContext,
  type TemplateData,
  type TemplateName,
} from './templates/index.ts';
import { emailLocaleOf, messagesFor } from './templates/messages/index.ts';

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
  /** the recipient's language (a customer's Stripe `preferred_locales[0]`); else the tenant's, else English */
  locale?: string | null;
  /** kept in the outbox but never sent, and why (the platform's app sends it, the e-mail is turned off) */
  suppress?: SuppressedReason | null;
}

/**
 * The one Message-ID of a notification, fixed by its tenant and deduplication key: every send of it, a resend
 * after a crash included, carries the same one, so the receiving side can tell the duplicate.
 */
export function messageIdFor(config: Config, tenantId: string, dedupKey: string): string {
  const hash = createHash('sha256').update(`${tenantId}\n${dedupKey}`).digest('hex').slice(0, 40);
  return `<${hash}@${config.email.domain}>`;
}

/** What a tenant's e-mails are rendered and sent with: its branding, and the headers that follow from it. */
export interface Sending {
  ctx: TemplateContext;
  fromHeader: string | null;
  replyTo: string | null;
}

/**
 * The context of the tenant's e-mails with `branding` (the tenant's own unless a preview passes another):
 * its display name in the layout and From, its logo and accent colour, its Reply-To if still allowed; and
 * the language: `locale` when we write in it (`fr-CA` → `fr`), else the tenant's e-mail language, else `en`.
 */
export async function sendingFor(
  tx: Tx,
  config: Config,
  tenantId: string,
  wanted?: string | null,
  override?: Partial<Branding>,
): Promise<Sending> {
  const tenant = await tenantRowIn(tx, tenantId);
  const branding = { ...(tenant ? brandingOf(tenant) : null), ...override } as Branding;
  const name = branding.brandName ?? tenant?.name ?? 'your account';
  const locale = emailLocaleOf(wanted) ?? emailLocaleOf(tenant?.emailLocale) ?? 'en';
  const m = messagesFor(locale);
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' });
  return {
    ctx: {
      tenantName: name,
      locale,
      m,
      dashboardUrl: (path) => `${config.publicUrl}/tenants/${toPublicId('tenant', tenantId)}/${path}`,
      formatDate: (d) => dates.format(d),
      footer: m.common.ownerFooter(name),
      style: styleOf(branding),
    },
    fromHeader: fromHeaderFor(config, branding.brandName ?? null),
    replyTo: branding.replyTo ? effectiveReplyTo(branding, await alertRecipients(tx, tenantId)) : null,
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
  return writeNotification(tx, deps, input, (ctx) => renderTemplate(input.template, input.data, ctx));
}

/**
 * An e-mail that is no template of the catalogue (a one-off such as a billing contact's verification link):
 * built by `build` with the tenant's context, through the same outbox, layout and headers.
 */
export function enqueueDocument(
  tx: Tx,
  deps: { config: Config; enqueue: EnqueueSend },
  input: Omit<NotificationInput<TemplateName>, 'template' | 'data'> & {
    template: string;
    build: (ctx: TemplateContext) => EmailDocument;
  },
) {
  return writeNotification(tx, deps, input, (ctx) => renderDocument(input.build(ctx), ctx.style));
}

async function writeNotification(
  tx: Tx,
  deps: { config: Config; enqueue: EnqueueSend },
  input: Omit<NotificationInput<TemplateName>, 'template' | 'data'> & { template: string },
  render: (ctx: TemplateContext) => Promise<RenderedEmail>,
): Promise<{ notification: repo.NotificationRow; created: boolean }> {
  const existing = await repo.notificationByKey(tx, input.tenantId, input.dedupKey);
  if (existing) return { notification: existing, created: false };
  const sending = await sendingFor(tx, deps.config, input.tenantId, input.locale);
  const locale = sending.ctx.locale;
  const rendered = await render(sending.ctx);
  const reason = input.suppress ?? (input.recipients.length === 0 ? 'no_recipients' : null);
  const suppressed = reason !== null;
  const row = await repo.insertNotification(tx, {
    tenantId: input.tenantId,
    template: input.template,
    recipients: input.recipients,
    locale,
    dedupKey: input.dedupKey,
    messageId: messageIdFor(deps.config, input.tenantId, input.dedupKey),
    ...rendered,
    fromHeader: sending.fromHeader,
    replyTo: sending.replyTo,
    status: suppressed ? 'suppressed' : 'pending',
    suppressedReason: reason,
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
