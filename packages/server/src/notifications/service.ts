import type { Config } from '../config.ts';
import type { Ctx } from '../context.ts';
import type { Tx } from '../db/client.ts';
import { withSystem } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';
import { parsePathId } from '../http/ids.ts';
import type { PageQuery } from '../http/pagination.ts';
import type { Jobs } from '../jobs/define.ts';
import { requirePlatformScope } from '../scope/actor.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';
import { alertRecipients, tenantRowIn } from '../tenants/service.ts';
import type { CustomerEmail, OwnerAlert } from './catalogue.ts';
import { type EnqueueSend, enqueueNotification, NOTIFICATION_SEND_QUEUE } from './outbox.ts';
import { customerEmailEnabled, ownerAlertRecipients } from './preferences.ts';
import * as repo from './repo.ts';
import type { TemplateData } from './templates/index.ts';

export type { CustomerEmail, OwnerAlert } from './catalogue.ts';
// The notifications domain's front door: other domains write notifications through it, in their own
// transaction; its routes list and resend them.
export { type EnqueueSend, enqueueNotification, type NotificationInput } from './outbox.ts';
export {
  customerEmailEnabled,
  customerEmailSettings,
  myAlertSettings,
  updateCustomerEmailSettings,
  updateMyAlertSettings,
} from './preferences.ts';
export type { BounceRow, NotificationRow } from './repo.ts';
export type { LineItem, TemplateData, TemplateName } from './templates/index.ts';

/** Who sends an owner alert, and — when the platform's app does — the addresses it must mail. */
export interface AlertSender {
  sender: 'tributary' | 'platform';
  /**
   * with OWNER_ALERTS_SENDER=platform, when this call wrote the alert: exactly those Tributary would have
   * e-mailed; null otherwise (Tributary sends it, or an earlier event of the same cause carried it)
   */
  notify: string[] | null;
}

/**
 * An alert to the tenant's owners and admins who did not turn it off, in the caller's transaction (kept
 * `suppressed` when nobody is left). With `OWNER_ALERTS_SENDER=platform` the platform's app mails them: the
 * alert is kept `suppressed` (`platform_sends`), and the caller puts `notify` (notifyField) in the outbound
 * webhook of the alert's cause — every owner alert, so an owner gets each one once, from one sender.
 */
export async function alertOwners<T extends OwnerAlert>(
  tx: Tx,
  deps: { config: Config; enqueue: EnqueueSend },
  alert: { tenantId: string; template: T; data: TemplateData[T]; dedupKey: string },
): Promise<AlertSender> {
  const sender = deps.config.email.ownerAlertsSender;
  const recipients = await ownerAlertRecipients(tx, alert.tenantId, alert.template);
  const { created } = await enqueueNotification(tx, deps, {
    ...alert,
    recipients,
    suppress: sender === 'platform' ? 'platform_sends' : null,
  });
  // once, like Tributary's own e-mail: a later event of the same cause (a redelivery, a second refund event)
  // finds the alert written and carries no `notify`
  return { sender, notify: sender === 'platform' && created ? recipients : null };
}

/** The `notify` field of an alert's outbound webhook: present only when the platform's app sends it. */
export function notifyField(alert: AlertSender | null | undefined): { notify?: string[] } {
  return alert?.notify ? { notify: alert.notify } : {};
}

/**
 * The one receipt of a payment, keyed by its PaymentIntent (`pi_…`): a tenant invoice's, a subscription
 * invoice's and a plain payment's receipt of the same payment share the key, so the customer gets one.
 */
export const receiptKey = (stripePaymentIntentId: string) => `receipt:${stripePaymentIntentId}`;

/**
 * An e-mail to one of the tenant's customers, in the caller's transaction: kept `suppressed` when the tenant
 * has not turned this e-mail on (Stripe may send its own) or the customer has no address.
 */
export async function emailCustomer<T extends CustomerEmail>(
  tx: Tx,
  deps: { config: Config; enqueue: EnqueueSend },
  mail: {
    tenantId: string;
    template: T;
    data: TemplateData[T];
    dedupKey: string;
    to: string | null;
    /** the customer's language (Stripe's `preferred_locales[0]`); else the tenant's */
    locale?: string | null;
  },
) {
  const on = await customerEmailEnabled(tx, mail.tenantId, mail.template);
  const { to, ...rest } = mail;
  return enqueueNotification(tx, deps, {
    ...rest,
    recipients: to ? [to] : [],
    suppress: on ? null : 'turned_off',
  });
}

/** Whether the tenant already has the notification of `dedupKey` (a follow-up skips its Stripe calls). */
export async function notificationExists(tx: Tx, tenantId: string, dedupKey: string): Promise<boolean> {
  return (await repo.notificationByKey(tx, tenantId, dedupKey)) !== undefined;
}

export function listNotifications(scope: TenantScope, q: PageQuery) {
  return inTenant(scope, 'notifications:read', (tx) => repo.listNotifications(tx, scope.tenantId, q));
}

/** One of the tenant's notifications; another tenant's is invisible (row-level security), so a 404. */
export async function getNotification(scope: TenantScope, publicId: string): Promise<repo.NotificationRow> {
  const id = parsePathId('notification', publicId);
  const row = await inTenant(scope, 'notifications:read', (tx) => repo.getNotification(tx, id));
  if (!row) throw ApiError.notFound('notification', publicId);
  return row;
}

/** The operator's mailbox: every tenant's notifications, newest first. */
export function listAllNotifications(ctx: Ctx, q: PageQuery) {
  requirePlatformScope(ctx.actor, 'notifications:read');
  return withSystem(ctx.db, 'notifications.operator_mailbox', (tx) => repo.listNotifications(tx, null, q));
}

/**
 * Sends a sent or failed notification once more: a new attempt, the same content and Message-ID. The send
 * job is enqueued in the same transaction.
 */
export async function resendNotification(
  scope: TenantScope,
  jobs: Jobs,
  publicId: string,
): Promise<repo.NotificationRow> {
  const id = parsePathId('notification', publicId);
  return inTenant(scope, 'notifications:write', async (tx) => {
    const row = await repo.getNotification(tx, id);
    if (!row) throw ApiError.notFound('notification', publicId);
    // a stranger's mailbox: a new link is sent by setting the contact again, within its limits
    if (row.template === 'billing_contact_verification')
      throw new ApiError(
        'notification_not_resendable',
        'A verification link is not sent again; set the billing contact again for a new one.',
      );
    const reset = await repo.resetForResend(tx, id);
    if (!reset)
      throw new ApiError(
        'notification_not_resendable',
        `Only a sent or failed notification can be sent again; this one is ${row.status}.`,
      );
    await jobs.sendInTx(tx, NOTIFICATION_SEND_QUEUE, { tenantId: reset.tenantId, notificationId: reset.id });
    await scope.audit(tx, {
      action: 'notification.resent',
      target: { kind: 'notification', id },
      data: { template: row.template, previous_status: row.status },
    });
    return reset;
  });
}

/**
 * What the dashboard shows about the tenant's e-mail: who sends owner alerts, and the tenant's own addresses
 * that bounce (its owners', admins' and billing contact's as they are now: an address replaced or gone from
 * the team no longer shows). Customers' bounces never raise the banner; they are counted apart.
 */
export async function notificationStatus(scope: TenantScope) {
  return inTenant(scope, 'notifications:read', async (tx) => {
    const current = new Set(await alertRecipients(tx, scope.tenantId));
    const contact = (await tenantRowIn(tx, scope.tenantId))?.billingContactEmail;
    if (contact) current.add(contact.toLowerCase());
    const owner = (await repo.bouncesOf(tx, scope.tenantId, 'owner')).filter((b) => current.has(b.address));
    const customer = await repo.bouncesOf(tx, scope.tenantId, 'customer');
    return { config: scope.config.email, bounces: owner, customerBounces: customer.length };
  });
}
