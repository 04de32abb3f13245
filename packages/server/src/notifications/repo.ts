import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import {
  type BounceKind,
  type NotificationStatus,
  notificationBounces,
  notifications,
} from '../db/schema/index.ts';
import { type PageQuery, paginate } from '../http/pagination.ts';

export type NotificationRow = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;
export type BounceRow = typeof notificationBounces.$inferSelect;

/** The row, or null when the tenant already has one with this deduplication key. */
export async function insertNotification(tx: Tx, row: NewNotification): Promise<NotificationRow | null> {
  const [inserted] = await tx
    .insert(notifications)
    .values(row)
    .onConflictDoNothing({ target: [notifications.tenantId, notifications.dedupKey] })
    .returning();
  return inserted ?? null;
}

export async function getNotification(tx: Tx, id: string): Promise<NotificationRow | undefined> {
  const [row] = await tx.select().from(notifications).where(eq(notifications.id, id));
  return row;
}

export async function notificationByKey(
  tx: Tx,
  tenantId: string,
  dedupKey: string,
): Promise<NotificationRow | undefined> {
  const [row] = await tx
    .select()
    .from(notifications)
    .where(and(eq(notifications.tenantId, tenantId), eq(notifications.dedupKey, dedupKey)));
  return row;
}

/**
 * Takes the row for one send: `pending`, or `sending` left by a worker that died between the send and its
 * mark (sent again, with the same Message-ID). Null when it is settled or gone.
 */
export async function claimNotification(tx: Tx, id: string): Promise<NotificationRow | null> {
  const [row] = await tx
    .update(notifications)
    .set({ status: 'sending', attempts: sql`${notifications.attempts} + 1`, updatedAt: sql`now()` })
    .where(and(eq(notifications.id, id), inArray(notifications.status, ['pending', 'sending'])))
    .returning();
  return row ?? null;
}

/** Settles a claimed row; only one still `sending` (a resend may have reset it meanwhile). */
export async function settleNotification(
  tx: Tx,
  id: string,
  to: {
    status: Exclude<NotificationStatus, 'sending' | 'suppressed'>;
    error?: string;
    providerMessageId?: string;
    /** the send's time, as its Date header says */
    sentAt?: Date;
  },
): Promise<NotificationRow | null> {
  const [row] = await tx
    .update(notifications)
    .set({
      status: to.status,
      lastError: to.error ?? null,
      ...(to.providerMessageId
        ? { providerMessageId: to.providerMessageId, sentAt: to.sentAt ?? sql`now()` }
        : {}),
      updatedAt: sql`now()`,
    })
    .where(and(eq(notifications.id, id), eq(notifications.status, 'sending')))
    .returning();
  return row ?? null;
}

/**
 * A sent or failed row back to `pending` for one more send (same content, same Message-ID), with a fresh
 * count of attempts, so it gets every retry again; `resend_count` and `resent_at` keep the history.
 */
export async function resetForResend(tx: Tx, id: string): Promise<NotificationRow | null> {
  const [row] = await tx
    .update(notifications)
    .set({
      status: 'pending',
      lastError: null,
      attempts: 0,
      resendCount: sql`${notifications.resendCount} + 1`,
      resentAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(notifications.id, id), inArray(notifications.status, ['sent', 'failed'])))
    .returning();
  return row ?? null;
}

/** The tenant's notifications, or every tenant's (null: the operator's mailbox, outside tenant isolation). */
export function listNotifications(tx: Tx, tenantId: string | null, q: PageQuery) {
  return paginate<NotificationRow>(
    tx,
    { table: notifications, id: notifications.id, created: notifications.createdAt },
    tenantId === null ? undefined : eq(notifications.tenantId, tenantId),
    q,
  );
}

/** The addresses of a notification the server refused for good, each kept once per kind. */
export async function recordBounce(
  tx: Tx,
  b: { tenantId: string; notificationId: string; recipients: string[]; kind: BounceKind; error: string },
): Promise<void> {
  if (b.recipients.length === 0) return;
  await tx
    .insert(notificationBounces)
    .values(
      [...new Set(b.recipients.map((r) => r.toLowerCase()))].map((address) => ({
        tenantId: b.tenantId,
        address,
        kind: b.kind,
        notificationId: b.notificationId,
        error: b.error,
      })),
    )
    .onConflictDoUpdate({
      target: [notificationBounces.tenantId, notificationBounces.address, notificationBounces.kind],
      set: { notificationId: b.notificationId, error: b.error, bouncedAt: sql`now()` },
    });
}

/** Forgets the bounces of addresses a later e-mail reached (of any kind: the mailbox takes mail again). */
export async function clearBouncesDeliveredTo(tx: Tx, tenantId: string, delivered: string[]): Promise<void> {
  if (delivered.length === 0) return;
  await tx.delete(notificationBounces).where(
    and(
      eq(notificationBounces.tenantId, tenantId),
      inArray(
        notificationBounces.address,
        delivered.map((d) => d.toLowerCase()),
      ),
    ),
  );
}

/** Forgets an owner address's bounce: it is no longer one of the tenant's (a billing contact replaced). */
export async function forgetOwnerBounce(tx: Tx, tenantId: string, address: string): Promise<void> {
  await tx
    .delete(notificationBounces)
    .where(
      and(
        eq(notificationBounces.tenantId, tenantId),
        eq(notificationBounces.address, address.toLowerCase()),
        eq(notificationBounces.kind, 'owner'),
      ),
    );
}

/** The tenant's bounced addresses of one kind, newest first. */
export function bouncesOf(tx: Tx, tenantId: string, kind: BounceKind): Promise<BounceRow[]> {
  return tx
    .select()
    .from(notificationBounces)
    .where(and(eq(notificationBounces.tenantId, tenantId), eq(notificationBounces.kind, kind)))
    .orderBy(desc(notificationBounces.bouncedAt));
}
